"""A visit's logbook: the sessions its visitors record, and the host's confirmation.

Visitors add entries once the visit has started (a day within the visit's dates and not in the
future); each changes or deletes their own while the host has not confirmed it. The visit's hosts
(its organisation's confirmed members, and staff) confirm waiting entries, which locks them and
records the local learners' milestones they show (services.impact.milestones). Counts and
categories only: a topic that looks like it names a patient or carries a patient identifier is
refused (services.impact.identifiers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matcher.formatting import day
from matcher.models import Opportunity, Procedure, User
from matcher.models.impact import MAX_CASES, MAX_PRESENT, LearnerRole, LocalLearner, LogEntry, SessionKind
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.impact import milestones, visits
from matcher.services.impact.identifiers import looks_identifying
from matcher.translate import gettext as _

MIN_HOURS, MAX_HOURS = Decimal("0.5"), Decimal("24")
MAX_TOPIC = 200


@dataclass(frozen=True)
class EntryData:
    """What a visitor gives for one session (the form's values, unchecked)."""

    held_on: date | None
    kind: str | None
    procedure_id: int | None = None
    learner_role: str | None = None
    cases: int | None = None
    learners_present: int | None = None
    hours: Decimal | None = None
    topic: str = ""
    local_learner_id: int | None = None


@dataclass
class Totals:
    """One kind of session's totals: entries, cases (procedures), hours (sessions), learners present."""

    entries: int = 0
    cases: int = 0
    hours: Decimal = Decimal(0)
    learners_present: int = 0


def entries(session: Session, visit_id: int) -> list[LogEntry]:
    """The visit's entries by day, with their procedure, local learner, author and confirmer (one
    statement)."""
    return list(
        session.scalars(
            select(LogEntry)
            .where(LogEntry.visit_id == visit_id)
            .options(
                joinedload(LogEntry.procedure),
                joinedload(LogEntry.local_learner),
                joinedload(LogEntry.author),
                joinedload(LogEntry.confirmed_by),
            )
            .order_by(LogEntry.held_on, LogEntry.id)
        )
    )


def totals(rows: list[LogEntry]) -> dict[SessionKind, Totals]:
    """Per kind of session (every kind, in order): how many entries, cases, hours and learners present."""
    found = {kind: Totals() for kind in SessionKind}
    for entry in rows:
        total = found[entry.kind_enum]
        total.entries += 1
        total.cases += entry.cases if entry.kind == SessionKind.PROCEDURE else 0
        total.hours += entry.hours or 0
        total.learners_present += entry.learners_present
    return found


def offered_procedures(session: Session, keep: int | None = None) -> list[Procedure]:
    """The taxonomy's entries a visitor may choose, in its order: retired ones are not offered,
    except `keep` (the one an entry being changed already names)."""
    offered = Procedure.retired_at.is_(None)
    if keep is not None:
        offered = offered | (Procedure.id == keep)
    return list(session.scalars(select(Procedure).where(offered).order_by(Procedure.position, Procedure.id)))


def offered_learners(session: Session, visit: Opportunity, keep: int | None = None) -> list[LocalLearner]:
    """The registered local learners of the visit's site who are active (and `keep`), by name."""
    if visit.site_id is None:
        return []
    offered = LocalLearner.active.is_(True)
    if keep is not None:
        offered = offered | (LocalLearner.id == keep)
    return list(
        session.scalars(
            select(LocalLearner)
            .where(LocalLearner.site_id == visit.site_id, offered)
            .order_by(LocalLearner.name, LocalLearner.id)
        )
    )


def refusals(
    session: Session, visit: Opportunity, data: EntryData, today: date, current: LogEntry | None = None
) -> list[DomainError]:
    """Every reason to refuse `data` for `visit`, each at its field (empty when it may be saved).
    `current`: the entry being changed (its retired procedure or inactive learner may stay)."""
    found: list[DomainError] = []
    if not visits.has_started(visit, today):
        found.append(
            DomainError(
                _("You can record sessions once the visit has started on %(day)s.", day=day(visit.starts_on))
            )
        )
    if data.held_on is None:
        found.append(DomainError(_("Give the day of the session."), "held_on"))
    elif not visit.starts_on <= data.held_on <= visit.ends_on:
        found.append(
            DomainError(
                _(
                    "Give a day within the visit, from %(start)s to %(end)s.",
                    start=day(visit.starts_on),
                    end=day(visit.ends_on),
                ),
                "held_on",
            )
        )
    elif data.held_on > today:
        found.append(DomainError(_("Give a day that has come: you record sessions once held."), "held_on"))
    try:
        kind = SessionKind(data.kind or "")
    except ValueError:
        found.append(DomainError(_("Choose what kind of session it was."), "kind"))
        return found
    found.extend(_procedure_refusals(session, visit, data, kind, current))
    if data.learners_present is None:
        found.append(
            DomainError(_("Say how many local learners were there (0 if none)."), "learners_present")
        )
    elif not 0 <= data.learners_present <= MAX_PRESENT:
        found.append(DomainError(_("Enter a number from 0 to %(max)s.", max=MAX_PRESENT), "learners_present"))
    if kind != SessionKind.PROCEDURE:
        found.extend(_session_refusals(data))
    return found


def _procedure_refusals(
    session: Session, visit: Opportunity, data: EntryData, kind: SessionKind, current: LogEntry | None
) -> list[DomainError]:
    found: list[DomainError] = []
    keep = current.procedure_id if current else None
    if data.procedure_id is not None:
        procedure = session.get(Procedure, data.procedure_id)
        if procedure is None or (procedure.retired_at is not None and procedure.id != keep):
            found.append(DomainError(_("Choose a procedure from the list."), "procedure_id"))
    if kind != SessionKind.PROCEDURE:
        return found
    if data.procedure_id is None:
        found.append(DomainError(_("Choose the procedure."), "procedure_id"))
    if data.learner_role not in set(LearnerRole):
        found.append(DomainError(_("Choose what the local learner did."), "learner_role"))
    if data.cases is None:
        found.append(DomainError(_("Say how many cases."), "cases"))
    elif not 1 <= data.cases <= MAX_CASES:
        found.append(DomainError(_("Enter a number from 1 to %(max)s.", max=MAX_CASES), "cases"))
    if data.local_learner_id is not None:
        learner = session.get(LocalLearner, data.local_learner_id)
        kept = current is not None and current.local_learner_id == data.local_learner_id
        if (
            learner is None
            or visit.site_id is None
            or learner.site_id != visit.site_id
            or not (learner.active or kept)
        ):
            found.append(DomainError(_("Choose a local learner from the list."), "local_learner_id"))
    return found


def _session_refusals(data: EntryData) -> list[DomainError]:
    """A lecture's or a simulation session's own fields: hours, and a topic or subject."""
    found: list[DomainError] = []
    if data.hours is None:
        found.append(DomainError(_("Say how many hours it lasted."), "hours"))
    elif not data.hours.is_finite() or not MIN_HOURS <= data.hours <= MAX_HOURS:  # "nan" parses
        found.append(DomainError(_("Enter a number of hours from 0.5 to 24."), "hours"))
    topic = (data.topic or "").strip()
    if len(topic) > MAX_TOPIC:
        found.append(DomainError(_("Keep the topic to %(max)s characters.", max=MAX_TOPIC), "topic"))
    elif looks_identifying(topic):  # a patient's name or number: see services.impact.identifiers
        found.append(
            DomainError(
                _(
                    "This looks like it names a patient or carries a patient identifier (a hospital or"
                    " file number, a date of birth): write the topic only, like “Biliary drainage:"
                    " indications”."
                ),
                "topic",
            )
        )
    elif not topic and data.procedure_id is None:
        found.append(DomainError(_("Give the topic, or choose a subject from the list."), "topic"))
    return found


def _apply(entry: LogEntry, data: EntryData) -> None:
    procedure = data.kind == SessionKind.PROCEDURE
    entry.held_on = data.held_on
    entry.kind = data.kind
    entry.procedure_id = data.procedure_id
    entry.learner_role = data.learner_role if procedure else None
    entry.local_learner_id = data.local_learner_id if procedure else None
    entry.cases = data.cases if procedure else 1
    entry.learners_present = data.learners_present
    entry.hours = None if procedure else data.hours
    entry.topic = "" if procedure else (data.topic or "").strip()


def _raise_first(found: list[DomainError]) -> None:
    if found:
        raise found[0]


def add(session: Session, actor: User, visit_id: int, data: EntryData, today: date | None = None) -> LogEntry:
    """A visitor records a session of the visit. Hosts confirm entries; they do not add them."""
    today = today or date.today()
    visit, standing = visits.visit_for(session, actor, visit_id)
    if not standing.visitor:
        raise PermissionDenied(_("The visit's visitors record its sessions; its hosts confirm them."))
    _raise_first(refusals(session, visit, data, today))
    entry = LogEntry(visit_id=visit.id, author_id=actor.id)
    _apply(entry, data)
    session.add(entry)
    session.flush()
    return entry


def own_entry(session: Session, actor: User, visit_id: int, entry_id: int) -> tuple[Opportunity, LogEntry]:
    """The visit and an entry `actor` recorded and may still change (locked for the change);
    NotFound for anyone else's, Conflict once the host confirmed it."""
    visit, _standing = visits.visit_for(session, actor, visit_id)
    entry = session.scalar(
        select(LogEntry)
        .where(LogEntry.id == entry_id, LogEntry.visit_id == visit.id, LogEntry.author_id == actor.id)
        .with_for_update()
    )
    if entry is None:
        raise NotFound(_("There is no such entry in your logbook."))
    if entry.confirmed:
        raise Conflict(_("The host has confirmed this entry: it can no longer be changed or deleted."))
    return visit, entry


def change(
    session: Session, actor: User, visit_id: int, entry_id: int, data: EntryData, today: date | None = None
) -> LogEntry:
    """The author changes their waiting entry (NotFound for anyone else's, Conflict once confirmed)."""
    today = today or date.today()
    visit, entry = own_entry(session, actor, visit_id, entry_id)
    _raise_first(refusals(session, visit, data, today, current=entry))
    _apply(entry, data)
    session.flush()
    return entry


def remove(session: Session, actor: User, visit_id: int, entry_id: int) -> None:
    """The author deletes their waiting entry (NotFound for anyone else's, Conflict once confirmed)."""
    _visit, entry = own_entry(session, actor, visit_id, entry_id)
    session.delete(entry)
    session.flush()


def confirm(session: Session, actor: User, visit_id: int, entry_ids: list[int] | None, now: datetime) -> int:
    """A host confirms the visit's waiting entries among `entry_ids` (None: every waiting one), in
    one transaction, and records the milestones they show. Entries of another visit and entries
    already confirmed are left alone. Returns how many were confirmed."""
    visit, standing = visits.visit_for(session, actor, visit_id)
    if not standing.host:
        raise PermissionDenied(_("Only the visit's hosts confirm its logbook."))
    query = select(LogEntry).where(LogEntry.visit_id == visit.id, LogEntry.confirmed_at.is_(None))
    if entry_ids is not None:
        if not entry_ids:
            return 0
        query = query.where(LogEntry.id.in_(set(entry_ids)))
    waiting = list(session.scalars(query.order_by(LogEntry.held_on, LogEntry.id).with_for_update()))
    for entry in waiting:
        entry.confirmed_at, entry.confirmed_by_id = now, actor.id
    session.flush()
    for entry in waiting:
        milestones.record_from_entry(session, entry)
    return len(waiting)
