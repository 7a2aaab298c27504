"""A country's rules for visiting clinicians: what applies to whom, and the coordinators' edits.

The shipped rule packs (matcher/reference/country_rules/, loaded by `rule_packs`) and the
coordinators' pages share one set of checks (`validate`), so a rule a coordinator saves could have
been shipped in a pack and the other way round. A coordinator's rule (added or edited in the app)
carries `edited_by_id`; loading the pack again leaves it as they made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher import audit
from matcher.db import utcnow
from matcher.models import Country, Opportunity, User
from matcher.models.departure import CountryPack, CountryRule, RuleKind
from matcher.models.opportunity import OpportunityStatus
from matcher.reference.professions import PROFESSIONS
from matcher.services import reference
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.translate import gettext as _

MAX_CODE = 60
MAX_TITLE = 200
MAX_AUTHORITY = 200
MAX_URL = 500
MAX_DETAILS = 4000
MAX_LEAD_DAYS = 365
PROFESSION_CODES = tuple(p.code for p in PROFESSIONS)
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class RuleData:
    """What a rule says, as a pack file or a coordinator's form gives it."""

    code: str
    kind: str
    title: str
    source_url: str
    source_date: date | None
    details: str = ""
    authority: str = ""
    mandatory: bool = True
    needs_proof: bool = True
    lead_days: int | None = 30
    professions: tuple[str, ...] = field(default_factory=tuple)
    # What it costs, where the source says (services.costs adds it to estimates).
    fee_amount: Decimal | None = None
    fee_currency: str | None = None


def _tidy(data: RuleData) -> RuleData:
    return RuleData(
        code=(data.code or "").strip().lower(),
        kind=(data.kind or "").strip(),
        title=" ".join((data.title or "").split()),
        source_url=(data.source_url or "").strip(),
        source_date=data.source_date,
        details=(data.details or "").strip(),
        authority=" ".join((data.authority or "").split()),
        mandatory=bool(data.mandatory),
        needs_proof=bool(data.needs_proof),
        lead_days=data.lead_days,
        professions=tuple(dict.fromkeys(data.professions or ())),
        fee_amount=data.fee_amount,
        fee_currency=(data.fee_currency or "").strip().upper() or None,
    )


def validate(data: RuleData, today: date | None = None) -> RuleData:
    """The rule tidied, or a DomainError naming the first field that is wrong."""
    data = _tidy(data)
    if not _CODE.match(data.code) or len(data.code) > MAX_CODE:
        raise DomainError(
            _("Use lower-case letters, digits and hyphens, like “kmpdc-temporary-licence”."), field="code"
        )
    if data.kind not in {k.value for k in RuleKind}:
        raise DomainError(_("Choose one of the kinds of rule in the list."), field="kind")
    if not data.title:
        raise DomainError(_("Give the rule a title."), field="title")
    if len(data.title) > MAX_TITLE:
        raise DomainError(_("Keep the title under %(num)d characters.", num=MAX_TITLE), field="title")
    if len(data.details) > MAX_DETAILS:
        raise DomainError(_("Keep the details under %(num)d characters.", num=MAX_DETAILS), field="details")
    if len(data.authority) > MAX_AUTHORITY:
        raise DomainError(
            _("Keep the authority's name under %(num)d characters.", num=MAX_AUTHORITY), field="authority"
        )
    parts = urlsplit(data.source_url)
    # Only web addresses: the rule's source is a link on public pages.
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in data.source_url)
    ):
        raise DomainError(
            _("Enter the source's web address, starting with https:// or http://."), "source_url"
        )
    if len(data.source_url) > MAX_URL:
        raise DomainError(_("Keep the address under %(num)d characters.", num=MAX_URL), field="source_url")
    if data.source_date is None:
        raise DomainError(_("Enter the date you read the source."), field="source_date")
    if data.source_date > (today or date.today()):
        raise DomainError(_("The date you read the source cannot be in the future."), field="source_date")
    if data.lead_days is None or not 0 <= data.lead_days <= MAX_LEAD_DAYS:
        raise DomainError(
            _("Enter a number of days from 0 to %(num)d before the start.", num=MAX_LEAD_DAYS),
            field="lead_days",
        )
    unknown = [code for code in data.professions if code not in PROFESSION_CODES]
    if unknown:
        raise DomainError(_("Unknown profession: %(codes)s.", codes=", ".join(unknown)), field="professions")
    if (data.fee_amount is None) != (data.fee_currency is None):
        raise DomainError(_("Give both the fee and its currency, or neither."), field="fee_amount")
    if data.fee_amount is not None and not 0 <= data.fee_amount < 100_000_000:
        raise DomainError(_("A fee cannot be negative."), field="fee_amount")
    if data.fee_currency is not None and not re.fullmatch("[A-Z]{3}", data.fee_currency):
        raise DomainError(_("A three-letter code such as USD."), field="fee_currency")
    return data


def apply(rule: CountryRule, data: RuleData) -> None:
    """Copy a validated rule's words onto the row (the code is set once, when the rule is made)."""
    rule.kind, rule.title, rule.details = data.kind, data.title, data.details
    rule.authority, rule.source_url, rule.source_date = data.authority, data.source_url, data.source_date
    rule.mandatory, rule.needs_proof, rule.lead_days = data.mandatory, data.needs_proof, data.lead_days
    rule.professions = list(data.professions)
    rule.fee_amount, rule.fee_currency = data.fee_amount, data.fee_currency


def rules_for(session: Session, country_code: str, profession_code: str | None = None) -> list[CountryRule]:
    """The country's rules in their order; with a profession, only those that apply to it (a rule
    listing no professions applies to everyone)."""
    rules = session.scalars(
        select(CountryRule)
        .where(CountryRule.country_code == country_code)
        .order_by(CountryRule.position, CountryRule.id)
    )
    return [
        rule
        for rule in rules
        if profession_code is None or not rule.professions or profession_code in rule.professions
    ]


@dataclass(frozen=True)
class ShownRule:
    """A country rule as every opportunity page shows it (a frozen copy, kept per reference version)."""

    title: str
    kind: str
    details: str
    authority: str
    source_url: str
    source_date: date
    mandatory: bool
    needs_proof: bool
    lead_days: int
    fee_amount: Decimal | None
    fee_currency: str | None
    professions: tuple[str, ...]

    @property
    def kind_enum(self) -> RuleKind:
        return RuleKind(self.kind)


_SHOWN = select(
    CountryRule.country_code,
    CountryRule.title,
    CountryRule.kind,
    CountryRule.details,
    CountryRule.authority,
    CountryRule.source_url,
    CountryRule.source_date,
    CountryRule.mandatory,
    CountryRule.needs_proof,
    CountryRule.lead_days,
    CountryRule.fee_amount,
    CountryRule.fee_currency,
    CountryRule.professions,
).order_by(CountryRule.country_code, CountryRule.position, CountryRule.id)


def shown_rules(session: Session, country_code: str) -> tuple[ShownRule, ...]:
    """The country's rules for everyone (all professions), read once per process and version of the
    reference data (a change to any rule or pack makes a new version)."""

    def load() -> dict[str, tuple[ShownRule, ...]]:
        found: dict[str, list[ShownRule]] = {}
        for code, *fields, professions in session.execute(_SHOWN):
            found.setdefault(code, []).append(ShownRule(*fields, tuple(professions or ())))
        return {code: tuple(rules) for code, rules in found.items()}

    return reference.derived(session, "country_rules", load).get(country_code, ())


def country(session: Session, country_code: str) -> Country:
    found = session.get(Country, (country_code or "").upper())
    if found is None:
        raise NotFound(_("There is no such country."))
    return found


def packs(session: Session) -> list[tuple[CountryPack, int, int]]:
    """Every country with rules: its pack, how many rules, how many a coordinator made or edited."""
    rows = session.execute(
        select(
            CountryPack,
            func.count(CountryRule.id),
            func.count(CountryRule.edited_by_id),
        )
        .join(Country, Country.iso2 == CountryPack.country_code)
        .outerjoin(CountryRule, CountryRule.country_code == CountryPack.country_code)
        .group_by(CountryPack.country_code, Country.name)
        .order_by(Country.name)
    )
    return [(pack, total, edited) for pack, total, edited in rows]


def _require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators can change a country's rules."))


def _rule(session: Session, country_code: str, rule_id: int) -> CountryRule:
    rule = session.get(CountryRule, rule_id)
    if rule is None or rule.country_code != country_code:
        raise NotFound(_("There is no such rule."))
    return rule


def _pack(session: Session, country_code: str) -> CountryPack:
    """The country's pack, made for it when a coordinator gives a country its first rule."""
    pack = session.get(CountryPack, country_code)
    if pack is None:
        pack = CountryPack(country_code=country_code, reviewed_on=date.today(), digest="", loaded_at=utcnow())
        session.add(pack)
        session.flush()
    return pack


def add_rule(session: Session, actor: User, country_code: str, data: RuleData) -> CountryRule:
    """A coordinator's new rule, last in the country's list."""
    _require_coordinator(actor)
    code = country(session, country_code).iso2
    data = validate(data)
    last = session.scalar(select(func.max(CountryRule.position)).where(CountryRule.country_code == code))
    rule = CountryRule(country_code=code, code=data.code, position=(last or 0) + 1)
    apply(rule, data)
    rule.edited_by_id, rule.edited_at = actor.id, utcnow()
    try:
        with session.begin_nested():  # the UNIQUE (country, code) decides, even between two coordinators
            _pack(session, code)
            session.add(rule)
            session.flush()
    except IntegrityError as error:
        raise Conflict(_("This country has a rule with this code already."), field="code") from error
    audit.on_commit(session, "country_rule_added", actor, country=code, code=rule.code, title=rule.title)
    _rebuild_checklists(session, code)
    return rule


_AUDITED = (
    "kind",
    "title",
    "source_url",
    "source_date",
    "mandatory",
    "needs_proof",
    "lead_days",
    "professions",
)


def update_rule(
    session: Session, actor: User, country_code: str, rule_id: int, data: RuleData
) -> CountryRule:
    """A coordinator's edit; from now on loading the pack leaves this rule alone."""
    _require_coordinator(actor)
    rule = _rule(session, country_code, rule_id)
    data = validate(replace(data, code=rule.code))
    before = {name: getattr(rule, name) for name in _AUDITED}
    apply(rule, data)
    rule.edited_by_id, rule.edited_at = actor.id, utcnow()
    session.flush()
    changed = {
        name: {"old": before[name], "new": getattr(rule, name)}
        for name in _AUDITED
        if before[name] != getattr(rule, name)
    }
    audit.on_commit(
        session, "country_rule_edited", actor, country=rule.country_code, code=rule.code, changed=str(changed)
    )
    _rebuild_checklists(session, rule.country_code)
    return rule


def remove_rule(session: Session, actor: User, country_code: str, rule_id: int) -> str:
    """Removes the rule (checklists made from it keep their items); returns its title."""
    _require_coordinator(actor)
    rule = _rule(session, country_code, rule_id)
    title, code, where = rule.title, rule.code, rule.country_code
    session.delete(rule)
    session.flush()
    audit.on_commit(session, "country_rule_removed", actor, country=country_code, code=code, title=title)
    _rebuild_checklists(session, where)
    return title


def _rebuild_checklists(session: Session, country_code: str) -> None:
    """The checklists of upcoming trips to the country, brought in step with its rules."""
    from matcher.services.departure.trips import rebuild_for_country  # trips reads the rules

    rebuild_for_country(session, country_code, date.today())


def countries_without_rules(session: Session) -> list[Country]:
    """Countries of published opportunities that have no rules yet: where a coordinator should look."""
    published = select(Opportunity.country_code).where(Opportunity.status == OpportunityStatus.PUBLISHED)
    return list(
        session.scalars(
            select(Country)
            .where(Country.iso2.in_(published), Country.iso2.not_in(select(CountryPack.country_code)))
            .order_by(Country.name)
        )
    )
