"""Form helpers: copy a DomainError onto the field it concerns."""

from __future__ import annotations

from flask_wtf import FlaskForm

from matcher.services.errors import DomainError


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Attach the error next to its field, or to the form when it concerns no one field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
