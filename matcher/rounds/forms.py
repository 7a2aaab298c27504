from __future__ import annotations

from datetime import date

from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.models.matching import RoundMode
from matcher.services.matching import rounds
from matcher.web import choices
from matcher.web.forms import AppForm, CheckboxesField


class RoundForm(AppForm):
    name = StringField("Name", validators=[DataRequired("Name the round."), Length(max=120)])
    mode = RadioField(
        "Mode",
        choices=[
            SelectChoice(RoundMode.RANKED.value, "Ranked allocation: stable matching of applications"),
            SelectChoice(
                RoundMode.RECOMMENDATION.value, "Recommendation: suggest opportunities to applicants"
            ),
        ],
        default=RoundMode.RANKED.value,
        validators=[DataRequired("Choose a mode.")],
    )
    regions = CheckboxesField("Regions", validators=[Optional()], description="None chosen: everywhere.")
    subregions = CheckboxesField("Sub-regions", validators=[Optional()])
    types = CheckboxesField(
        "Opportunity types", validators=[Optional()], description="None chosen: all types."
    )
    starts_after = DateField("Opportunities running after", validators=[Optional()])
    ends_before = DateField("Opportunities starting before", validators=[Optional()])
    response_deadline = DateField("Applicants reply by", validators=[Optional()])

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
        "Seed (optional)",
        validators=[Optional(), NumberRange(0, 2**31 - 1, "A whole number from 0 to 2147483647.")],
        description="The same seed and the same inputs give the same matches. Leave empty for a new draw.",
    )
    top_n = IntegerField("Suggestions per applicant", default=5, validators=[Optional(), NumberRange(1, 20)])


class DecisionForm(AppForm):
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=2000)])


class ConfirmForm(AppForm):
    """A bulk decision's last step: only its confirmation page posts ``confirm=yes``."""

    confirm = HiddenField()

    def confirmed(self) -> bool:
        return self.confirm.data == "yes"


class PublishForm(ConfirmForm):
    response_deadline = DateField("Applicants reply by", validators=[DataRequired("Set the reply deadline.")])
