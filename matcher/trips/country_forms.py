"""The coordinators' form for one of a country's rules. The checks themselves live in
services.departure.rules (shared with the shipped packs); the form only parses."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from matcher.formatting import label_for
from matcher.models.departure import CountryRule, RuleKind
from matcher.services.departure.rules import (
    MAX_AUTHORITY,
    MAX_CODE,
    MAX_DETAILS,
    MAX_LEAD_DAYS,
    MAX_TITLE,
    MAX_URL,
    RuleData,
)
from matcher.translate import lazy_gettext as _l
from matcher.web.forms import AppForm, CheckboxesField


class CountryRuleForm(AppForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(_l("Give the rule a code.")), Length(max=MAX_CODE)],
        description=_l("Lower-case letters, digits and hyphens; it never changes once the rule exists."),
    )
    kind = SelectField(_l("Kind of rule"), choices=[])
    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Give the rule a title.")), Length(max=MAX_TITLE)]
    )
    details = TextAreaField(
        _l("Details (optional)"),
        validators=[Length(max=MAX_DETAILS)],
        description=_l("What the traveller must do, and where unsure: “check with the council”."),
        render_kw={"rows": 4},
    )
    authority = StringField(
        _l("Who issues it (optional)"),
        validators=[Length(max=MAX_AUTHORITY)],
        description=_l("For example the country's medical council."),
    )
    source_url = URLField(
        _l("Web address of the source"),
        validators=[InputRequired(_l("Enter the source's web address.")), Length(max=MAX_URL)],
        description=_l("The web address where this rule is stated, starting with https://"),
    )
    source_date = DateField(
        _l("Date you read the source"), validators=[InputRequired(_l("Enter the date you read the source."))]
    )
    lead_days = IntegerField(
        _l("Due this many days before the start"),
        validators=[InputRequired(_l("Enter a number of days."))],
        description=_l("From 0 to %(num)d.", num=MAX_LEAD_DAYS),
    )
    fee_amount = DecimalField(
        _l("Fee (optional)"),
        places=2,
        validators=[Optional(), NumberRange(0, 1_000_000, _l("Not negative."))],
        description=_l("What it costs, only where the source says so: added to cost estimates."),
    )
    fee_currency = StringField(
        _l("Currency"), validators=[Optional(), Length(3, 3, _l("A three-letter code such as USD."))]
    )
    mandatory = BooleanField(_l("Mandatory: the traveller is not cleared to travel without it"))
    needs_proof = BooleanField(_l("Needs proof: the traveller uploads a document"))
    professions = CheckboxesField(
        _l("Only for these professions"),
        choices=[],
        validators=[Optional()],
        description=_l("None ticked: the rule applies to everyone."),
    )

    def offer(self, professions) -> CountryRuleForm:
        """The choices, in the reader's language."""
        self.kind.choices = [(k.value, k.label) for k in RuleKind]
        self.professions.choices = [(p.code, label_for(p)) for p in professions]
        return self

    def load(self, rule: CountryRule) -> None:
        for name in (
            "kind",
            "title",
            "details",
            "authority",
            "source_url",
            "source_date",
            "lead_days",
            "mandatory",
            "needs_proof",
            "fee_amount",
            "fee_currency",
        ):
            getattr(self, name).data = getattr(rule, name)
        self.professions.data = list(rule.professions or [])

    def to_data(self, code: str | None = None) -> RuleData:
        return RuleData(
            code=code if code is not None else self.code.data or "",
            kind=self.kind.data or "",
            title=self.title.data or "",
            source_url=self.source_url.data or "",
            source_date=self.source_date.data,
            details=self.details.data or "",
            authority=self.authority.data or "",
            mandatory=bool(self.mandatory.data),
            needs_proof=bool(self.needs_proof.data),
            lead_days=self.lead_days.data,
            professions=tuple(self.professions.data or ()),
            fee_amount=self.fee_amount.data,
            fee_currency=self.fee_currency.data or None,
        )
