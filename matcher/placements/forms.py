"""Forms on the placement pages: a host's reason, an applicant's feedback."""

from __future__ import annotations

from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm


class ReasonForm(AppForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason; the applicant will read it.")), Length(max=2000)],
    )


class FeedbackForm(AppForm):
    rating = IntegerField(
        _l("Rating (1 to 5)"),
        validators=[DataRequired(_l("Give a rating from 1 to 5.")), NumberRange(1, 5, _l("From 1 to 5."))],
    )
    feedback = TextAreaField(
        _l("What went well, and what could be better?"), validators=[Optional(), Length(max=5000)]
    )
