"""Form helpers: the empty CSRF-only form, errors shown at their field, the hidden CSRF input."""

from __future__ import annotations

from flask_wtf import FlaskForm
from markupsafe import Markup

from matcher.services.errors import DomainError, TooMany


def strip_spaces(value: str | None) -> str | None:
    """Pasted addresses often carry spaces; they are not part of the address."""
    return value.strip() if isinstance(value, str) else value


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Attach the error next to its field, or to the form when it concerns no one field."""
    if isinstance(error, TooMany):
        form.too_many = True  # render_form answers 429
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def csrf_input(form: FlaskForm) -> Markup:
    """The form's hidden CSRF field without an id (pages hold several forms); empty when off."""
    field = getattr(form, "csrf_token", None)
    return field(id=False) if field is not None else Markup("")


class EmptyForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons such as "Log out"."""
