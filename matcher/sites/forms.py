"""Forms for sites, teaching requests and the procedures taxonomy; the rules are checked again in
the services (matcher.services.sites, teaching_requests, procedures)."""

from __future__ import annotations

from babel.dates import get_month_names
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matcher.formatting import label_for, language, locale, spoken_list
from matcher.models.teaching import Availability, ProcedureKind, RemoteFormat, Resource, TeachingMode
from matcher.services.procedures import OTHER_LANGUAGES, ProcedureData, parse_sources, sources_text
from matcher.services.sites import AVAILABILITY_LABELS, LEARNER_LEVELS, SiteData
from matcher.services.teaching_requests import FORMAT_LABELS, MODE_LABELS, RequestData, role_field
from matcher.timezones import zone_choices
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, CheckboxesField


def _learner_level_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", "—"),
        *(SelectChoice(code, str(words)) for code, words in LEARNER_LEVELS.items()),
    ]


def month_choices() -> list[SelectChoice]:
    names = get_month_names("wide", context="stand-alone", locale=locale())
    return [SelectChoice(str(n), names[n]) for n in range(1, 13)]


def month_names(months: list[int]) -> str:
    """Months as read in a sentence: "January, March and July"."""
    names = get_month_names("wide", context="stand-alone", locale=locale())
    return spoken_list([names[m] for m in months])


# -- sites ------------------------------------------------------------------------------------------


class SiteForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the site's name.")), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(_l("Name the city.")), Length(max=100)])
    country_code = SelectField(_l("Country"), validators=[DataRequired(_l("Choose a country."))])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Plain text: the department, its caseload, what visitors should know."),
    )
    written_in = SelectField(
        _l("Written in"),
        default=language,
        validators=[DataRequired(_l("Choose the language it is written in."))],
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=zone_choices,
        validate_choice=False,
        default="UTC",
        description=_l("Remote teaching hours are given in this zone."),
    )
    instruction_language = SelectField(
        _l("Language of instruction"), validators=[DataRequired(_l("Choose the language of instruction."))]
    )
    local_learners = IntegerField(
        _l("Local IR learners"),
        default=0,
        validators=[
            InputRequired(_l("Give a number, 0 if none.")),
            NumberRange(0, 10000, _l("From 0 to 10000.")),
        ],
        description=_l("How many local people learn IR here."),
    )
    learner_level = SelectField(_l("Who the local learners are"), validators=[Optional()])
    assessed_on = DateField(
        _l("Readiness assessed on"),
        validators=[Optional()],
        description=_l("The day the readiness profile below was last checked."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country_code.choices = choices.country_choices()
        self.written_in.choices = choices.content_language_choices()
        self.instruction_language.choices = choices.language_choices(blank=None)
        self.learner_level.choices = _learner_level_choices()
        for resource in Resource:
            self[f"res_{resource.value}"].label.text = resource.label

    def readiness_field(self, resource: Resource) -> tuple[RadioField, StringField]:
        return self[f"res_{resource.value}"], self[f"note_{resource.value}"]

    def load(self, site) -> None:
        for name in ("name", "city", "country_code", "description", "written_in", "timezone"):
            self[name].data = getattr(site, name)
        self.instruction_language.data = site.instruction_language
        self.local_learners.data, self.learner_level.data = site.local_learners, site.learner_level
        self.assessed_on.data = site.assessed_on
        for row in site.resources:
            self[f"res_{row.resource}"].data, self[f"note_{row.resource}"].data = row.availability, row.note

    def to_data(self) -> SiteData:
        readiness = {
            r.value: (self[f"res_{r.value}"].data, (self[f"note_{r.value}"].data or "").strip())
            for r in Resource
            if self[f"res_{r.value}"].data
        }
        return SiteData(
            name=(self.name.data or "").strip(),
            city=(self.city.data or "").strip(),
            country_code=self.country_code.data,
            description=(self.description.data or "").strip(),
            written_in=self.written_in.data,
            timezone=self.timezone.data or "UTC",
            instruction_language=self.instruction_language.data,
            local_learners=self.local_learners.data,
            learner_level=self.learner_level.data or "",
            assessed_on=self.assessed_on.data,
            readiness=readiness,
        )


_AVAILABILITY_CHOICES = [SelectChoice(a.value, AVAILABILITY_LABELS[a]) for a in Availability]
for _resource in Resource:
    setattr(
        SiteForm,
        f"res_{_resource.value}",
        RadioField(_resource.value, choices=_AVAILABILITY_CHOICES, validators=[Optional()]),
    )
    setattr(
        SiteForm,
        f"note_{_resource.value}",
        StringField(_l("Note"), validators=[Optional(), Length(max=200)]),
    )


# -- teaching requests ------------------------------------------------------------------------------


class TeachingRequestForm(AppForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired(_l("Choose a site."))])
    mode = RadioField(
        _l("Where the teaching happens"),
        choices=[SelectChoice(m.value, MODE_LABELS[m]) for m in TeachingMode],
        default=TeachingMode.ON_SITE.value,
        validators=[InputRequired(_l("Choose on site or remote."))],
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the request a title.")), Length(max=200)]
    )
    details = TextAreaField(
        _l("Details"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Plain text: what the local team wants to learn and why."),
    )
    written_in = SelectField(
        _l("Written in"),
        default=language,
        validators=[DataRequired(_l("Choose the language it is written in."))],
    )
    procedures = CheckboxesField(
        _l("Procedures and subjects"),
        validators=[DataRequired(_l("Choose at least one procedure or subject."))],
    )
    learners = IntegerField(
        _l("Local learners"),
        validators=[
            InputRequired(_l("Give the number of learners.")),
            NumberRange(1, 1000, _l("From 1 to 1000.")),
        ],
    )
    learner_level = SelectField(_l("Who the learners are"), validators=[Optional()])
    months = CheckboxesField(_l("Preferred months"), description=_l("Leave all empty for any month."))
    year = IntegerField(
        _l("Year (optional)"), validators=[Optional(), NumberRange(2000, 2100, _l("A year such as 2027."))]
    )
    instruction_language = SelectField(
        _l("Language of instruction"), validators=[DataRequired(_l("Choose the language of instruction."))]
    )
    weeks = IntegerField(
        _l("Length of a visit (weeks)"),
        validators=[Optional(), NumberRange(1, 26, _l("From 1 to 26 weeks."))],
        description=_l("On site only."),
    )
    remote_format = SelectField(
        _l("Format"),
        choices=[SelectChoice("", "—"), *(SelectChoice(f.value, FORMAT_LABELS[f]) for f in RemoteFormat)],
        validators=[Optional()],
    )
    remote_from = TimeField(_l("Sessions can start from"), validators=[Optional()])
    remote_until = TimeField(_l("Sessions must end by"), validators=[Optional()])
    hours_per_month = IntegerField(
        _l("Hours a month"), validators=[Optional(), NumberRange(1, 200, _l("From 1 to 200."))]
    )
    mentees = IntegerField(
        _l("Mentees"),
        validators=[Optional(), NumberRange(1, 100, _l("From 1 to 100."))],
        description=_l("Mentorship only."),
    )

    professions: tuple = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The sites and procedures are the organisation's and the taxonomy's: request_form sets them.
        self.site_id.choices, self.procedures.choices = [], []
        self.months.choices = month_choices()
        self.learner_level.choices = _learner_level_choices()
        self.written_in.choices = choices.content_language_choices()
        self.instruction_language.choices = choices.language_choices(blank=None)

    def role_fields(self):
        """(profession, minimum field, maximum field) in the professions' order."""
        return [
            (p, self[role_field(p.code, "min")], self[role_field(p.code, "max")]) for p in self.professions
        ]

    def load(self, request) -> None:
        for name in (
            "site_id",
            "mode",
            "title",
            "details",
            "written_in",
            "learners",
            "learner_level",
            "year",
        ):
            self[name].data = getattr(request, name)
        self.instruction_language.data = request.instruction_language
        self.procedures.data = [p.code for p in request.procedures]
        self.months.data = [str(m) for m in request.months]
        self.weeks.data, self.remote_format.data = request.weeks, request.remote_format or ""
        self.remote_from.data, self.remote_until.data = request.remote_from, request.remote_until
        self.hours_per_month.data, self.mentees.data = request.hours_per_month, request.mentees
        wanted = {r.profession_code: r for r in request.roles}
        for profession, low, high in self.role_fields():
            row = wanted.get(profession.code)
            low.data, high.data = (row.minimum, row.maximum) if row else (0, 0)

    def to_data(self) -> RequestData:
        return RequestData(
            site_id=self.site_id.data,
            mode=self.mode.data,
            title=(self.title.data or "").strip(),
            details=(self.details.data or "").strip(),
            written_in=self.written_in.data,
            procedures=list(self.procedures.data or []),
            learners=self.learners.data,
            learner_level=self.learner_level.data or "",
            months=[int(m) for m in self.months.data or []],
            year=self.year.data,
            weeks=self.weeks.data,
            instruction_language=self.instruction_language.data,
            roles={
                p.code: (low.data if low.data is not None else 0, high.data if high.data is not None else 0)
                for p, low, high in self.role_fields()
            },
            remote_format=self.remote_format.data or None,
            remote_from=self.remote_from.data,
            remote_until=self.remote_until.data,
            hours_per_month=self.hours_per_month.data,
            mentees=self.mentees.data,
        )


def request_form(professions, sites, procedures, **kwargs) -> TeachingRequestForm:
    """The request form with one row per teaching profession (a minimum and a maximum each)."""

    class Form(TeachingRequestForm):
        pass

    for profession in professions:
        for bound, label in (("min", _l("Minimum")), ("max", _l("Maximum"))):
            setattr(
                Form,
                role_field(profession.code, bound),
                IntegerField(
                    label, default=0, validators=[Optional(), NumberRange(0, 20, _l("From 0 to 20."))]
                ),
            )
    form = Form(**kwargs)
    form.professions = tuple(professions)
    form.site_id.choices = [SelectChoice(s.id, f"{s.name}, {s.city}") for s in sites]
    form.procedures.choices = [SelectChoice(p.code, label_for(p)) for p in procedures]
    return form


# -- procedures -------------------------------------------------------------------------------------


class ProcedureForm(AppForm):
    code = StringField(
        _l("Code"),
        validators=[Optional(), Length(max=60)],
        description=_l("Its address in the app, never changed: lower-case letters, digits and hyphens."),
    )
    label_en = StringField(
        _l("Name in English"), validators=[DataRequired(_l("Give the name in English.")), Length(max=160)]
    )
    group_en = StringField(_l("Group in English"), validators=[Optional(), Length(max=80)])
    label_fr = StringField(_l("Name in French"), validators=[Optional(), Length(max=160)])
    group_fr = StringField(_l("Group in French"), validators=[Optional(), Length(max=80)])
    label_pt = StringField(_l("Name in Portuguese"), validators=[Optional(), Length(max=160)])
    group_pt = StringField(_l("Group in Portuguese"), validators=[Optional(), Length(max=80)])
    label_es = StringField(_l("Name in Spanish"), validators=[Optional(), Length(max=160)])
    group_es = StringField(_l("Group in Spanish"), validators=[Optional(), Length(max=80)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(ProcedureKind.PROCEDURE.value, _l("Procedure")),
            SelectChoice(ProcedureKind.TEACHING.value, _l("Other teaching (skills, care, safety)")),
        ],
    )
    needs_all = CheckboxesField(
        _l("Needs all of"), description=_l("The site must have every item ticked here.")
    )
    needs_any = CheckboxesField(
        _l("Needs one of"),
        description=_l("Alternatives: the site must have at least one of them. Tick two or more, or none."),
    )
    sources = TextAreaField(
        _l("Sources"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One a line: the title, a space, then the address (https://...)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.needs_all.choices = [SelectChoice(r.value, r.label) for r in Resource]
        self.needs_any.choices = [SelectChoice(r.value, r.label) for r in Resource]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.sources.errors:
            _sources, bad_line = parse_sources(self.sources.data or "")
            if bad_line is not None:
                self.sources.errors = [
                    _("Line %(number)d: give the title, a space, then the address.", number=bad_line)
                ]
                valid = False
        return valid

    def load(self, procedure) -> None:
        self.code.data = procedure.code
        self.label_en.data, self.group_en.data, self.kind.data = (
            procedure.label,
            procedure.group,
            procedure.kind,
        )
        for lang in OTHER_LANGUAGES:
            words = (procedure.translations or {}).get(lang) or {}
            self[f"label_{lang}"].data, self[f"group_{lang}"].data = (
                words.get("label", ""),
                words.get("group", ""),
            )
        self.needs_all.data, self.needs_any.data = list(procedure.needs_all), list(procedure.needs_any)
        self.sources.data = sources_text(procedure)

    def to_data(self) -> ProcedureData:
        sources, _bad = parse_sources(self.sources.data or "")
        return ProcedureData(
            label=(self.label_en.data or "").strip(),
            group=(self.group_en.data or "").strip(),
            kind=self.kind.data,
            needs_any=list(self.needs_any.data or []),
            needs_all=list(self.needs_all.data or []),
            sources=sources,
            words={
                lang: {
                    "label": (self[f"label_{lang}"].data or "").strip(),
                    "group": (self[f"group_{lang}"].data or "").strip(),
                }
                for lang in OTHER_LANGUAGES
            },
        )
