"""The opportunity form; the domain rules are checked again in services.opportunities."""

from __future__ import annotations

from types import SimpleNamespace

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.formatting import language, language_in_sentence
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.services.opportunities import (
    SUMMARY_MAX,
    OpportunityData,
    cross_field_problems,
    summary_problems,
)
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.web import choices
from matcher.web.forms import AppForm, RowForm

_SUMMARY_TOO_LONG = _l("Keep the summary to %(max)d characters.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageRow(RowForm):
    language = SelectField(_l("Language"), validators=[Optional()])
    level = SelectField(_l("Level"), validators=[Optional()])


class OpportunityForm(AppForm):
    # One per "new opportunity" page: sent twice, it saves one draft (services.opportunities.create).
    form_token = HiddenField(validators=[Optional(), Length(max=64)])
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the opportunity a title.")), Length(max=200)]
    )
    type = SelectField(_l("Type"), validators=[DataRequired(_l("Choose a type."))])
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(_l("Describe the opportunity.")), Length(max=20000)],
        description=_l("Plain text. Leave an empty line between paragraphs."),
    )
    host_institution = StringField(
        _l("Host institution"), validators=[DataRequired(_l("Name the host institution.")), Length(max=200)]
    )
    city = StringField(_l("City"), validators=[DataRequired(_l("Name the city.")), Length(max=100)])
    country_code = SelectField(_l("Country"), validators=[DataRequired(_l("Choose a country."))])
    level_min = SelectField(
        _l("Lowest training level accepted"),
        validators=[DataRequired(_l("Choose the lowest level accepted."))],
    )
    level_max = SelectField(
        _l("Highest training level accepted"),
        validators=[DataRequired(_l("Choose the highest level accepted."))],
    )
    interests = MultiCheckboxField(
        _l("Interests"), validators=[DataRequired(_l("Choose at least one interest."))]
    )
    starts_on = DateField(_l("Start date"), validators=[InputRequired(_l("Give a start date."))])
    ends_on = DateField(_l("End date"), validators=[InputRequired(_l("Give an end date."))])
    flexible = BooleanField(_l("Flexible: the applicant chooses their dates within this window"))
    min_weeks = IntegerField(
        _l("Minimum length (weeks)"),
        validators=[Optional(), NumberRange(1, 104, _l("Between 1 and 104 weeks."))],
    )
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(_l("Give the number of places.")),
            NumberRange(1, 1000, _l("From 1 to 1000.")),
        ],
    )
    languages = FieldList(FormField(LanguageRow), min_entries=3, max_entries=3)
    fee_amount = DecimalField(
        _l("Fee"), places=2, validators=[Optional(), NumberRange(0, 1_000_000, _l("Not negative."))]
    )
    fee_currency = StringField(
        _l("Currency"), validators=[Optional(), Length(3, 3, _l("A three-letter code such as USD."))]
    )
    accommodation_provided = BooleanField(_l("Accommodation provided"))
    stipend_provided = BooleanField(_l("Stipend provided"))
    accommodation_cost = DecimalField(
        _l("Cost of accommodation"),
        places=2,
        validators=[Optional(), NumberRange(0, 1_000_000, _l("Not negative."))],
        description=_l("For the whole stay, in the fee's currency, when accommodation is not provided."),
    )
    fee_waiver = BooleanField(_l("Fee waived for trainees from low- and middle-income countries"))
    travel_grant = BooleanField(_l("Travel grant offered"))
    deadline = DateField(_l("Application deadline"), validators=[Optional()])
    requirements = TextAreaField(_l("Other requirements"), validators=[Optional(), Length(max=5000)])
    needs_visa = BooleanField(_l("Visa needed"))
    needs_temporary_licence = BooleanField(_l("Temporary medical licence needed"))
    needs_indemnity = BooleanField(_l("Indemnity cover needed"))
    needs_immunisations = BooleanField(_l("Immunisations needed"))
    contact_name = StringField(_l("Contact name"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(_l("Enter a valid email address."))]
    )
    written_in = SelectField(
        _l("Written in"),
        default=language,
        validators=[DataRequired(_l("Choose the language it is written in."))],
        description=_l(
            "The language of the title, description and requirements. They are shown as you wrote them."
        ),
    )
    # A short summary per language, shown above the original text to readers of that language.
    summary_en = TextAreaField(validators=[Optional(), Length(max=SUMMARY_MAX, message=_SUMMARY_TOO_LONG)])
    summary_fr = TextAreaField(validators=[Optional(), Length(max=SUMMARY_MAX, message=_SUMMARY_TOO_LONG)])
    summary_pt = TextAreaField(validators=[Optional(), Length(max=SUMMARY_MAX, message=_SUMMARY_TOO_LONG)])
    summary_es = TextAreaField(validators=[Optional(), Length(max=SUMMARY_MAX, message=_SUMMARY_TOO_LONG)])
    site_id = SelectField(
        _l("Site (teaching visits)"),
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        validators=[Optional()],
        description=_l("Where the visit takes place: visitors see the site's readiness."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = choices.type_choices()
        self.country_code.choices = choices.country_choices()
        levels = choices.level_choices()
        self.level_min.choices, self.level_max.choices = levels, levels
        self.interests.choices = choices.interest_choices()
        for row in self.languages:
            row.form.language.choices = choices.language_choices()
            row.form.level.choices = choices.language_level_choices()
        self.written_in.choices = choices.content_language_choices()
        self.site_id.choices = [SelectChoice("", "—")]
        for code, summary in self.summary_fields():
            summary.label.text = _("Summary in %(language)s (optional)", language=language_in_sentence(code))
            summary.description = _(
                "A few sentences for readers of this language, up to %(max)d characters.", max=SUMMARY_MAX
            )

    def offer_sites(self, sites) -> None:
        """The organisation's sites, for a teaching visit to name one."""
        self.site_id.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(s.id, f"{s.name}, {s.city}") for s in sites),
        ]

    def summary_fields(self) -> list[tuple[str, TextAreaField]]:
        """(language code, field) of each optional summary."""
        return [(code, self[f"summary_{code}"]) for code in CONTENT_LANGUAGES]

    def validate(self, extra_validators=None) -> bool:
        """Field checks and the rules that tie fields together, in one pass: a date in the wrong
        order is reported with a missing title, not after it is fixed."""
        valid = super().validate(extra_validators)
        written_in = None if self.written_in.errors else self.written_in.data
        for name, message in [
            *cross_field_problems(self._parsed()),
            *summary_problems(written_in, self._summaries()),
        ]:
            self[name].errors = [*self[name].errors, message]
            valid = False
        return valid

    def summaries_given(self) -> bool:
        """Any summary written or refused: the page shows them unfolded."""
        return any(summary.data or summary.errors for _code, summary in self.summary_fields())

    def _summaries(self) -> dict[str, str]:
        return {code: (summary.data or "").strip() for code, summary in self.summary_fields()}

    def _parsed(self) -> SimpleNamespace:
        """The values the rules read; None where the field itself is wrong, so no rule guesses."""

        def value(name: str, convert=lambda v: v):
            f = self[name]
            return None if f.errors or f.data in (None, "") else convert(f.data)

        return SimpleNamespace(
            level_min=value("level_min", _rank),
            level_max=value("level_max", _rank),
            starts_on=value("starts_on"),
            ends_on=value("ends_on"),
            flexible=bool(self.flexible.data),
            min_weeks=None if self.min_weeks.errors else self.min_weeks.data,
            deadline=value("deadline"),
            fee_amount=value("fee_amount"),
            fee_currency=(self.fee_currency.data or "").strip() or None,
            accommodation_cost=value("accommodation_cost"),
            accommodation_provided=bool(self.accommodation_provided.data),
        )

    def load(self, opportunity) -> None:
        """Fill the form from an existing opportunity (GET of the edit page)."""
        for name in OpportunityData.__dataclass_fields__:
            if name in ("interests", "languages", "level_min", "level_max", "summaries"):
                continue
            getattr(self, name).data = getattr(opportunity, name)
        for code, summary in self.summary_fields():
            summary.data = (opportunity.summaries or {}).get(code, "")
        self.level_min.data, self.level_max.data = str(opportunity.level_min), str(opportunity.level_max)
        self.interests.data = [i.slug for i in opportunity.interests]
        for row, lang in zip(self.languages, opportunity.languages, strict=False):
            row.form.language.data, row.form.level.data = lang.language, lang.level

    def to_data(self) -> OpportunityData:
        languages = [
            (row.form.language.data, row.form.level.data or "conversational")
            for row in self.languages
            if row.form.language.data
        ]
        return OpportunityData(
            title=self.title.data or "",
            description=self.description.data or "",
            type=self.type.data,
            host_institution=(self.host_institution.data or "").strip(),
            city=(self.city.data or "").strip(),
            country_code=self.country_code.data,
            level_min=int(self.level_min.data),
            level_max=int(self.level_max.data),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            capacity=self.capacity.data,
            interests=list(self.interests.data or []),
            languages=languages,
            flexible=bool(self.flexible.data),
            min_weeks=self.min_weeks.data,
            fee_amount=self.fee_amount.data,
            fee_currency=(self.fee_currency.data or "").strip() or None,
            accommodation_provided=bool(self.accommodation_provided.data),
            stipend_provided=bool(self.stipend_provided.data),
            accommodation_cost=self.accommodation_cost.data,
            fee_waiver=bool(self.fee_waiver.data),
            travel_grant=bool(self.travel_grant.data),
            deadline=self.deadline.data,
            requirements=(self.requirements.data or "").strip(),
            needs_visa=bool(self.needs_visa.data),
            needs_temporary_licence=bool(self.needs_temporary_licence.data),
            needs_indemnity=bool(self.needs_indemnity.data),
            needs_immunisations=bool(self.needs_immunisations.data),
            contact_name=(self.contact_name.data or "").strip(),
            contact_email=(self.contact_email.data or "").strip(),
            written_in=self.written_in.data,
            summaries={code: text for code, text in self._summaries().items() if text},
            site_id=self.site_id.data or None,
        )


def _rank(value: str) -> int | None:
    return int(value) if str(value).isdigit() else None
