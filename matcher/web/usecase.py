"""One way for a view to run a use case: commit on success, or roll back and tell the user why.

A view validates its form, then hands one service call to `attempt`. On success the request's
transaction is committed once; on a `DomainError` it is rolled back and the message is shown on the
form (at its field when the error names one) or flashed. Not-found and permission errors that concern
no field go on to the app-wide handlers (see `matcher.errors`), which render the 404 or 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import flash, render_template
from flask_wtf import FlaskForm

from matcher.extensions import db
from matcher.services.errors import DomainError, NotFound, PermissionDenied
from matcher.translate import gettext as _
from matcher.web.forms import show_error

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a use case gave back, or the refusal that stopped it."""

    value: T | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(call: Callable[..., T], *args: Any, form: FlaskForm | None = None, **kwargs: Any) -> Outcome[T]:
    """Run `call(*args, **kwargs)` and commit the request's transaction, or roll back and report why."""
    try:
        value = call(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound | PermissionDenied) and not (form is not None and error.field):
            raise
        if form is not None:
            show_error(form, error)
        else:
            flash(error.message, "error")
        return Outcome(error=error)
    db.session.commit()
    return Outcome(value=value)


def render_form(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """A page with a form: 422 when the form carries errors (429 when a limit refused it), so
    clients and tests can tell."""
    status = 429 if getattr(form, "too_many", False) else 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def submitted(form: FlaskForm, message: str | None = None) -> bool:
    """For a form posted from a page that shows it among others: True when valid, else False after
    flashing why (`message`, or the form's own messages), so the view redirects back to that page."""
    if form.validate_on_submit():
        return True
    flash(
        message or " ".join(e for errors in form.errors.values() for e in errors) or _("Try again."), "error"
    )
    return False
