"""A trip's checklist: what it should hold (the country's rules for the traveller's profession, the
opportunity's own requirements where the country's pack says nothing of that kind, the host's
tasks), each item due a number of days before the start; and bringing the items in step when the
rules change (new items added, items still to do updated, items done or under review kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Opportunity, User
from matcher.models.departure import (
    CountryRule,
    ItemOwner,
    ItemSource,
    ItemStatus,
    RuleKind,
    Trip,
    TripItem,
)
from matcher.translate import LazyString
from matcher.translate import lazy_gettext as _l


@dataclass(frozen=True)
class Standard:
    """An item the app words itself (an opportunity's requirement, a host's task): its title and
    details are shown in the reader's language, and stored in English."""

    kind: str
    owner: str
    title: LazyString
    details: LazyString
    lead_days: int
    needs_proof: bool


# The opportunity's own flags, used only where the country's pack has no rule of that kind.
OPPORTUNITY_FLAGS: dict[str, tuple[str, Standard]] = {
    "opportunity:visa": (
        "needs_visa",
        Standard(
            RuleKind.VISA,
            ItemOwner.TRAVELLER,
            _l("Visa or entry permit"),
            _l("The host asks for a visa or entry permit; check the type with the embassy."),
            45,
            True,
        ),
    ),
    "opportunity:licence": (
        "needs_temporary_licence",
        Standard(
            RuleKind.LICENCE,
            ItemOwner.TRAVELLER,
            _l("Temporary licence or registration"),
            _l("The host asks for a temporary licence or registration with the country's council."),
            60,
            True,
        ),
    ),
    "opportunity:indemnity": (
        "needs_indemnity",
        Standard(
            RuleKind.INDEMNITY,
            ItemOwner.TRAVELLER,
            _l("Professional indemnity"),
            _l("The host asks for proof of professional indemnity cover for the placement."),
            30,
            True,
        ),
    ),
    "opportunity:immunisations": (
        "needs_immunisations",
        Standard(
            RuleKind.IMMUNISATION,
            ItemOwner.TRAVELLER,
            _l("Immunisations"),
            _l("The host asks for proof of immunisations; a travel clinic can advise which."),
            42,
            True,
        ),
    ),
}

HOST_TASKS: dict[str, Standard] = {
    "host:letter": Standard(
        RuleKind.OTHER,
        ItemOwner.HOST,
        _l("Invitation or welcome letter"),
        _l("The host sends a signed letter naming the visitor, the dates and the department."),
        45,
        True,
    ),
    "host:supervisor": Standard(
        RuleKind.OTHER,
        ItemOwner.HOST,
        _l("Named supervisor"),
        _l("The host names the clinician who supervises the visitor on site."),
        21,
        False,
    ),
    "host:accommodation": Standard(
        RuleKind.OTHER,
        ItemOwner.HOST,
        _l("Accommodation confirmed"),
        _l("The host confirms where the visitor stays."),
        14,
        False,
    ),
}

STANDARD: dict[str, Standard] = {code: std for code, (_, std) in OPPORTUNITY_FLAGS.items()} | HOST_TASKS


@dataclass(frozen=True)
class Planned:
    """What one item of a trip's checklist should say, from its rule or standard."""

    code: str
    source: str
    owner: str
    kind: str
    title: str
    details: str
    mandatory: bool
    needs_proof: bool
    due_on: date
    rule_id: int | None
    position: int


def applies_to(rule: CountryRule, traveller: User) -> bool:
    """A rule with no professions applies to everyone; otherwise to those professions only."""
    return not rule.professions or traveller.profession_code in rule.professions


def country_rules(session: Session, country_code: str) -> list[CountryRule]:
    return list(
        session.scalars(
            select(CountryRule)
            .where(CountryRule.country_code == country_code)
            .order_by(CountryRule.position, CountryRule.id)
        )
    )


def plan(session: Session, traveller: User, opportunity: Opportunity) -> list[Planned]:
    """The checklist the traveller's trip to the opportunity should have, in order."""
    starts = opportunity.starts_on
    rules = country_rules(session, opportunity.country_code)
    planned = [
        Planned(
            code=f"country:{rule.code}",
            source=ItemSource.COUNTRY,
            owner=ItemOwner.TRAVELLER,
            kind=rule.kind,
            title=rule.title,
            details=rule.details,
            mandatory=rule.mandatory,
            needs_proof=rule.needs_proof,
            due_on=starts - timedelta(days=rule.lead_days),
            rule_id=rule.id,
            position=0,
        )
        for rule in rules
        if applies_to(rule, traveller)
    ]
    # The pack's kinds count whoever they apply to: a licence rule for doctors only means a nurse
    # needs none, not that the opportunity's flag asks one of them.
    covered = {rule.kind for rule in rules}
    flagged = [
        (code, std)
        for code, (flag, std) in OPPORTUNITY_FLAGS.items()
        if getattr(opportunity, flag) and std.kind not in covered
    ]
    with force_locale("en"):
        for code, std in [*flagged, *HOST_TASKS.items()]:
            planned.append(
                Planned(
                    code=code,
                    source=ItemSource.HOST if code in HOST_TASKS else ItemSource.OPPORTUNITY,
                    owner=std.owner,
                    kind=std.kind,
                    title=str(std.title),
                    details=str(std.details),
                    mandatory=True,
                    needs_proof=std.needs_proof,
                    due_on=starts - timedelta(days=std.lead_days),
                    rule_id=None,
                    position=0,
                )
            )
    return [_at(p, position) for position, p in enumerate(planned)]


def _at(planned: Planned, position: int) -> Planned:
    return Planned(**{**planned.__dict__, "position": position})


_WORDING = (
    "source",
    "owner",
    "kind",
    "title",
    "details",
    "mandatory",
    "needs_proof",
    "due_on",
    "rule_id",
    "position",
)


def sync_items(session: Session, trip: Trip) -> bool:
    """Bring the trip's items in step with its plan: add new ones, update those still to do, keep
    those submitted, verified or not needed, and drop items still to do (without documents) that
    the plan no longer has. Returns whether anything changed."""
    wanted = {p.code: p for p in plan(session, trip.user, trip.opportunity)}
    existing = {item.code: item for item in trip.items}
    changed = False
    for code, planned in wanted.items():
        item = existing.get(code)
        if item is None:
            trip.items.append(
                TripItem(status=ItemStatus.TO_DO, **{f: getattr(planned, f) for f in ("code", *_WORDING)})
            )
            changed = True
        elif item.status == ItemStatus.TO_DO:
            for field in _WORDING:
                if getattr(item, field) != getattr(planned, field):
                    setattr(item, field, getattr(planned, field))
                    changed = True
    for code, item in existing.items():
        if code not in wanted and item.status == ItemStatus.TO_DO and not item.documents:
            trip.items.remove(item)
            changed = True
    if changed:
        session.flush()
    return changed


def standard_title(item: TripItem) -> str:
    """The item's title in the reader's language where the app worded it, else as stored."""
    std = STANDARD.get(item.code)
    return str(std.title) if std else item.title


def standard_details(item: TripItem) -> str:
    std = STANDARD.get(item.code)
    return str(std.details) if std else item.details
