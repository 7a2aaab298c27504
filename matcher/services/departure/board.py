"""The readiness board: upcoming placements and team places by readiness to travel, for the
coordinators (every trip) and for a host organisation's members (that organisation's visitors).

The trips are read in a fixed number of statements, whatever their number: one for the rows
(traveller, opportunity and organisation joined), one each for their items and the items'
documents, and one for the months and countries the filters offer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from matcher.formatting import country_name
from matcher.models import MatchStatus, Opportunity, Organisation, User
from matcher.models.departure import Trip, TripItem
from matcher.models.matching import Match
from matcher.models.teams import MemberStatus, TeamMember
from matcher.services import reference
from matcher.services.departure.readiness import STATES, Readiness, ReadinessState, readiness
from matcher.services.errors import PermissionDenied
from matcher.services.permissions import can_act_for, is_staff
from matcher.translate import gettext as _

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class BoardFilters:
    month: date | None = None  # the first day of the start month
    country: str | None = None  # ISO 3166 alpha-2

    def query_args(self) -> dict[str, str]:
        args = {}
        if self.month:
            args["month"] = self.month.strftime("%Y-%m")
        if self.country:
            args["country"] = self.country
        return args


def parse_filters(session: Session, args: Mapping[str, str]) -> tuple[BoardFilters, dict[str, str]]:
    """The board's filters from a query string; a value not understood is ignored and explained."""
    errors: dict[str, str] = {}
    month = None
    raw_month = (args.get("month") or "").strip()
    if raw_month:
        found = _MONTH.match(raw_month)
        if found and 1 <= int(found[2]) <= 12 and int(found[1]) >= 2000:
            month = date(int(found[1]), int(found[2]), 1)
        else:
            errors["month"] = _(
                "Choose a start month from the list: “%(value)s” is not a month "
                "(year and month, such as 2027-03).",
                value=raw_month[:20],
            )
    country = None
    raw_country = (args.get("country") or "").strip()
    if raw_country:
        if raw_country.upper() in reference.country_by_code(session):
            country = raw_country.upper()
        else:
            errors["country"] = _(
                "Choose a country from the list: “%(value)s” is not a country code we know "
                "(two letters, such as TZ for Tanzania).",
                value=raw_country[:20],
            )
    return BoardFilters(month, country), errors


@dataclass(frozen=True)
class BoardRow:
    trip: Trip
    readiness: Readiness

    @property
    def team_place(self) -> bool:
        return self.trip.team_member_id is not None


@dataclass
class Board:
    groups: dict[ReadinessState, list[BoardRow]] = field(default_factory=lambda: {s: [] for s in STATES})
    months: list[date] = field(default_factory=list)  # the start months the filter offers
    countries: list[tuple[str, str]] = field(default_factory=list)  # (code, name), by name

    @property
    def counts(self) -> dict[ReadinessState, int]:
        return {state: len(rows) for state, rows in self.groups.items()}

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _upcoming(today: date, organisation: Organisation | None) -> Select:
    """Trips of accepted placements and team places that have not ended yet."""
    stmt = (
        select(Trip)
        .join(Trip.opportunity)
        .outerjoin(Match, Trip.match_id == Match.id)
        .outerjoin(TeamMember, Trip.team_member_id == TeamMember.id)
        .where(
            or_(Match.status == MatchStatus.ACCEPTED, TeamMember.status == MemberStatus.ACCEPTED),
            Opportunity.ends_on >= today,
        )
    )
    if organisation is not None:
        stmt = stmt.where(Opportunity.organisation_id == organisation.id)
    return stmt


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def readiness_board(
    session: Session,
    viewer: User,
    today: date,
    filters: BoardFilters,
    organisation: Organisation | None = None,
) -> Board:
    """Every upcoming trip the viewer may see, grouped by readiness: all of them for coordinators,
    an organisation's own for its members (`organisation` given)."""
    if organisation is None and not is_staff(viewer):
        raise PermissionDenied(_("Only coordinators see every trip's readiness."))
    if organisation is not None and not can_act_for(session, viewer, organisation):
        raise PermissionDenied(_("Only this organisation's members see its visitors' readiness."))
    base = _upcoming(today, organisation)
    offered = session.execute(
        base.with_only_columns(Opportunity.starts_on, Opportunity.country_code).distinct()
    ).all()
    board = Board(
        months=sorted({starts.replace(day=1) for starts, _code in offered}),
        countries=sorted(
            ((code, country_name(code)) for code in {code for _starts, code in offered}),
            key=lambda pair: (pair[1], pair[0]),
        ),
    )
    stmt = base
    if filters.month:
        stmt = stmt.where(
            Opportunity.starts_on >= filters.month, Opportunity.starts_on < _month_after(filters.month)
        )
    if filters.country:
        stmt = stmt.where(Opportunity.country_code == filters.country)
    trips = session.scalars(
        stmt.options(
            contains_eager(Trip.opportunity).joinedload(Opportunity.organisation),
            joinedload(Trip.user),
            selectinload(Trip.items).selectinload(TripItem.documents),
        ).order_by(Opportunity.starts_on, Trip.id)
    ).all()
    for trip in trips:
        state = readiness(trip, today)
        board.groups[state.state].append(BoardRow(trip, state))
    return board
