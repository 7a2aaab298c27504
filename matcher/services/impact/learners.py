"""A host's local IR learners at a site, and their progress across visits.

Only the site's organisation's members and the coordinators see or change them (`site_for`):
anyone else is told the site has no such page. A learner is a name or initials and a level,
nothing more. Milestones (first supervised and first independent case per procedure) come from
confirmed log entries (services.impact.milestones) or, for cases before the platform, from the
host (`add_milestone`, from EARLIEST_MILESTONE on): the earliest date is the one kept. The host
may remove one they entered (`remove_milestone`); one from the confirmed logbook stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from matcher import audit
from matcher.formatting import day
from matcher.models import Opportunity, User
from matcher.models.impact import (
    MILESTONE_FOR_ROLE,
    LocalLearner,
    LogEntry,
    Milestone,
    MilestoneKind,
    SessionKind,
)
from matcher.models.teaching import Procedure, ProcedureKind, Site
from matcher.services.errors import Conflict, DomainError, NotFound
from matcher.services.impact import milestones as from_logbook
from matcher.services.permissions import can_act_for
from matcher.services.sites import LEARNER_LEVELS
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _

MAX_NAME = 80
# The earliest first case a host may enter: the reports count years from 2000 on.
EARLIEST_MILESTONE = date(2000, 1, 1)
# One person's level: any of the sites' levels but "a mixed group".
PERSON_LEVELS = {code: words for code, words in LEARNER_LEVELS.items() if code != "mixed"}


@dataclass
class LearnerData:
    """What the host fills in about a learner; checked here, whatever sent it."""

    name: str
    level: str = ""
    active: bool = True


@dataclass
class LearnerRow:
    """A learner on the site's list, with the milestones reached so far."""

    learner: LocalLearner
    supervised: int = 0
    independent: int = 0


@dataclass
class ProcedureProgress:
    """One procedure's first supervised and first independent case (None: not reached yet)."""

    procedure: Procedure
    milestones: dict[MilestoneKind, Milestone] = field(default_factory=dict)

    @property
    def supervised(self) -> Milestone | None:
        return self.milestones.get(MilestoneKind.FIRST_SUPERVISED)

    @property
    def independent(self) -> Milestone | None:
        return self.milestones.get(MilestoneKind.FIRST_INDEPENDENT)


@dataclass
class Progress:
    learner: LocalLearner
    procedures: list[ProcedureProgress]  # in the taxonomy's order
    entries: list[LogEntry]  # confirmed entries naming the learner, newest first


# -- who may see them ------------------------------------------------------------------------------


def site_for(session: Session, user: User, site_id: int) -> Site:
    """The site, for its organisation's members and the coordinators; NotFound for anyone else."""
    site = session.get(Site, site_id)
    if site is None or not user.is_authenticated or not can_act_for(session, user, site.organisation):
        raise NotFound(_("There is no such page."))
    return site


def learner_at(session: Session, user: User, site_id: int, learner_id: int) -> tuple[Site, LocalLearner]:
    site = site_for(session, user, site_id)
    learner = session.get(LocalLearner, learner_id)
    if learner is None or learner.site_id != site.id:
        raise NotFound(_("There is no such learner at this site."))
    return site, learner


# -- reading ---------------------------------------------------------------------------------------


def learners_of(session: Session, site: Site) -> list[LearnerRow]:
    """The site's learners, active ones first, by name; with their milestone counts (two statements)."""
    learners = session.scalars(
        select(LocalLearner)
        .where(LocalLearner.site_id == site.id)
        .order_by(LocalLearner.active.desc(), LocalLearner.name, LocalLearner.id)
    ).all()
    rows = {learner.id: LearnerRow(learner) for learner in learners}
    if rows:
        counts = session.execute(
            select(Milestone.learner_id, Milestone.kind, func.count())
            .where(Milestone.learner_id.in_(rows))
            .group_by(Milestone.learner_id, Milestone.kind)
        )
        for learner_id, kind, count in counts:
            if kind == MilestoneKind.FIRST_SUPERVISED:
                rows[learner_id].supervised = count
            elif kind == MilestoneKind.FIRST_INDEPENDENT:
                rows[learner_id].independent = count
    return list(rows.values())


def progress(session: Session, learner: LocalLearner) -> Progress:
    """Per procedure, the learner's milestones (with the visit each came from), and the confirmed
    log entries that name them across every visit at the site."""
    milestones = session.scalars(
        select(Milestone)
        .where(Milestone.learner_id == learner.id)
        .options(joinedload(Milestone.procedure), joinedload(Milestone.visit))
    ).all()
    by_procedure: dict[int, ProcedureProgress] = {}
    for milestone in milestones:
        row = by_procedure.setdefault(milestone.procedure_id, ProcedureProgress(milestone.procedure))
        row.milestones[milestone.kind_enum] = milestone
    ordered = sorted(by_procedure.values(), key=lambda r: (r.procedure.position, r.procedure.id))
    entries = session.scalars(
        select(LogEntry)
        .join(Opportunity, Opportunity.id == LogEntry.visit_id)
        .where(
            LogEntry.local_learner_id == learner.id,
            LogEntry.confirmed_at.is_not(None),
            Opportunity.site_id == learner.site_id,
        )
        .options(joinedload(LogEntry.visit), joinedload(LogEntry.procedure))
        .order_by(LogEntry.held_on.desc(), LogEntry.id.desc())
    ).all()
    return Progress(learner=learner, procedures=ordered, entries=list(entries))


def milestone_procedures(session: Session) -> list[Procedure]:
    """The procedures a milestone can be entered for: those offered that are procedures."""
    return list(
        session.scalars(
            select(Procedure)
            .where(Procedure.retired_at.is_(None), Procedure.kind == ProcedureKind.PROCEDURE)
            .order_by(Procedure.position, Procedure.id)
        )
    )


# -- changes ---------------------------------------------------------------------------------------


def _checked(data: LearnerData) -> LearnerData:
    refuse_line_breaks(name=data.name)
    name = " ".join((data.name or "").split())
    if not name:
        raise DomainError(_("Give a name or initials."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_("Use %(max)d characters or fewer.", max=MAX_NAME), field="name")
    if data.level and data.level not in PERSON_LEVELS:
        raise DomainError(_("Choose one of the options in the list."), field="level")
    return LearnerData(name=name, level=data.level or "", active=bool(data.active))


def _refuse_duplicate(session: Session, site: Site, name: str, learner_id: int | None = None) -> None:
    query = select(LocalLearner.id).where(
        LocalLearner.site_id == site.id, func.lower(LocalLearner.name) == name.lower()
    )
    if learner_id is not None:
        query = query.where(LocalLearner.id != learner_id)
    if session.scalar(query) is not None:
        raise DomainError(_("A learner with this name is already on the site's list."), field="name")


def _flush_unique(session: Session) -> None:
    """Flush in a savepoint: the database's uniqueness (site, name) refuses a concurrent twin."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise DomainError(
            _("A learner with this name is already on the site's list."), field="name"
        ) from error


def register(session: Session, actor: User, site: Site, data: LearnerData) -> LocalLearner:
    if not can_act_for(session, actor, site.organisation):
        raise NotFound(_("There is no such page."))
    data = _checked(data)
    _refuse_duplicate(session, site, data.name)
    learner = LocalLearner(site_id=site.id, name=data.name, level=data.level, created_by_id=actor.id)
    session.add(learner)
    _flush_unique(session)
    audit.on_commit(session, "local_learner_added", actor, site_id=site.id, learner_id=learner.id)
    return learner


def update(session: Session, actor: User, learner: LocalLearner, data: LearnerData) -> LocalLearner:
    site = learner.site
    if not can_act_for(session, actor, site.organisation):
        raise NotFound(_("There is no such page."))
    data = _checked(data)
    _refuse_duplicate(session, site, data.name, learner.id)
    learner.name, learner.level, learner.active = data.name, data.level, data.active
    _flush_unique(session)
    audit.on_commit(session, "local_learner_changed", actor, site_id=site.id, learner_id=learner.id)
    return learner


def _already(learner: LocalLearner, on: date) -> DomainError:
    return DomainError(
        _(
            "%(name)s already has this milestone for this procedure on %(day)s: the first case is"
            " the earliest one.",
            name=learner.name,
            day=day(on),
        ),
        field="achieved_on",
    )


def add_milestone(
    session: Session,
    actor: User,
    learner: LocalLearner,
    procedure_id: int | None,
    kind: str,
    achieved_on: date | None,
    today: date,
) -> Milestone:
    """A milestone reached before the platform, entered by the host.

    Refused when the learner already has one of that kind for that procedure on that day or
    earlier (the first case is the earliest one). A later one (from a visit, say) is replaced:
    the host's earlier date is the first case."""
    if not can_act_for(session, actor, learner.site.organisation):
        raise NotFound(_("There is no such page."))
    procedure = session.get(Procedure, procedure_id) if procedure_id else None
    if procedure is None or procedure.retired_at is not None or procedure.kind != ProcedureKind.PROCEDURE:
        raise DomainError(_("Choose a procedure from the list."), field="procedure")
    if kind not in set(MilestoneKind):
        raise DomainError(_("Choose the milestone."), field="kind")
    if achieved_on is None:
        raise DomainError(_("Give the date of the case."), field="achieved_on")
    if achieved_on > today:
        raise DomainError(_("The date cannot be in the future."), field="achieved_on")
    if achieved_on < EARLIEST_MILESTONE:
        raise DomainError(
            _("The date cannot be before %(day)s.", day=day(EARLIEST_MILESTONE)), field="achieved_on"
        )
    existing = session.scalar(
        select(Milestone)
        .where(
            Milestone.learner_id == learner.id,
            Milestone.procedure_id == procedure.id,
            Milestone.kind == kind,
        )
        .with_for_update()
    )
    if existing is not None and existing.achieved_on <= achieved_on:
        raise _already(learner, existing.achieved_on)
    if existing is None:
        existing = Milestone(learner_id=learner.id, procedure_id=procedure.id, kind=kind)
        session.add(existing)
    existing.achieved_on = achieved_on
    existing.visit_id = existing.entry_id = None
    existing.recorded_by_id = actor.id
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:  # a concurrent first case of the same kind was saved first
        raise _already(learner, achieved_on) from error
    audit.on_commit(
        session,
        "milestone_entered",
        actor,
        learner_id=learner.id,
        procedure_id=procedure.id,
        kind=kind,
        achieved_on=achieved_on.isoformat(),
    )
    return existing


def hand_entered(session: Session, learner: LocalLearner, milestone_id: int) -> Milestone:
    """The learner's milestone `milestone_id`, locked for removal: NotFound when they have no such
    milestone, Conflict when it came from the confirmed logbook (only the host's own ones go)."""
    milestone = session.scalar(
        select(Milestone)
        .where(Milestone.id == milestone_id, Milestone.learner_id == learner.id)
        .with_for_update()
    )
    if milestone is None:
        raise NotFound(_("There is no such first case."))
    if milestone.visit_id is not None or milestone.entry_id is not None:
        raise Conflict(
            _(
                "This first case comes from the confirmed logbook of a visit: it cannot be removed,"
                " only first cases entered by hand can."
            )
        )
    return milestone


def remove_milestone(
    session: Session, actor: User, learner: LocalLearner, milestone_id: int
) -> Milestone | None:
    """The host removes a milestone they entered by hand (a wrong date, say). When a confirmed log
    entry shows the same first case, the earliest one becomes the milestone again; it is returned
    (None when there is none)."""
    if not can_act_for(session, actor, learner.site.organisation):
        raise NotFound(_("There is no such page."))
    milestone = hand_entered(session, learner, milestone_id)
    procedure_id, kind, achieved_on = milestone.procedure_id, milestone.kind, milestone.achieved_on
    session.delete(milestone)
    session.flush()
    roles = [role for role, gives in MILESTONE_FOR_ROLE.items() if gives == kind]
    entry = session.scalar(
        select(LogEntry)
        .where(
            LogEntry.local_learner_id == learner.id,
            LogEntry.kind == SessionKind.PROCEDURE,
            LogEntry.procedure_id == procedure_id,
            LogEntry.learner_role.in_(roles),
            LogEntry.confirmed_at.is_not(None),
        )
        .order_by(LogEntry.held_on, LogEntry.id)
        .limit(1)
    )
    restored = from_logbook.record_from_entry(session, entry) if entry is not None else []
    audit.on_commit(
        session,
        "milestone_removed",
        actor,
        learner_id=learner.id,
        procedure_id=procedure_id,
        kind=kind,
        achieved_on=achieved_on.isoformat(),
    )
    return restored[0] if restored else None
