from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.models.matching import RoundMode
from matcher.web import choices


class RoundForm(FlaskForm):
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
    regions = SelectMultipleField("Regions", validators=[Optional()], description="None chosen: everywhere.")
    subregions = SelectMultipleField("Sub-regions", validators=[Optional()])
    types = SelectMultipleField(
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


class RunForm(FlaskForm):
    seed = IntegerField(
        "Seed (optional)",
        validators=[Optional(), NumberRange(0, 2**31 - 1, "A whole number from 0 to 2147483647.")],
        description="The same seed and the same inputs give the same matches. Leave empty for a new draw.",
    )
    top_n = IntegerField("Suggestions per applicant", default=5, validators=[Optional(), NumberRange(1, 20)])


class DecisionForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=2000)])


class ConfirmForm(FlaskForm):
    """A bulk decision's last step: only its confirmation page posts ``confirm=yes``."""

    confirm = HiddenField()

    def confirmed(self) -> bool:
        return self.confirm.data == "yes"


class PublishForm(ConfirmForm):
    response_deadline = DateField("Applicants reply by", validators=[DataRequired("Set the reply deadline.")])
