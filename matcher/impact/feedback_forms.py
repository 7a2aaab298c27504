"""Feedback forms: the visitor's on the placement, the host's on a visitor. Shapes only; the rules
(once only, after the visit, double-blind) are in services.impact.feedback."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from matcher.services.impact.feedback import MAX_COMMENTS, RATINGS
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext
from matcher.web.forms import AppForm

YES, NO = "yes", "no"


def _ratings() -> list[SelectChoice]:
    return [SelectChoice(n, str(n)) for n in RATINGS]


def _yes_no() -> list[SelectChoice]:
    return [
        SelectChoice(YES, lazy_pgettext("feedback answer", "Yes")),
        SelectChoice(NO, lazy_pgettext("feedback answer", "No")),
    ]


def _comments(label) -> TextAreaField:
    return TextAreaField(
        label,
        description=_l("Optional. At most 5,000 characters."),
        validators=[
            Optional(),
            Length(max=MAX_COMMENTS, message=_l("Keep your comments to 5,000 characters or fewer.")),
        ],
        render_kw={"rows": 6, "maxlength": MAX_COMMENTS},
    )


class FeedbackForm(AppForm):
    """What both sides answer; `would_return` means recommend (visitor) or welcome again (host)."""

    def answer(self) -> dict:
        return {
            "rating": self.rating.data,
            "would_return": self.would_return.data == YES,
            "comments": self.comments.data or "",
        }


class VisitorFeedbackForm(FeedbackForm):
    rating = RadioField(
        _l("How was your placement, from 1 (poor) to 5 (excellent)?"),
        choices=_ratings(),
        coerce=int,
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
    )
    would_return = RadioField(
        _l("Would you recommend this placement to a friend?"),
        choices=_yes_no(),
        validators=[InputRequired(_l("Say whether you would recommend it."))],
    )
    comments = _comments(_l("What went well, and what could be better?"))


class HostFeedbackForm(FeedbackForm):
    rating = RadioField(
        _l("How was this visitor, from 1 (poor) to 5 (excellent)?"),
        choices=_ratings(),
        coerce=int,
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
    )
    would_return = RadioField(
        _l("Would you welcome this visitor again?"),
        choices=_yes_no(),
        validators=[InputRequired(_l("Say whether you would welcome them again."))],
    )
    comments = _comments(_l("What did they do well, and what could they do better?"))
