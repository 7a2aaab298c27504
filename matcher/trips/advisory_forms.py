"""The coordinator's re-approval of a trip held for a travel advisory."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from matcher.services.departure.advisories import MAX_REASON
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm


class ReleaseForm(AppForm):
    reason = TextAreaField(
        _l("Why the trip may go ahead"),
        validators=[DataRequired(_l("Give the reason the trip may go ahead.")), Length(max=MAX_REASON)],
        description=_l(
            "The traveller reads it. Say what was checked: the region, the school's consent, insurance."
        ),
    )
