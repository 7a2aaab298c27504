"""Travel advisories: import a parsed feed, and put the trips of a country whose level rises to 3
or 4 on hold until a coordinator re-approves each one with a reason.

A rise is judged on the country's level (the highest current level among the sources): a feed that
repeats what we know only confirms it (its check date moves on, no new row, nobody is told again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, joinedload

from matcher import audit
from matcher.advisories.records import AdvisoryRecord, FeedError, ParsedFeed
from matcher.db import utcnow
from matcher.mail import advisories as mail
from matcher.models import Match, MatchStatus, Opportunity, OpportunityStatus, User
from matcher.models.departure import TravelAdvisory, Trip
from matcher.models.teams import MemberStatus, TeamMember
from matcher.services.departure.advisory_levels import (
    HOLD_FROM,
    HORIZON_DAYS,
    advice_for,
    country_names,
    fold,
)
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.translate import gettext as _

MAX_REASON = 2000


@dataclass
class ImportReport:
    source: str
    added: int = 0  # new advice (a new level or a newer date)
    confirmed: int = 0  # the same advice again: only its check date moved on
    skipped: list[str] = field(default_factory=list)  # entries that are no country we keep
    raised: dict[str, int] = field(default_factory=dict)  # country -> the level it rose to (3 or 4)
    held: int = 0  # trips put on hold


def _resolve(names: dict[str, str], known: set[str], record: AdvisoryRecord) -> str | None:
    """The ISO code of the record's country: its code, or its name ("Burma (Myanmar)": either part)."""
    if record.country_code:
        return record.country_code if record.country_code in known else None
    name = record.country_name
    before, _paren, inside = name.partition("(")
    for candidate in (name, before, inside.rstrip(") ")):
        code = names.get(fold(candidate))
        if code:
            return code
    return None


def import_feed(session: Session, feed: ParsedFeed, today: date) -> ImportReport:
    """Store the feed's advice and hold the trips of every country whose level rose to 3 or 4.

    A feed in our own format naming an unknown country is refused whole (FeedError); a foreign
    feed's entries for places we do not keep are skipped and reported."""
    names = country_names(session)
    known = set(names.values())
    report = ImportReport(feed.source, skipped=list(feed.skipped))
    resolved: list[tuple[str, AdvisoryRecord]] = []
    for record in feed.records:
        code = _resolve(names, known, record)
        label = record.country_code or record.country_name
        if code is None and feed.strict_countries:
            raise FeedError(f"{label}: no country has this ISO code.")  # i18n: ignore
        if code is None:
            report.skipped.append(f"{label}: not a country we keep.")
        else:
            resolved.append((code, record))
    for code, record in resolved:
        before = advice_for(session, code).level
        advisory = _store(session, feed.source, code, record, report)
        session.flush()
        after = advice_for(session, code).level or 0
        if advisory is not None and after >= HOLD_FROM and after > (before or 0):
            report.raised[code] = after
            report.held += hold_country(session, code, after, advisory, today)
    return report


def _store(
    session: Session, source: str, code: str, record: AdvisoryRecord, report: ImportReport
) -> TravelAdvisory | None:
    """The new advice's row, or None when it only confirms (or is older than) the current one."""
    current = session.scalar(
        select(TravelAdvisory)
        .where(TravelAdvisory.country_code == code, TravelAdvisory.source == source)
        .order_by(
            TravelAdvisory.issued_on.desc(), TravelAdvisory.imported_at.desc(), TravelAdvisory.id.desc()
        )
        .limit(1)
    )
    if current is not None and (
        record.issued_on < current.issued_on
        or (record.issued_on == current.issued_on and record.level == current.level)
    ):
        if record.issued_on == current.issued_on:
            current.imported_at = utcnow()
            current.summary, current.url = record.summary or current.summary, record.url or current.url
        report.confirmed += 1
        return None
    advisory = TravelAdvisory(
        country_code=code,
        source=source,
        level=record.level,
        summary=record.summary,
        url=record.url,
        issued_on=record.issued_on,
        imported_at=utcnow(),
    )
    session.add(advisory)
    report.added += 1
    return advisory


def _upcoming(codes: list[str], today: date):
    return (
        Opportunity.country_code.in_(codes),
        Opportunity.starts_on >= today,
        Opportunity.starts_on <= today + timedelta(days=HORIZON_DAYS),
    )


def trips_to_hold(session: Session, code: str, today: date) -> list[Trip]:
    """The trips of accepted placements and team places in the country starting in the next 180 days."""
    return list(
        session.scalars(
            select(Trip)
            .join(Opportunity, Trip.opportunity_id == Opportunity.id)
            .outerjoin(Match, Trip.match_id == Match.id)
            .outerjoin(TeamMember, Trip.team_member_id == TeamMember.id)
            .where(
                *_upcoming([code], today),
                or_(Match.status == MatchStatus.ACCEPTED, TeamMember.status == MemberStatus.ACCEPTED),
            )
            .order_by(Opportunity.starts_on, Trip.id)
        )
    )


def flagged_opportunities(session: Session, codes: list[str], today: date) -> list[Opportunity]:
    """Published opportunities (or ones with places offered) in those countries in the next 180
    days: no trip yet to hold, so coordinators see them flagged."""
    if not codes:
        return []
    offered = exists().where(Match.opportunity_id == Opportunity.id, Match.status == MatchStatus.PUBLISHED)
    return list(
        session.scalars(
            select(Opportunity)
            .options(joinedload(Opportunity.country))
            .where(*_upcoming(codes, today), or_(Opportunity.status == OpportunityStatus.PUBLISHED, offered))
            .order_by(Opportunity.starts_on, Opportunity.id)
        )
    )


def _hold(session: Session, trip: Trip, level: int, advisory: TravelAdvisory) -> bool:
    """Put the trip on hold at `level`; False when it already is at that level or higher.

    One conditional UPDATE: of two imports at once, the second waits for the first's row lock and
    then finds the trip held, so nobody is told twice."""
    if trip.id is None:
        session.flush()
    held_already = and_(Trip.hold_level >= level, Trip.released_at.is_(None))
    result = session.execute(
        update(Trip)
        .where(Trip.id == trip.id, or_(Trip.hold_level.is_(None), ~held_already))
        .values(
            hold_level=level,
            hold_since=utcnow(),
            hold_advisory_id=advisory.id,
            released_at=None,
            released_by_id=None,
            release_reason="",
        )
        .execution_options(synchronize_session=False)
    )
    session.expire(trip)
    return result.rowcount == 1


def hold_country(session: Session, code: str, level: int, advisory: TravelAdvisory, today: date) -> int:
    """Hold the country's upcoming trips and tell each traveller, the hosts and the coordinators
    (essential mail); returns how many trips were put on hold."""
    held = [trip for trip in trips_to_hold(session, code, today) if _hold(session, trip, level, advisory)]
    opportunities = flagged_opportunities(session, [code], today)
    audit.on_commit(
        session,
        "advisory_hold",
        None,
        country=code,
        level=level,
        advisory_id=advisory.id,
        trips=[t.id for t in held],
        opportunities=[o.id for o in opportunities],
    )
    mail.tell_hold(session, advisory, level, held, opportunities)
    return len(held)


def hold_if_advised(session: Session, trip: Trip, today: date) -> bool:
    """For a trip made while its country is at level 3 or 4 (called when trips are created): on hold
    from the start, without mail (the acceptance's own mail says so on the trip page)."""
    advice = advice_for(session, trip.opportunity.country_code)
    starts = trip.opportunity.starts_on
    if advice.top is None or not advice.holds or not today <= starts <= today + timedelta(days=HORIZON_DAYS):
        return False
    return _hold(session, trip, advice.level or HOLD_FROM, advice.top)


def release(session: Session, actor: User, trip_id: int, reason: str) -> Trip:
    """A coordinator re-approves a held trip with a reason (audited); the traveller is told."""
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators re-approve a trip held for a travel advisory."))
    trip = session.get(Trip, trip_id)
    if trip is None:
        raise NotFound(_("There is no such trip."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason the trip may go ahead."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Keep the reason under %(num)d characters.", num=MAX_REASON), field="reason")
    # Conditional: of two coordinators re-approving at once, one does (and the traveller is told once).
    result = session.execute(
        update(Trip)
        .where(Trip.id == trip.id, Trip.hold_level.is_not(None), Trip.released_at.is_(None))
        .values(released_at=utcnow(), released_by_id=actor.id, release_reason=reason)
        .execution_options(synchronize_session=False)
    )
    session.expire(trip)
    if result.rowcount != 1:
        raise Conflict(_("This trip is not on hold."))
    audit.on_commit(session, "advisory_release", actor, trip_id=trip.id, level=trip.hold_level, reason=reason)
    mail.tell_release(session, trip)
    return trip


def held_trips(session: Session) -> list[Trip]:
    """Trips on hold now, soonest start first (the coordinators' list)."""
    return list(
        session.scalars(
            select(Trip)
            .join(Opportunity, Trip.opportunity_id == Opportunity.id)
            .options(joinedload(Trip.user), joinedload(Trip.opportunity).joinedload(Opportunity.country))
            .where(Trip.hold_level.is_not(None), Trip.released_at.is_(None))
            .order_by(Opportunity.starts_on, Trip.id)
        )
    )
