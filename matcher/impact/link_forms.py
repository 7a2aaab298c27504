"""Forms of the local learners' feedback: the host's new links, the learner's answer."""

from __future__ import annotations

from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matcher.services.impact.learner_links import DEFAULT_DAYS, MAX_DAYS, MAX_LINKS, MAX_TEXT
from matcher.translate import lazy_gettext as _l
from matcher.translate import lazy_pgettext
from matcher.web.forms import AppForm


class MakeLinksForm(AppForm):
    number = IntegerField(
        _l("How many links"),
        description=_l("One for each local learner who took part: from 1 to %(most)d.", most=MAX_LINKS),
        validators=[
            InputRequired(_l("Say how many links to make.")),
            NumberRange(1, MAX_LINKS, _l("Make from 1 to %(most)d links at a time.", most=MAX_LINKS)),
        ],
    )
    days = IntegerField(
        _l("Days the links work"),
        description=_l("From 1 to %(most)d days; after that they no longer open the form.", most=MAX_DAYS),
        default=DEFAULT_DAYS,
        validators=[
            InputRequired(_l("Say how many days the links work.")),
            NumberRange(1, MAX_DAYS, _l("Choose from 1 to %(most)d days.", most=MAX_DAYS)),
        ],
    )


def _scale(*labels) -> list[SelectChoice]:
    return [SelectChoice(point, label) for point, label in enumerate(labels, start=1)]


USEFULNESS = _scale(
    lazy_pgettext("teaching was", "1: not useful"),
    lazy_pgettext("teaching was", "2: a little useful"),
    lazy_pgettext("teaching was", "3: useful"),
    lazy_pgettext("teaching was", "4: very useful"),
    lazy_pgettext("teaching was", "5: extremely useful"),
)
CONFIDENCE = _scale(
    lazy_pgettext("more confident", "1: no more confident"),
    lazy_pgettext("more confident", "2: a little more confident"),
    lazy_pgettext("more confident", "3: more confident"),
    lazy_pgettext("more confident", "4: much more confident"),
    lazy_pgettext("more confident", "5: very much more confident"),
)


class LearnerFeedbackForm(AppForm):
    usefulness = RadioField(
        _l("How useful was the teaching for you?"),
        choices=USEFULNESS,
        coerce=int,
        validators=[DataRequired(_l("Choose how useful the teaching was, from 1 to 5."))],
    )
    confidence = RadioField(
        _l("How much more confident do you feel doing these procedures now? (optional)"),
        choices=CONFIDENCE,
        coerce=int,
        validators=[Optional()],
    )
    helped = TextAreaField(
        _l("What helped you most? (optional)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    improve = TextAreaField(
        _l("What could be better next time? (optional)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
