"""Impact figures: what visits taught, added up for an organisation, a region, a country, a year.

Only what a host confirmed counts: confirmed log entries (`LogEntry.confirmed_at` set) and
completions (a `VisitCompletion` row is the host's confirmation). `load(session, filter)` reads
everything a report needs in five statements, whatever the number of visits (each GROUP BY or a
plain list of keys); the returned `Ledger` adds the figures up for the whole filter (`figures()`)
or for each region, country, year, organisation or site (`by(...)`), in Python.

The figures, as the public pages define them (DEFINITIONS in services.impact.reports):

- visits: visits (electives and teaching visits) with at least one confirmed completion or
  confirmed log entry. A visit belongs to the year it starts in, and to its country.
- visitors: distinct people whose completion of one of those visits the host confirmed.
- visit weeks: the visits' lengths added up, from first to last day, in weeks (one decimal).
- person-weeks: each confirmed completion counts its visit's length in weeks.
- procedures: cases of confirmed procedure entries, by taxonomy group and by the local learner's
  role (observed, assisted, performed under supervision, performed independently).
- lectures and simulation sessions: confirmed entries of each kind, and the hours recorded.
- learners present: local learners present at confirmed sessions, added up (one person at two
  sessions counts twice).
- local learners trained: distinct registered local learners named in confirmed procedure entries
  of those visits, together with those who reached a milestone in the period.
- independent (supervised) milestones: a local learner's first independent (supervised) case of a
  procedure, recorded in the period, at a site of the organisation or in the region or country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session

from matcher.models import Country, Opportunity, Organisation, Procedure, Site
from matcher.models.impact import (
    LearnerRole,
    LocalLearner,
    LogEntry,
    Milestone,
    MilestoneKind,
    SessionKind,
    VisitCompletion,
)
from matcher.services import reference

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class ImpactFilter:
    """Which visits and milestones count: any combination; None is any."""

    organisation_id: int | None = None
    region: str | None = None  # a UN M49 region, by its English name ("Africa")
    subregion: str | None = None  # a UN M49 sub-region ("Eastern Africa")
    country: str | None = None  # ISO 3166-1 alpha-2
    year: int | None = None  # visits by the year they start in, milestones by the day reached
    verified_only: bool = False  # public pages and the API: verified organisations only


def weeks(days: int) -> Decimal:
    """Days as weeks, one decimal."""
    return (Decimal(days) / 7).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CategoryCount:
    """Cases of one taxonomy group, by the local learner's role."""

    group: str  # the taxonomy group's English name ("" when the entry has none)
    roles: dict[str, int]  # LearnerRole value -> cases
    position: int = 0  # the group's place in the taxonomy

    @property
    def total(self) -> int:
        return sum(self.roles.values())


@dataclass(frozen=True)
class ImpactFigures:
    visits: int = 0
    visitors: int = 0
    visit_days: int = 0
    person_days: int = 0
    procedures: int = 0  # cases
    by_role: dict[str, int] = field(default_factory=dict)
    categories: tuple[CategoryCount, ...] = ()
    lectures: int = 0
    lecture_hours: Decimal = Decimal(0)
    simulations: int = 0
    simulation_hours: Decimal = Decimal(0)
    learners_present: int = 0
    learners_trained: int = 0
    independent_milestones: int = 0
    supervised_milestones: int = 0

    @property
    def visit_weeks(self) -> Decimal:
        return weeks(self.visit_days)

    @property
    def person_weeks(self) -> Decimal:
        return weeks(self.person_days)

    @property
    def empty(self) -> bool:
        return not (self.visits or self.learners_trained or self.independent_milestones)


@dataclass(frozen=True)
class VisitRow:
    id: int
    organisation_id: int
    organisation: str
    organisation_slug: str
    country: str
    region: str
    subregion: str
    site_id: int | None
    site: str
    starts_on: date
    ends_on: date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def year(self) -> int:
        return self.starts_on.year


@dataclass(frozen=True)
class EntryGroup:
    """Confirmed entries of one visit with the same kind, procedure group and role."""

    visit_id: int
    kind: str
    group: str
    role: str | None
    count: int
    cases: int
    hours: Decimal
    present: int


@dataclass(frozen=True)
class MilestoneRow:
    learner_id: int
    kind: str
    achieved_on: date
    organisation_id: int
    organisation: str
    organisation_slug: str
    country: str
    region: str
    subregion: str
    site_id: int
    site: str

    @property
    def year(self) -> int:
        return self.achieved_on.year


@dataclass(frozen=True)
class Breakdown:
    """One line of a table by region, country, year, organisation or site."""

    key: Hashable  # the region's or country's code, the year, the organisation's or site's id
    name: str  # the English name or code: pages name it in the reader's language
    figures: ImpactFigures
    slug: str = ""  # an organisation's


def _key(row: VisitRow | MilestoneRow, by: str) -> tuple[Hashable, str, str]:
    if by == "region":
        return row.region, row.region, ""
    if by == "country":
        return row.country, row.country, ""
    if by == "year":
        return row.year, str(row.year), ""
    if by == "organisation":
        return row.organisation_id, row.organisation, row.organisation_slug
    if by == "site":
        return row.site_id, row.site, ""
    raise ValueError(by)


@dataclass
class Ledger:
    """Everything a report adds up, read once; `figures` and `by` add it up in Python."""

    visits: list[VisitRow]
    completions: list[tuple[int, int]]  # (visit id, user id)
    entries: list[EntryGroup]
    entry_learners: list[tuple[int, int]]  # (visit id, local learner id)
    milestones: list[MilestoneRow]
    group_positions: dict[str, int]

    def figures(self, year: int | None = None) -> ImpactFigures:
        """The figures for the whole ledger, or for one year of it (as `load` with that year)."""
        if year is None:
            return self._tally(self.visits, self.milestones)
        return self._tally(
            [v for v in self.visits if v.year == year], [m for m in self.milestones if m.year == year]
        )

    def by(self, dimension: str) -> list[Breakdown]:
        """The figures for each value of `dimension` that has a visit or a milestone, in order
        (years newest first; names alphabetically in English: pages sort them again)."""
        visits: dict[Hashable, list[VisitRow]] = defaultdict(list)
        milestones: dict[Hashable, list[MilestoneRow]] = defaultdict(list)
        names: dict[Hashable, tuple[str, str]] = {}
        for row in self.visits:
            key, name, slug = _key(row, dimension)
            visits[key].append(row)
            names[key] = (name, slug)
        for row in self.milestones:
            key, name, slug = _key(row, dimension)
            milestones[key].append(row)
            names.setdefault(key, (name, slug))
        keys = sorted(names, key=lambda k: (-k if dimension == "year" else 0, names[k][0]))
        return [Breakdown(k, names[k][0], self._tally(visits[k], milestones[k]), names[k][1]) for k in keys]

    def _tally(self, visits: list[VisitRow], milestones: list[MilestoneRow]) -> ImpactFigures:
        ids = {v.id for v in visits}
        length = {v.id: v.days for v in visits}
        completions = [(v, u) for v, u in self.completions if v in ids]
        entries = [e for e in self.entries if e.visit_id in ids]
        categories: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        by_role: dict[str, int] = {role.value: 0 for role in LearnerRole}
        sums = {kind: [0, Decimal(0)] for kind in SessionKind}
        for entry in entries:
            if entry.kind == SessionKind.PROCEDURE and entry.role:
                categories[entry.group][entry.role] += entry.cases
                by_role[entry.role] += entry.cases
            sums[SessionKind(entry.kind)][0] += entry.count
            sums[SessionKind(entry.kind)][1] += entry.hours
        trained = {learner for v, learner in self.entry_learners if v in ids}
        trained |= {m.learner_id for m in milestones}
        kinds = [m.kind for m in milestones]
        return ImpactFigures(
            visits=len(visits),
            visitors=len({u for _, u in completions}),
            visit_days=sum(length.values()),
            person_days=sum(length[v] for v, _ in completions),
            procedures=sum(by_role.values()),
            by_role=by_role,
            categories=tuple(
                sorted(
                    (
                        CategoryCount(g, dict(roles), self.group_positions.get(g, 1 << 30))
                        for g, roles in categories.items()
                    ),
                    key=lambda c: (c.position, c.group),
                )
            ),
            lectures=sums[SessionKind.LECTURE][0],
            lecture_hours=sums[SessionKind.LECTURE][1],
            simulations=sums[SessionKind.SIMULATION][0],
            simulation_hours=sums[SessionKind.SIMULATION][1],
            learners_present=sum(e.present for e in entries),
            learners_trained=len(trained),
            independent_milestones=kinds.count(MilestoneKind.FIRST_INDEPENDENT),
            supervised_milestones=kinds.count(MilestoneKind.FIRST_SUPERVISED),
        )


def _place(stmt: Select, organisation_id, country_code, region_column, filt: ImpactFilter) -> Select:
    if filt.organisation_id is not None:
        stmt = stmt.where(organisation_id == filt.organisation_id)
    if filt.country:
        stmt = stmt.where(country_code == filt.country)
    if filt.region:
        stmt = stmt.where(region_column.region == filt.region)
    if filt.subregion:
        stmt = stmt.where(region_column.subregion == filt.subregion)
    if filt.verified_only:
        stmt = stmt.where(Organisation.verified_at.is_not(None))
    return stmt


def _in_year(column, year: int | None):
    if year is None:
        return true()
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


def _counted_visits(filt: ImpactFilter) -> Select:
    """The visits that count: with a confirmed completion or a confirmed entry, in the filter."""
    confirmed_entry = exists().where(LogEntry.visit_id == Opportunity.id, LogEntry.confirmed_at.is_not(None))
    completed = exists().where(VisitCompletion.visit_id == Opportunity.id)
    stmt = (
        select(
            Opportunity.id,
            Opportunity.organisation_id,
            Organisation.name,
            Organisation.slug,
            Opportunity.country_code,
            Country.region,
            Country.subregion,
            Opportunity.site_id,
            func.coalesce(Site.name, ""),
            Opportunity.starts_on,
            Opportunity.ends_on,
        )
        .join(Organisation, Organisation.id == Opportunity.organisation_id)
        .join(Country, Country.iso2 == Opportunity.country_code)
        .outerjoin(Site, Site.id == Opportunity.site_id)
        .where(or_(confirmed_entry, completed), _in_year(Opportunity.starts_on, filt.year))
    )
    return _place(stmt, Opportunity.organisation_id, Opportunity.country_code, Country, filt)


def load(session: Session, filt: ImpactFilter) -> Ledger:
    """Five statements: the visits, their completions, their confirmed entries (grouped), the
    learners those entries name, the milestones in the filter (and the taxonomy, kept per process)."""
    counted = _counted_visits(filt)
    visits = [VisitRow(*row) for row in session.execute(counted.order_by(Opportunity.starts_on))]
    ids = counted.with_only_columns(Opportunity.id).scalar_subquery()
    completions = [
        (v, u)
        for v, u in session.execute(
            select(VisitCompletion.visit_id, VisitCompletion.user_id).where(VisitCompletion.visit_id.in_(ids))
        )
    ]
    confirmed = and_(LogEntry.confirmed_at.is_not(None), LogEntry.visit_id.in_(ids))
    group = func.coalesce(Procedure.group, "")
    entries = [
        EntryGroup(v, kind, grp or "", role, count, int(cases or 0), Decimal(hours or 0), int(present or 0))
        for v, kind, grp, role, count, cases, hours, present in session.execute(
            select(
                LogEntry.visit_id,
                LogEntry.kind,
                group,
                LogEntry.learner_role,
                func.count(),
                func.sum(LogEntry.cases),
                func.sum(LogEntry.hours),
                func.sum(LogEntry.learners_present),
            )
            .outerjoin(Procedure, Procedure.id == LogEntry.procedure_id)
            .where(confirmed)
            .group_by(LogEntry.visit_id, LogEntry.kind, group, LogEntry.learner_role)
        )
    ]
    entry_learners = [
        (v, learner)
        for v, learner in session.execute(
            select(LogEntry.visit_id, LogEntry.local_learner_id)
            .where(confirmed, LogEntry.kind == SessionKind.PROCEDURE, LogEntry.local_learner_id.is_not(None))
            .distinct()
        )
    ]
    milestones_stmt = (
        select(
            Milestone.learner_id,
            Milestone.kind,
            Milestone.achieved_on,
            Site.organisation_id,
            Organisation.name,
            Organisation.slug,
            Site.country_code,
            Country.region,
            Country.subregion,
            Site.id,
            Site.name,
        )
        .join(LocalLearner, LocalLearner.id == Milestone.learner_id)
        .join(Site, Site.id == LocalLearner.site_id)
        .join(Organisation, Organisation.id == Site.organisation_id)
        .join(Country, Country.iso2 == Site.country_code)
        .where(_in_year(Milestone.achieved_on, filt.year))
    )
    milestones_stmt = _place(milestones_stmt, Site.organisation_id, Site.country_code, Country, filt)
    milestones = [MilestoneRow(*row) for row in session.execute(milestones_stmt)]
    positions: dict[str, int] = {}
    for procedure in reference.procedures(session):
        positions.setdefault(procedure.group, procedure.position)
    return Ledger(visits, completions, entries, entry_learners, milestones, positions)


def impact_figures(session: Session, filt: ImpactFilter) -> ImpactFigures:
    """The figures for `filt` (see the module's docstring for each one's definition)."""
    return load(session, filt).figures()


def first_year(session: Session, filt: ImpactFilter) -> int | None:
    """The earliest year a counted visit in `filt` starts in (its year ignored)."""
    anywhere = replace(filt, year=None)
    visits = _counted_visits(anywhere).with_only_columns(func.min(Opportunity.starts_on))
    found = session.scalar(visits)
    return found.year if found else None
