"""Match rounds: create, run the engine, and keep the run's inputs so it can be reproduced."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from matcher.engine.candidates import OpportunityIndex, recommend
from matcher.jobs import lifecycle
from matcher.mail.people import tell_coordinators
from matcher.models import (
    BackgroundJob,
    Country,
    Opportunity,
    OpportunityStatus,
    OpportunityType,
    Organisation,
    User,
)
from matcher.models.matching import (
    BUSY,
    Match,
    MatchEvent,
    MatchRound,
    MatchRun,
    RoundMode,
    RoundStatus,
    Suggestion,
)
from matcher.models.profile import Profile
from matcher.reason_words import N_
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.matching import inputs, settings
from matcher.services.matching.allocation import allocate_ranked
from matcher.services.permissions import is_staff
from matcher.services.profiles import is_complete
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

ALGORITHM_VERSION = "deferred-acceptance-hr/2"  # 2: lottery over applicant ids in numeric order
DEFAULT_TOP_N = 5
RUN_JOB_KIND = "run_round"
# What a ranked run tells the progress page after each phase of `allocate_ranked`: stored in English
# by the worker, extracted for the catalogues (N_) so that the page can show them translated.
PHASE_NOTES = {
    "load": N_("Read the applications and profiles."),
    "score": N_("Scored every application."),
    "allocate": N_("Found the stable matching."),
    "explain": N_("Explained each proposed match."),
    "store": N_("Saved the proposed matches."),
    "summarise": N_("Summed up who is unmatched and why."),
}
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Scope:
    regions: tuple[str, ...] = ()
    subregions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    starts_after: date | None = None
    ends_before: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "regions": list(self.regions),
            "subregions": list(self.subregions),
            "types": list(self.types),
            "starts_after": self.starts_after.isoformat() if self.starts_after else None,
            "ends_before": self.ends_before.isoformat() if self.ends_before else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scope:
        def day(key: str) -> date | None:
            return date.fromisoformat(data[key]) if data.get(key) else None

        return cls(
            tuple(data.get("regions") or ()),
            tuple(data.get("subregions") or ()),
            tuple(data.get("types") or ()),
            day("starts_after"),
            day("ends_before"),
        )


def require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators run and decide match rounds."))


def date_problems(
    starts_after: date | None, ends_before: date | None, response_deadline: date | None, today: date
) -> list[tuple[str, str]]:
    """The rules on a round's dates, as (field, message), all at once; None skips a rule, so the
    form runs them beside its own field checks."""
    problems = []
    if starts_after and ends_before and ends_before < starts_after:
        problems.append(("ends_before", _("The window ends before it starts: choose a later day.")))
    if response_deadline is not None and response_deadline < today:
        problems.append(
            ("response_deadline", _("The reply-by date has passed: choose today or a later day."))
        )
    return problems


def create_round(
    session: Session, actor: User, *, name: str, mode: str, scope: Scope, response_deadline: date | None
) -> MatchRound:
    require_coordinator(actor)
    if not name.strip():
        raise DomainError(_("Name the round."), field="name")
    refuse_line_breaks(name=name)
    if mode not in {m.value for m in RoundMode}:
        raise DomainError(_("Choose ranked allocation or recommendation."), field="mode")
    problems = date_problems(scope.starts_after, scope.ends_before, response_deadline, date.today())
    if problems:
        name, message = problems[0]
        raise DomainError(message, field=name)
    unknown_types = set(scope.types) - {t.value for t in OpportunityType}
    if unknown_types:
        raise DomainError(_("Choose types from the list."), field="types")
    known_regions = set(session.scalars(select(Country.region).distinct()))
    known_subregions = set(session.scalars(select(Country.subregion).distinct()))
    if not set(scope.regions) <= known_regions or not set(scope.subregions) <= known_subregions:
        raise DomainError(_("Choose regions from the list."), field="regions")
    match_round = MatchRound(
        name=name.strip(),
        mode=mode,
        scope=scope.as_json(),
        response_deadline=response_deadline,
        created_by_id=actor.id,
    )
    session.add(match_round)
    session.flush()
    return match_round


def opportunities_in_scope(session: Session, scope: Scope) -> list[Opportunity]:
    """Published (or closed to new applications) opportunities of verified organisations, with places."""
    stmt = (
        scope_query(scope)
        .options(
            selectinload(Opportunity.country),
            selectinload(Opportunity.interests),
            selectinload(Opportunity.languages),
        )
        .order_by(Opportunity.id)
    )
    return list(session.scalars(stmt))


def scope_query(scope: Scope, *columns: Any, with_places: bool = True) -> Select[Any]:
    """The opportunities of a round's scope (or the given columns of them), as a statement.

    ``with_places=False`` also counts those whose places are all taken.
    """
    stmt = (
        select(*(columns or (Opportunity,)))
        .join(Organisation, Opportunity.organisation_id == Organisation.id)
        .join(Country, Opportunity.country_code == Country.iso2)
        .where(
            Organisation.verified_at.is_not(None),
            Opportunity.status.in_([OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED]),
        )
    )
    if with_places:
        stmt = stmt.where(Opportunity.places_filled < Opportunity.capacity)
    if scope.regions or scope.subregions:
        stmt = stmt.where(or_(Country.region.in_(scope.regions), Country.subregion.in_(scope.subregions)))
    if scope.types:
        stmt = stmt.where(Opportunity.type.in_(scope.types))
    if scope.starts_after:
        stmt = stmt.where(Opportunity.ends_on >= scope.starts_after)
    if scope.ends_before:
        stmt = stmt.where(Opportunity.starts_on <= scope.ends_before)
    return stmt


def _profiles(session: Session, user_ids: set[int] | None) -> dict[int, Profile]:
    stmt = select(Profile).options(
        selectinload(Profile.interests),
        selectinload(Profile.teaching_interests),
        selectinload(Profile.places),
        selectinload(Profile.availability),
        selectinload(Profile.languages),
    )
    if user_ids is not None:
        stmt = stmt.where(Profile.user_id.in_(user_ids))
    return {p.user_id: p for p in session.scalars(stmt) if is_complete(p)}


def _busy_applicants(session: Session, match_round: MatchRound) -> set[int]:
    """Applicants already holding a place from another round: they are not matched twice."""
    rows = session.scalars(
        select(Match.applicant_id)
        .join(MatchRun, Match.run_id == MatchRun.id)
        .where(MatchRun.round_id != match_round.id, Match.status.in_(list(BUSY)))
    )
    return {a for a in rows if a is not None}


def _inputs_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _require_open(match_round: MatchRound) -> None:
    if match_round.status != RoundStatus.OPEN:
        raise Conflict(_("This round is already published; create a new round for further matching."))


def run_key(round_id: int) -> str:
    """The dedupe key of a round's run jobs: one at a time per round."""
    return f"round:{round_id}"


def start_run(
    session: Session,
    actor: User,
    match_round: MatchRound,
    *,
    seed: int | None = None,
    top_n: int = DEFAULT_TOP_N,
) -> BackgroundJob:
    """Record a run of the round as a background job (the queue runs `run_round`); while a run of
    this round is queued or running, that one instead."""
    require_coordinator(actor)
    _require_open(match_round)
    return lifecycle.start(
        session,
        actor,
        kind=RUN_JOB_KIND,
        title=f"Run of {match_round.name}",
        parameters={"round_id": match_round.id, "seed": seed, "top_n": top_n},
        dedupe_key=run_key(match_round.id),
    )


def run_round(
    session: Session,
    actor: User,
    match_round: MatchRound,
    *,
    seed: int | None = None,
    top_n: int = DEFAULT_TOP_N,
    progress: Progress | None = None,
) -> MatchRun:
    """Run the engine over the round's scope and store the run with one row per proposal.

    `progress(done, total, note)` hears of each phase (the background job's progress page).
    """
    require_coordinator(actor)
    _require_open(match_round)
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    number = (
        session.scalar(select(func.max(MatchRun.number)).where(MatchRun.round_id == match_round.id)) or 0
    ) + 1
    run = MatchRun(
        round=match_round,
        number=number,
        algorithm_version=ALGORITHM_VERSION,
        seed=seed,
        parameters={"top_n": top_n} if match_round.mode == RoundMode.RECOMMENDATION else {},
        ran_by_id=actor.id,
        inputs_hash="",
    )
    session.add(run)
    session.flush()
    opportunities = opportunities_in_scope(session, Scope.from_json(match_round.scope))
    if match_round.mode == RoundMode.RECOMMENDATION:
        _recommend(session, run, opportunities, top_n)
    else:
        run.phase_timings = allocate_ranked(
            session,
            run,
            opportunities,
            scope_query(Scope.from_json(match_round.scope), Opportunity.id),
            _busy_applicants(session, match_round),
            on_phase=_phase_reporter(progress),
            settings=settings.of_round(match_round),
        )
        if not opportunities:  # say why the run is empty: nothing in scope, or all of it full
            scope = Scope.from_json(match_round.scope)
            full = session.scalar(scope_query(scope, func.count(Opportunity.id), with_places=False))
            run.counts = {**run.counts, "opportunities_full": full or 0}
    session.flush()
    tell_coordinators(
        session,
        template="round_finished",
        subject=_l("%(round)s: run %(number)s finished", round=match_round.name, number=run.number),
        context={
            "round": match_round,
            "run": run,
            "link": url_for("rounds.review", run_id=run.id, _external=True),
        },
    )
    return run


def _phase_reporter(progress: Progress | None) -> Callable[[str], None] | None:
    if progress is None:
        return None
    phases = list(PHASE_NOTES)

    def report(phase: str) -> None:
        progress(phases.index(phase) + 1, len(phases), PHASE_NOTES[phase])

    return report


def _recommend(session: Session, run: MatchRun, opportunities: list[Opportunity], top_n: int) -> None:
    taxonomy = inputs.taxonomy(session)
    index = OpportunityIndex([inputs.opportunity_spec(o) for o in opportunities], taxonomy)
    profiles = _profiles(session, None)
    suggested = 0
    for user_id, profile in sorted(profiles.items()):
        spec = inputs.applicant_spec(profile)
        for position, result in enumerate(recommend(spec, index, top_n, taxonomy=taxonomy), start=1):
            session.add(
                Suggestion(
                    run_id=run.id,
                    applicant_id=user_id,
                    opportunity_id=int(result.opportunity_id),
                    position=position,
                    score=round(result.total, 4),
                    breakdown=inputs.breakdown(result),
                )
            )
            suggested += 1
    run.inputs_hash = _inputs_hash(
        {"profiles": sorted(profiles), "opportunities": [o.id for o in opportunities], "top_n": top_n}
    )
    run.counts = {"applicants": len(profiles), "opportunities": len(opportunities), "suggestions": suggested}


def log_event(session: Session, match: Match, actor: User | None, to_status: str, reason: str | None) -> None:
    session.add(
        MatchEvent(
            match=match,
            actor_id=actor.id if actor else None,
            from_status=match.status,
            to_status=to_status,
            reason=(reason or "").strip() or None,
        )
    )
    match.status = to_status
