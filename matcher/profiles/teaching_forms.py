"""The volunteer teaching form. Shapes are checked here; the rules of the domain in services.volunteers."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from matcher.formatting import label_for, month_name
from matcher.models import Procedure, Profile
from matcher.models.profile import MAX_TEACHING_WEEKS
from matcher.models.teaching import SkillLevel
from matcher.profiles.forms import MultiCheckboxField, fill_rows
from matcher.services import profiles
from matcher.services.volunteers import (
    MAX_BODY,
    MAX_EXPERIENCE,
    MAX_LICENCES,
    MAX_TEACHING_YEARS,
    LicenceData,
    TeachingData,
)
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import pgettext
from matcher.web import choices
from matcher.web.forms import AppForm, RowForm

SKILL_PREFIX = "skill-"
NONE = ""  # the "neither" choice of a procedure


class LicenceRow(RowForm):
    country = SelectField(_l("Country"), validate_choice=False)
    body = StringField(
        _l("Issuing body"), validators=[Length(max=MAX_BODY, message=_l("At most %(max)d characters."))]
    )
    expires_on = DateField(_l("Expires on"), validators=[Optional()])


class TeachingForm(AppForm):
    """Build it with `teaching_form(procedures, profile)`: one radio group per procedure is added."""

    volunteers_to_teach = BooleanField(_l("I volunteer to teach"))
    teaching_years = IntegerField(
        _l("Years of teaching experience"),
        validators=[
            Optional(),
            NumberRange(0, MAX_TEACHING_YEARS, _l("From %(min)s to %(max)s years.")),
        ],
    )
    teaching_experience = TextAreaField(
        _l("Teaching experience"),
        validators=[Length(max=MAX_EXPERIENCE, message=_l("At most %(max)d characters."))],
        description=_l(
            "What you have taught, to whom, and where: courses, workshops, simulation, bedside teaching."
        ),
    )
    instructs = MultiCheckboxField(_l("Languages you can teach in"))
    licences = FieldList(FormField(LicenceRow), min_entries=2, max_entries=MAX_LICENCES)
    teaching_weeks = IntegerField(
        _l("Weeks a year you can teach on site"),
        validators=[
            Optional(),
            NumberRange(1, MAX_TEACHING_WEEKS, _l("From %(min)s to %(max)s weeks.")),
        ],
        description=_l("You are never proposed for more weeks in a year than this."),
    )
    months = MultiCheckboxField(_l("Months you could travel"))
    teaches_remotely = BooleanField(_l("I also teach remotely (lectures, case reviews, mentoring)"))
    directory_listed = BooleanField(
        _l("List me in the volunteer directory"),
        description=_l(
            "Coordinators and the members of verified host organisations can then find you and invite "
            "you to apply, through this site: your email address is never shown. Nobody else sees the "
            "listing, and you can leave it at any time."
        ),
    )

    procedures: list[Procedure]

    def setup(self, procedures: list[Procedure], profile: Profile | None) -> None:
        self.procedures = procedures
        self.instructs.choices = [
            SelectChoice(
                lang.language,
                _(
                    "%(language)s (%(level)s)",
                    language=profiles.language_name(lang.language),
                    level=str(profiles.LANGUAGE_LEVELS.get(lang.level, lang.level)).lower(),
                ),
            )
            for lang in (profile.languages if profile else [])
        ]
        self.months.choices = [SelectChoice(str(m), month_name(m)) for m in range(1, 13)]
        for row in self.licences:
            row.form.country.choices = choices.country_choices()

    def skill_fields(self) -> list[RadioField]:
        return [self[SKILL_PREFIX + p.code] for p in self.procedures]

    def skill_field(self, procedure: Procedure) -> RadioField:
        return self[SKILL_PREFIX + procedure.code]

    @property
    def skills(self) -> RadioField | None:
        """Where an error about the procedures as a whole goes: the first procedure's choice."""
        fields = self.skill_fields()
        return fields[0] if fields else None

    def skill_errors(self) -> list[str]:
        return [str(message) for f in self.skill_fields() for message in f.errors]

    def load(self, profile: Profile | None) -> None:
        """Fill the form from the saved profile (GET of the page)."""
        if profile is None:
            fill_rows(self.licences, [], extra=2)
            self.setup(self.procedures, profile)
            return
        self.volunteers_to_teach.data = profile.volunteers_to_teach
        levels = {s.procedure_id: s.level for s in profile.procedure_skills}
        for procedure in self.procedures:
            self.skill_field(procedure).data = levels.get(procedure.id, NONE)
        self.teaching_years.data = profile.teaching_years
        self.teaching_experience.data = profile.teaching_experience
        self.instructs.data = [lang.language for lang in profile.languages if lang.instructs]
        fill_rows(
            self.licences,
            [
                {"country": lic.country_code, "body": lic.body, "expires_on": lic.expires_on}
                for lic in profile.licences
            ],
            extra=2,
        )
        self.teaching_weeks.data = profile.teaching_weeks
        self.months.data = [str(m) for m in profile.teaching_months]
        self.teaches_remotely.data = profile.teaches_remotely
        self.directory_listed.data = profile.directory_listed
        self.setup(self.procedures, profile)

    def to_data(self) -> TeachingData:
        skills = {p.code: self.skill_field(p).data for p in self.procedures if self.skill_field(p).data}
        licences = [
            LicenceData(
                country_code=row.form.country.data or "",
                body=row.form.body.data or "",
                expires_on=row.form.expires_on.data,
            )
            for row in self.licences
            if row.form.country.data or (row.form.body.data or "").strip() or row.form.expires_on.data
        ]
        return TeachingData(
            volunteers_to_teach=bool(self.volunteers_to_teach.data),
            skills=skills,
            teaching_years=self.teaching_years.data,
            teaching_experience=self.teaching_experience.data or "",
            instructs=list(self.instructs.data or []),
            licences=licences,
            teaching_weeks=self.teaching_weeks.data,
            months=[_month(m) for m in self.months.data or []],
            teaches_remotely=bool(self.teaches_remotely.data),
            directory_listed=bool(self.directory_listed.data),
        )


def _month(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0  # the service refuses it with a clear message


def teaching_form(procedures: list[Procedure], profile: Profile | None, **kwargs) -> TeachingForm:
    """The teaching form with one choice per procedure: none, can assist, can teach."""
    fields = {
        SKILL_PREFIX + p.code: RadioField(
            label_for(p),
            choices=[
                SelectChoice(NONE, pgettext("a procedure the volunteer can neither teach nor assist", "No")),
                SelectChoice(SkillLevel.ASSIST.value, SkillLevel.ASSIST.label),
                SelectChoice(SkillLevel.TEACH.value, SkillLevel.TEACH.label),
            ],
            default=NONE,
            validate_choice=False,
        )
        for p in procedures
    }
    form_class = type("TeachingFormWithProcedures", (TeachingForm,), fields)
    form = form_class(**kwargs)
    form.setup(procedures, profile)
    return form
