from __future__ import annotations

from datetime import date

from wtforms import DateField, DecimalField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matcher.models.matching import RoundMode
from matcher.services.matching import rounds
from matcher.services.matching import settings as settings_rules
from matcher.services.matching.settings import (
    INCOME_GROUP_LABELS,
    INCOME_GROUPS,
    MAX_VISITOR_CAP,
    WEIGHT_NAMES,
    RoundSettings,
)
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, CheckboxesField

_WEIGHT = [
    InputRequired(_l("A weight from 0 to 1.")),
    NumberRange(0, 1, _l("A weight from 0 to 1.")),
]


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


class SettingsForm(AppForm):
    """A ranked round's settings (`matcher.services.matching.settings`): the service checks them again."""

    reserve_percent = IntegerField(
        _l("Reserved places (percent of each opportunity's places)"),
        default=0,
        validators=[
            InputRequired(_l("Reserve from 0 to 100 percent of the places.")),
            NumberRange(0, 100, _l("Reserve from 0 to 100 percent of the places.")),
        ],
        description=_l("Rounded half up: 30 percent of 5 places reserves 2. 0 reserves none."),
    )
    reserve_groups = CheckboxesField(
        _l("Who may take reserved places: applicants from countries of income group"),
        validators=[Optional()],
    )
    weight_region = DecimalField(_l("Weight of region"), places=2, validators=_WEIGHT)
    weight_interests = DecimalField(_l("Weight of interests"), places=2, validators=_WEIGHT)
    weight_level = DecimalField(_l("Weight of training level"), places=2, validators=_WEIGHT)
    weight_dates = DecimalField(_l("Weight of dates"), places=2, validators=_WEIGHT)
    weight_teaching = DecimalField(_l("Weight of teaching fit"), places=2, validators=_WEIGHT)
    visitor_cap = IntegerField(
        _l("Most visitors per site per month (optional)"),
        validators=[
            Optional(),
            NumberRange(1, MAX_VISITOR_CAP, _l("A cap from 1 to 1000 visitors, or leave it empty.")),
        ],
        description=_l(
            "Counts visitors starting in the same month at the same site. Leave empty for no cap."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reserve_groups.choices = [SelectChoice(g, str(INCOME_GROUP_LABELS[g])) for g in INCOME_GROUPS]

    @classmethod
    def of(cls, settings: RoundSettings) -> SettingsForm:
        weights = {f"weight_{name}": settings.weights[name] for name in WEIGHT_NAMES}
        return cls(
            reserve_percent=settings.reserve_percent,
            reserve_groups=list(settings.reserve_groups),
            visitor_cap=settings.visitor_cap,
            **weights,
        )

    def settings(self) -> RoundSettings:
        return RoundSettings(
            reserve_percent=self.reserve_percent.data,
            reserve_groups=tuple(self.reserve_groups.data or ()),
            weights={name: float(self[f"weight_{name}"].data) for name in WEIGHT_NAMES},
            visitor_cap=self.visitor_cap.data,
        )

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules across fields (nothing reserved for nobody, some weight above 0)."""
        if not super().validate(extra_validators):
            return False
        found = settings_rules.problems(self.settings())
        for name, message in found:
            self[name].errors = [*self[name].errors, message]
        return not found
