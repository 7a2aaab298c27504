"""Country rule packs: the TOML files in matcher/reference/country_rules/, read, checked and loaded.

Every pack is read and checked before anything is written: one broken pack refuses the whole load
with a message naming the file, the rule and the field, and the database is left as it was. A pack
whose file has not changed since it was last loaded (same digest) is skipped, so rules a coordinator
removed stay removed. When a file changes, its rules are added or updated, and the shipped rules it
no longer lists are removed, except those a coordinator added or edited in the app: they stay as
the coordinator made them. The file format is described in the README ("Country rule packs").
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import Country
from matcher.models.departure import CountryPack, CountryRule
from matcher.reference.sync import country_rows
from matcher.services.departure.rules import RuleData, apply, validate
from matcher.services.errors import DomainError

PACKS = Path(__file__).resolve().parents[2] / "reference" / "country_rules"
_PACK_KEYS = {"country", "reviewed_on", "notes", "rules"}
_RULE_KEYS = {
    "code",
    "kind",
    "title",
    "details",
    "authority",
    "source_url",
    "source_date",
    "mandatory",
    "needs_proof",
    "lead_days",
    "professions",
    "fee_amount",
    "fee_currency",
}


class PackError(DomainError):
    """One or more packs are broken; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Pack:
    path: Path
    country: str
    reviewed_on: date
    notes: str
    digest: str
    rules: tuple[RuleData, ...]


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)  # countries whose pack changed and was loaded
    unchanged: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0  # rules a coordinator edited, left as they are


class _Broken(Exception):
    def __init__(self, where: str, field: str, message: str) -> None:
        super().__init__(message)
        self.where, self.field, self.message = where, field, message


def _typed(
    table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = None
) -> Any:
    if key not in table:
        if default is None:
            raise _Broken(where, key, "is missing")
        return default
    value = table[key]
    # TOML booleans are not numbers here: `lead_days = true` is a mistake, not 1.
    if isinstance(value, bool) and kind is not bool:
        raise _Broken(where, key, f"must be {_kind_name(kind)}, not {value!r}")
    if not isinstance(value, kind):
        raise _Broken(where, key, f"must be {_kind_name(kind)}, not {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        bool: "true or false",
        date: "a date (YYYY-MM-DD)",
        list: "a list",
    }
    return names.get(kind, "a value") if isinstance(kind, type) else "a value"


def _rule(table: Any, index: int) -> RuleData:
    where = f"rule {index}"
    if not isinstance(table, dict):
        raise _Broken(where, "rules", "each rule must be a [[rules]] table")
    code = table.get("code")
    if isinstance(code, str) and code:
        where = f"rule “{code}”"
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise _Broken(where, unknown[0], "is not a field of a rule")
    source_date = _typed(table, "source_date", date, where)
    if isinstance(source_date, type(utcnow())):  # a TOML date-time: the day is what counts
        raise _Broken(where, "source_date", "must be a date (YYYY-MM-DD), not a date and time")
    professions = _typed(table, "professions", list, where, default=[])
    if not all(isinstance(p, str) for p in professions):
        raise _Broken(where, "professions", "must be a list of profession codes")
    fee = _typed(table, "fee_amount", (int, float, str), where, default=False)
    try:
        fee_amount = None if fee is False else Decimal(str(fee))
    except InvalidOperation as error:
        raise _Broken(where, "fee_amount", "must be an amount, like 50 or 50.25") from error
    data = RuleData(
        code=_typed(table, "code", str, where),
        kind=_typed(table, "kind", str, where),
        title=_typed(table, "title", str, where),
        source_url=_typed(table, "source_url", str, where),
        source_date=source_date,
        details=_typed(table, "details", str, where, default=""),
        authority=_typed(table, "authority", str, where, default=""),
        mandatory=_typed(table, "mandatory", bool, where, default=True),
        needs_proof=_typed(table, "needs_proof", bool, where, default=True),
        lead_days=_typed(table, "lead_days", int, where, default=30),
        professions=tuple(professions),
        fee_amount=fee_amount,
        fee_currency=_typed(table, "fee_currency", str, where, default="") or None,
    )
    try:
        return validate(data)
    except DomainError as error:
        raise _Broken(where, error.field or "rule", error.message) from error


def read_pack(path: Path, countries: Iterable[str]) -> Pack:
    """One pack file, checked; a PackError names the file, the rule and the field that is wrong."""
    try:
        return _read(path, set(countries))
    except _Broken as broken:
        raise PackError(
            [f"{path.name}: {broken.where}, field “{broken.field}”: {broken.message}"]
        ) from broken


def _read(path: Path, countries: set[str]) -> Pack:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _Broken("the file", "-", f"is not valid TOML ({error})") from error
    unknown = sorted(set(data) - _PACK_KEYS)
    if unknown:
        raise _Broken("the pack", unknown[0], "is not a field of a pack")
    country = _typed(data, "country", str, "the pack")
    if country not in countries:
        raise _Broken("the pack", "country", f"{country!r} is not a known ISO 3166 country code")
    if path.stem != country:
        raise _Broken("the pack", "country", f"is {country!r} but the file is named {path.name}")
    reviewed_on = _typed(data, "reviewed_on", date, "the pack")
    if reviewed_on > date.today():
        raise _Broken("the pack", "reviewed_on", "cannot be in the future")
    tables = _typed(data, "rules", list, "the pack")
    if not tables:
        raise _Broken("the pack", "rules", "lists no rules")
    rules = [_rule(table, index) for index, table in enumerate(tables, 1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.code in seen:
            raise _Broken(f"rule “{rule.code}”", "code", "is used by another rule of this pack")
        seen.add(rule.code)
    return Pack(
        path=path,
        country=country,
        reviewed_on=reviewed_on,
        notes=_typed(data, "notes", str, "the pack", default="").strip(),
        digest=hashlib.sha256(raw).hexdigest(),
        rules=tuple(rules),
    )


def read_packs(directory: Path = PACKS, countries: Iterable[str] | None = None) -> list[Pack]:
    """Every pack in the directory, checked; a PackError lists every broken one."""
    known = set(countries) if countries is not None else {row["iso2"] for row in country_rows()}
    packs, problems = [], []
    for path in sorted(directory.glob("*.toml")):
        try:
            packs.append(read_pack(path, known))
        except PackError as error:
            problems.extend(error.problems)
    if problems:
        raise PackError(problems)
    return packs


def check_packs(directory: Path = PACKS) -> list[str]:
    """The problems of the shipped packs, without touching the database (for the start-up check)."""
    try:
        read_packs(directory)
    except PackError as error:
        return error.problems
    return []


def load_packs(session: Session, directory: Path = PACKS) -> LoadReport:
    """Load every changed pack in one go, or none of them (PackError) if any is broken."""
    countries = set(session.scalars(select(Country.iso2)))
    packs = read_packs(directory, countries)
    report = LoadReport()
    for pack in packs:
        stored = session.get(CountryPack, pack.country)
        if stored is not None and stored.digest == pack.digest:
            report.unchanged.append(pack.country)
            continue
        if stored is None:
            stored = CountryPack(country_code=pack.country)
            session.add(stored)
        stored.reviewed_on, stored.notes, stored.digest = pack.reviewed_on, pack.notes, pack.digest
        stored.loaded_at = utcnow()
        session.flush()
        _load_rules(session, pack, report)
        report.loaded.append(pack.country)
    session.flush()
    _rebuild_checklists(session, report.loaded)
    return report


def _rebuild_checklists(session: Session, countries: list[str]) -> None:
    """The checklists of upcoming trips to these countries, brought in step with their new rules."""
    from matcher.services.departure.trips import rebuild_for_country  # trips reads the rules

    for code in countries:
        rebuild_for_country(session, code, date.today())


def _load_rules(session: Session, pack: Pack, report: LoadReport) -> None:
    existing = {
        rule.code: rule
        for rule in session.scalars(select(CountryRule).where(CountryRule.country_code == pack.country))
    }
    listed = {data.code for data in pack.rules}
    for code, rule in existing.items():
        if code not in listed and rule.edited_by_id is None and rule.edited_at is None:
            session.delete(rule)
            report.removed += 1
    for position, data in enumerate(pack.rules, 1):
        rule = existing.get(data.code)
        if rule is None:
            rule = CountryRule(country_code=pack.country, code=data.code)
            session.add(rule)
            report.added += 1
        elif rule.edited_at is not None or rule.edited_by_id is not None:
            report.kept += 1
            continue
        else:
            report.updated += 1
        apply(rule, data)
        rule.position = position
    # A coordinator's own rules (not in the file) follow the shipped ones.
    for offset, rule in enumerate(
        sorted(
            (r for c, r in existing.items() if c not in listed and r.edited_at is not None),
            key=lambda r: r.position,
        ),
        len(pack.rules) + 1,
    ):
        rule.position = offset
