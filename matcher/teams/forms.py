"""Forms of the teams' pages."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matcher.formatting import locale
from matcher.services.teams.visits import MAX_RANK
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, CheckboxesField


def month_choices() -> list[SelectChoice]:
    names = locale().months["format"]["wide"]
    return [SelectChoice(str(m), names[m][:1].upper() + names[m][1:]) for m in range(1, 13)]


class BuildForm(AppForm):
    name = StringField(
        _l("Name of the build"), validators=[DataRequired(_l("Give the build a name.")), Length(max=160)]
    )
    visits = CheckboxesField(
        _l("Teaching visits"),
        validators=[DataRequired(_l("Choose one or more teaching visits."))],
        description=_l("Each chosen visit gets one team; a volunteer joins at most one team of the build."),
    )


class OpenVisitsForm(AppForm):
    year = IntegerField(
        _l("Year"),
        validators=[Optional(), NumberRange(2000, 2100)],
        description=_l("Empty: the next time each preferred month comes round."),
    )


class MemberForm(AppForm):
    volunteer = SelectField(
        _l("Volunteer"), coerce=int, validators=[InputRequired(_l("Choose a volunteer."))], choices=[]
    )


class ApplyForm(AppForm):
    rank = IntegerField(
        _l("Your rank for this visit"),
        validators=[Optional(), NumberRange(1, MAX_RANK, _l("Give a rank from 1 to %(max)s."))],
        description=_l("1 is your first choice. Empty: after the visits you already chose."),
    )


class WishForm(AppForm):
    months = CheckboxesField(_l("Months"), validators=[DataRequired(_l("Choose one or more months."))])
    region = SelectField(_l("Region"), validators=[DataRequired(_l("Choose a region."))], choices=[])
    mentees = IntegerField(
        _l("Mentees you can take in remote mentorship"),
        validators=[Optional(), NumberRange(1, 20, _l("From 1 to 20 mentees, or leave it empty."))],
        description=_l("Empty: you do not mentor remotely."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.months.choices = month_choices()
        regions, subregions = choices.region_choices()
        self.region.choices = [SelectChoice("", _l("Choose a region")), *regions, *subregions]
