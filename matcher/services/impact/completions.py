"""Completions: the host confirms that a visitor completed a visit; the visitor's certificate.

A `VisitCompletion` is made once per (visit, visitor), by `confirm` here or by the placement's
"confirm attendance" (services.matching.placements), which calls `record` in its transaction.
Confirming a visitor whose placement is accepted completes the placement through that same
path. Its random `certificate_code` lets anyone check a printed certificate (`verify`): new codes
are typed from paper, so they use the learner links' alphabet (lower case, no look-alikes) and are
printed in groups (`printed`); a code is found as typed or without its capitals, dashes and spaces.

The certificate's figures are the confirmed log entries the visitor wrote for that visit: an
entry the host has not confirmed does not count.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from matcher import audit
from matcher.formatting import label_for
from matcher.models import Opportunity, User
from matcher.models.impact import LogEntry, SessionKind, VisitCompletion
from matcher.models.matching import Match, MatchStatus
from matcher.services.errors import Conflict, NotFound, PermissionDenied
from matcher.services.impact import visits
from matcher.services.impact.learner_links import TOKEN_ALPHABET
from matcher.translate import gettext as _

# 20 characters of 31 (about 99 bits), printed "abcd-efgh-jkmn-pqrs-tuvw". Older codes stay valid:
# those of migration 0030 (secrets.token_urlsafe: 24 characters, case-sensitive, may hold - and _)
# and the demo's (16 hex digits).
CODE_LENGTH = 20
CODE_GROUP = 4
MAX_CODE = 32  # the column's length: a longer code is no code of ours
MAX_TYPED = 64  # a code as typed, with dashes and spaces


def new_code() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    """A code as typed from paper: without spaces, dashes or capitals."""
    return "".join(code.split()).replace("-", "").lower()


def printed(code: str) -> str:
    """The code in groups of four, when that is how it is found again (codes with capitals or
    dashes of their own, from migration 0030, are printed as they are)."""
    if normalise(code) != code:
        return code
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def find(session: Session, visit_id: int, user_id: int) -> VisitCompletion | None:
    return session.scalar(
        select(VisitCompletion).where(
            VisitCompletion.visit_id == visit_id, VisitCompletion.user_id == user_id
        )
    )


def for_visit(session: Session, visit_id: int) -> dict[int, VisitCompletion]:
    """The visit's completions by visitor's user id (one statement)."""
    rows = session.scalars(select(VisitCompletion).where(VisitCompletion.visit_id == visit_id))
    return {completion.user_id: completion for completion in rows}


def record(session: Session, actor: User | None, visit_id: int, user_id: int) -> VisitCompletion:
    """The completion of (visit, user), made if there is none yet; the caller has checked who may.

    The database keeps one per (visit, user): a concurrent twin's insert is refused and the row
    that won is returned."""
    existing = find(session, visit_id, user_id)
    if existing is not None:
        return existing
    completion = VisitCompletion(
        visit_id=visit_id,
        user_id=user_id,
        confirmed_by_id=actor.id if actor is not None else None,
        certificate_code=new_code(),
    )
    try:
        with session.begin_nested():
            session.add(completion)
            session.flush()
    except IntegrityError:
        existing = find(session, visit_id, user_id)
        if existing is None:
            raise
        return existing
    audit.on_commit(session, "visit_completed", actor, visit_id=visit_id, user_id=user_id)
    return completion


def confirm(
    session: Session, actor: User, visit_id: int, user_id: int, today: date | None = None
) -> VisitCompletion:
    """A host confirms that a visitor completed the visit (once it has started). Idempotent: a
    second confirmation returns the first one and changes nothing. An accepted placement is
    completed as "confirm attendance" completes it."""
    from matcher.services.matching import placements  # placements records completions here

    today = today or date.today()
    visit, standing = visits.visit_for(session, actor, visit_id)
    if not standing.host:
        raise PermissionDenied(_("Only the host's members confirm that a visit was completed."))
    if user_id not in visits.visitor_ids(session, visit.id):
        raise NotFound(_("This person is not a visitor on this visit."))
    if not visits.has_started(visit, today):
        raise Conflict(_("A visit can be confirmed as completed once it has started."))
    existing = find(session, visit.id, user_id)
    if existing is not None:
        return existing
    accepted = session.scalar(
        select(Match.id).where(
            Match.opportunity_id == visit.id,
            Match.applicant_id == user_id,
            Match.status == MatchStatus.ACCEPTED,
        )
    )
    if accepted is not None:
        placements.confirm_attendance(session, actor, accepted, today)
        return find(session, visit.id, user_id) or record(session, actor, visit.id, user_id)
    return record(session, actor, visit.id, user_id)


# -- the certificate -------------------------------------------------------------------------------


@dataclass
class Figures:
    """The confirmed teaching one visitor recorded on one visit."""

    sessions: int = 0  # confirmed entries of any kind
    cases: int = 0  # procedures: the cases, summed
    lectures: int = 0
    simulations: int = 0
    hours: Decimal = Decimal(0)  # lectures and simulation
    categories: list[tuple[str, int]] = field(default_factory=list)  # (category in words, cases)


@dataclass
class Certificate:
    completion: VisitCompletion
    visit: Opportunity
    person: User
    figures: Figures

    @property
    def weeks(self) -> int:
        return weeks(self.visit)


def weeks(visit: Opportunity) -> int:
    days = (visit.ends_on - visit.starts_on).days + 1
    return max(1, round(days / 7))


def figures(session: Session, visit_id: int, user_id: int) -> Figures:
    """Counted from the confirmed entries `user_id` wrote for the visit (one statement)."""
    entries = session.scalars(
        select(LogEntry)
        .where(
            LogEntry.visit_id == visit_id,
            LogEntry.author_id == user_id,
            LogEntry.confirmed_at.is_not(None),
        )
        .options(joinedload(LogEntry.procedure))
    ).all()
    result = Figures(sessions=len(entries))
    by_group: dict[str, list] = {}
    for entry in entries:
        if entry.kind == SessionKind.PROCEDURE:
            result.cases += entry.cases
            procedure = entry.procedure
            group = by_group.setdefault(procedure.group or procedure.label, [procedure, 0])
            group[1] += entry.cases
        else:
            if entry.kind == SessionKind.LECTURE:
                result.lectures += 1
            else:
                result.simulations += 1
            result.hours += entry.hours or Decimal(0)
    result.categories = sorted(
        (
            (label_for(procedure, "group") if procedure.group else label_for(procedure), cases)
            for procedure, cases in by_group.values()
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return result


def certificate_for(session: Session, viewer: User, visit_id: int, user_id: int | None = None) -> Certificate:
    """The certificate of the viewer (or, for the visit's hosts, of visitor `user_id`); NotFound
    for anyone else, and until the host has confirmed the visit."""
    visit, standing = visits.visit_for(session, viewer, visit_id)
    person_id = user_id if user_id is not None else viewer.id
    if person_id != viewer.id and not standing.host:
        raise NotFound(_("There is no such certificate."))
    completion = session.scalar(
        select(VisitCompletion)
        .where(VisitCompletion.visit_id == visit.id, VisitCompletion.user_id == person_id)
        .options(
            joinedload(VisitCompletion.user).joinedload(User.profession),
            joinedload(VisitCompletion.confirmed_by),
        )
    )
    if completion is None:
        raise NotFound(_("The host has not confirmed this visit yet, so there is no certificate."))
    return Certificate(
        completion=completion,
        visit=visit,
        person=completion.user,
        figures=figures(session, visit.id, person_id),
    )


def verify(session: Session, code: str) -> VisitCompletion:
    """The completion with this certificate code, with its visit and person; NotFound otherwise.

    The code is looked up as given and as normalised, in one statement; the exact one wins (a
    code of migration 0030 is case-sensitive and may hold dashes)."""
    typed = (code or "").strip()
    normal = normalise(typed)
    candidates = [c for c in dict.fromkeys([typed, normal]) if c and len(c) <= MAX_CODE]
    if not candidates or len(typed) > MAX_TYPED:
        raise NotFound(_("No certificate has this code."))
    completion = session.scalar(
        select(VisitCompletion)
        .where(VisitCompletion.certificate_code.in_(candidates))
        .options(
            joinedload(VisitCompletion.user),
            joinedload(VisitCompletion.visit).joinedload(Opportunity.organisation),
        )
        .order_by(case((VisitCompletion.certificate_code == typed, 0), else_=1))
        .limit(1)
    )
    if completion is None:
        raise NotFound(_("No certificate has this code."))
    return completion
