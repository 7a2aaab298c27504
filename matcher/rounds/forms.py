from __future__ import annotations

from datetime import date

from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.models.matching import RoundMode
from matcher.services.matching import rounds
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, CheckboxesField


class RoundForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the round.")), Length(max=120)])
    mode = RadioField(
        _l("Mode"),
        choices=[
            SelectChoice(RoundMode.RANKED.value, _l("Ranked allocation: stable matching of applications")),
            SelectChoice(
                RoundMode.RECOMMENDATION.value, _l("Recommendation: suggest opportunities to applicants")
            ),
        ],
        default=RoundMode.RANKED.value,
        validators=[DataRequired(_l("Choose a mode."))],
    )
    regions = CheckboxesField(
        _l("Regions"), validators=[Optional()], description=_l("None chosen: everywhere.")
    )
    subregions = CheckboxesField(_l("Sub-regions"), validators=[Optional()])
    types = CheckboxesField(
        _l("Opportunity types"), validators=[Optional()], description=_l("None chosen: all types.")
    )
    starts_after = DateField(_l("Opportunities running after"), validators=[Optional()])
    ends_before = DateField(_l("Opportunities starting before"), validators=[Optional()])
    response_deadline = DateField(_l("Applicants reply by"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regions, subregions = choices.region_choices()
        self.regions.choices, self.subregions.choices = regions, subregions
        self.types.choices = choices.type_choices()

    def validate(self, extra_validators=None) -> bool:
        """Field checks and the rules on the dates in one pass (the service checks them again)."""
        valid = super().validate(extra_validators)

        def day(f):
            return None if f.errors else f.data

        dates = (day(self.starts_after), day(self.ends_before), day(self.response_deadline))
        for name, message in rounds.date_problems(*dates, date.today()):
            self[name].errors = [*self[name].errors, message]
            valid = False
        return valid


class RunForm(AppForm):
    seed = IntegerField(
        _l("Seed (optional)"),
        validators=[Optional(), NumberRange(0, 2**31 - 1, _l("A whole number from 0 to 2147483647."))],
        description=_l(
            "The same seed and the same inputs give the same matches. Leave empty for a new draw."
        ),
    )
    top_n = IntegerField(
        _l("Suggestions per applicant"), default=5, validators=[Optional(), NumberRange(1, 20)]
    )


class DecisionForm(AppForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])


class ConfirmForm(AppForm):
    """A bulk decision's last step: only its confirmation page posts ``confirm=yes``."""

    confirm = HiddenField()

    def confirmed(self) -> bool:
        return self.confirm.data == "yes"


class PublishForm(ConfirmForm):
    response_deadline = DateField(
        _l("Applicants reply by"), validators=[DataRequired(_l("Set the reply deadline."))]
    )
