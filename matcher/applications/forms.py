"""Application forms: the motivation, and the organisation's order of its applicants."""

from __future__ import annotations

from wtforms import IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from matcher.services.applications import MAX_MOTIVATION
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm


class MotivationForm(AppForm):
    motivation = TextAreaField(
        _l("Motivation (optional)"),
        validators=[Length(max=MAX_MOTIVATION, message=_l("At most %(max)d characters."))],
        description=_l(
            "Why this opportunity, in a few sentences; up to %(max)d characters. "
            "The organisation reads it with your profile.",
            max=MAX_MOTIVATION,
        ),
    )


class HostOrderForm(AppForm):
    """One number per applicant, named after the application.

    One form part per applicant (no hidden ids) keeps long lists within MAX_FORM_PARTS, and a
    number posted for an application that is no longer there is simply not read.
    """

    @classmethod
    def for_applications(cls, application_ids: list[int], **kwargs) -> HostOrderForm:
        fields = {
            f"position_{application_id}": IntegerField(
                _l("Your order"),
                validators=[Optional(), NumberRange(1, 999, _l("A whole number from 1 to 999."))],
            )
            for application_id in application_ids
        }
        return type("HostOrderForm", (cls,), fields)(**kwargs)

    def position(self, application_id: int):
        return self[f"position_{application_id}"]

    def positions(self) -> dict[int, int | None]:
        """application id -> the number given (None when left empty)."""
        return {
            int(name.removeprefix("position_")): field.data
            for name, field in self._fields.items()
            if name.startswith("position_")
        }
