"""Profile forms. Shapes are checked here; the rules of the domain in services.profiles."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FieldList,
    FormField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.extensions import db
from matcher.formatting import label_for, region_label
from matcher.models import Profession, Profile
from matcher.services import professions, profiles
from matcher.services.profiles import MAX_INSTITUTION, MAX_LANGUAGES, MAX_STATEMENT, MAX_WINDOWS, ProfileData
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, RowForm

NOT_A_LEVEL = -1  # anything that is not a number; the service refuses it with a clear message


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; an unknown value reaches the service, which names the problem."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validate_choice=False, **kwargs)


class WindowRow(RowForm):
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])


class LanguageRow(RowForm):
    language = SelectField(_l("Language"), validate_choice=False)
    level = SelectField(_l("Level"), validate_choice=False)


class ProfileForm(AppForm):
    level = SelectField(_l("Training level"), validate_choice=False)
    grade = SelectField(_l("Grade"), validate_choice=False)
    institution = StringField(
        _l("Medical school or hospital"),
        validators=[Length(max=MAX_INSTITUTION, message=_l("At most %(max)d characters."))],
    )
    home_country = SelectField(_l("Home country"), validate_choice=False)
    regions = MultiCheckboxField(_l("Whole regions"))
    subregions = MultiCheckboxField(_l("Sub-regions"))
    interests = MultiCheckboxField(_l("Interests"))
    availability = FieldList(FormField(WindowRow), min_entries=3, max_entries=MAX_WINDOWS)
    languages = FieldList(FormField(LanguageRow), min_entries=3, max_entries=MAX_LANGUAGES)
    statement = TextAreaField(
        _l("Statement"),
        validators=[Length(max=MAX_STATEMENT, message=_l("At most %(max)d characters."))],
        description=_l(
            "Why IR, and what you hope to learn or give; up to %(max)d characters.", max=MAX_STATEMENT
        ),
    )
    cv = FileField(
        _l("CV (optional)"),
        description=_l("A PDF of at most 5 MB. It replaces the CV you uploaded before, if any."),
        render_kw={"accept": ".pdf"},
    )

    def __init__(self, profession: Profession | None, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A "levels" profession is asked for a level of its range, a "grades" one for its grade.
        self.asks_level = professions.uses_levels(profession)
        self.level.choices = [SelectChoice("", _("Choose your level"))] + [
            SelectChoice(str(lv.rank), label_for(lv)) for lv in professions.levels_for(db.session, profession)
        ]
        self.grade.choices = [SelectChoice("", _("Choose your grade"))] + [
            SelectChoice(code, words) for code, words in professions.grade_choices(profession)
        ]
        self.home_country.choices = choices.country_choices()
        self.places = profiles.places(db.session)
        # Values stay the English names the data keeps; people read them in their language.
        self.regions.choices = [SelectChoice(r, region_label(r)) for r in self.places]
        self.subregions.choices = [
            SelectChoice(s, region_label(s), optgroup=region_label(r))
            for r, subs in self.places.items()
            for s in subs
        ]
        self.interests.choices = choices.interest_choices()
        for row in self.languages:
            self._language_choices(row)

    def validate(self, extra_validators=None) -> bool:
        """Field checks and the rules on the periods in one pass (the service checks them again)."""
        valid = super().validate(extra_validators)
        rows_parsed = not any(row.form.errors for row in self.availability)
        if rows_parsed:
            problems = profiles.window_problems(self.to_data().availability, date.today())
            if problems:
                self.availability.errors = [*self.availability.errors, *problems]
                valid = False
        return valid

    @staticmethod
    def _language_choices(row) -> None:
        row.form.language.choices = choices.language_choices(blank="—")
        row.form.level.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(level.value, str(label)) for level, label in profiles.LANGUAGE_LEVELS.items()),
        ]

    def load(self, profile: Profile | None) -> None:
        """Fill the form from the saved profile (GET of the edit page)."""
        if profile is None:
            return
        self.level.data = str(profile.level_rank) if profile.level_rank else ""
        self.grade.data = profile.grade or ""
        self.institution.data = profile.institution
        self.home_country.data = profile.home_country_code or ""
        self.regions.data, self.subregions.data = profile.regions, profile.subregions
        self.interests.data = [i.slug for i in profile.interests]
        self.statement.data = profile.statement
        fill_rows(
            self.availability,
            [{"starts_on": w.starts_on, "ends_on": w.ends_on} for w in profile.availability],
        )
        fill_rows(self.languages, [{"language": x.language, "level": x.level} for x in profile.languages])
        for row in self.languages:
            self._language_choices(row)

    def to_data(self) -> ProfileData:
        windows = [
            (row.form.starts_on.data, row.form.ends_on.data)
            for row in self.availability
            if row.form.starts_on.data or row.form.ends_on.data
        ]
        languages = [
            (row.form.language.data, row.form.level.data or "")
            for row in self.languages
            if row.form.language.data
        ]
        return ProfileData(
            level_rank=_level(self.level.data),
            grade=self.grade.data or None,
            institution=self.institution.data or "",
            home_country_code=self.home_country.data or None,
            regions=list(self.regions.data or []),
            subregions=list(self.subregions.data or []),
            interests=list(self.interests.data or []),
            availability=windows,
            languages=languages,
            statement=self.statement.data or "",
        )


def _level(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return NOT_A_LEVEL


def fill_rows(rows: FieldList, values: list[dict], extra: int = 1) -> None:
    """Saved values first, then `extra` blank rows to add more, up to the field's maximum."""
    while len(rows) < min(len(values) + extra, rows.max_entries):
        rows.append_entry()
    for row, value in zip(rows, values, strict=False):
        for name, data in value.items():
            row.form[name].data = data


class CvForm(AppForm):
    cv = FileField(
        _l("CV"),
        validators=[FileRequired(_l("Choose a PDF file to upload."))],
        description=_l("A PDF of at most 5 MB. It replaces the CV you uploaded before, if any."),
        render_kw={"accept": ".pdf"},
    )


class DeleteAccountForm(AppForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password to confirm."))]
    )
