"""After a round: outcome letters, the places still open to applicants, pairs never proposed again.

An outcome letter goes to every applicant who applied in a published round's scope and got no
offer. It says, for each of their choices, why it did not work, in the applicant's own terms: a
rule they fail (the engine's eligibility check, the same words as before applying), places that
went to applicants the host ranked higher, a host that did not rank them. Open places they can
still be matched to, and the next round, are found again each time the letter is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher import reason_words
from matcher.engine.candidates import OpportunityIndex, recommend
from matcher.engine.scoring import first_failure
from matcher.models import Application, Opportunity, OpportunityStatus, Organisation, User
from matcher.models.matching import (
    BUSY,
    Match,
    MatchRound,
    MatchRun,
    MatchStatus,
    OutcomeLetter,
    RoundMode,
    RoundStatus,
)
from matcher.services.errors import NotFound
from matcher.services.matching import inputs
from matcher.translate import gettext as _

OPEN_PLACES_SHOWN = 5
REFUSED = inputs.REFUSED
refused_pairs = inputs.refused_pairs


# ---------------------------------------------------------------------------------------------
# Writing the letters of a published run


def letter_recipients(session: Session, run: MatchRun, after: int, limit: int) -> list[int]:
    """Applicants with an application in the run's scope who got no offer from it, by id, after ``after``.

    Those holding a place (or an offer) from any round are not written to: they have their answer.
    """
    return list(
        session.scalars(
            _without_offer(run)
            .where(Application.applicant_id > after)
            .distinct()
            .order_by(Application.applicant_id)
            .limit(limit)
        )
    )


def letter_count(session: Session, run: MatchRun) -> int:
    """How many outcome letters publishing the run would write now (its approved matches hold a
    place already, so their applicants are not counted): for the publication's confirmation page."""
    return session.scalar(select(func.count()).select_from(_without_offer(run).distinct().subquery())) or 0


def _without_offer(run: MatchRun) -> Select:
    offered = select(Match.applicant_id).where(
        or_(Match.status.in_(list(BUSY)), Match.status.in_(list(REFUSED)) & (Match.run_id == run.id)),
        Match.applicant_id.is_not(None),
    )
    return select(Application.applicant_id).where(
        Application.opportunity_id.in_(_run_opportunity_ids(run)),
        Application.applicant_id.not_in(offered),
    )


def _run_opportunity_ids(run: MatchRun) -> list[int]:
    # Every opportunity of the run has an entry in its waitlists, empty or not.
    return [int(key) for key in (run.waitlists or {})]


def write_letters(session: Session, run: MatchRun, applicant_ids: Sequence[int]) -> list[OutcomeLetter]:
    """One letter per applicant (none written twice), each choice with the reason it did not work."""
    if not applicant_ids:
        return []
    already = set(
        session.scalars(
            select(OutcomeLetter.applicant_id).where(
                OutcomeLetter.run_id == run.id, OutcomeLetter.applicant_id.in_(applicant_ids)
            )
        )
    )
    wanted = [a for a in applicant_ids if a not in already]
    in_run = _run_opportunity_ids(run)
    applications = session.execute(
        select(Application.applicant_id, Application.opportunity_id, Application.host_rank)
        .where(Application.applicant_id.in_(wanted), Application.opportunity_id.in_(in_run))
        .order_by(Application.applicant_id, Application.rank)
    ).all()
    opportunity_ids = {o for _, o, _ in applications}
    opportunities = {
        o.id: o
        for o in session.scalars(
            select(Opportunity)
            .where(Opportunity.id.in_(opportunity_ids))
            .options(
                selectinload(Opportunity.country),
                selectinload(Opportunity.interests),
                selectinload(Opportunity.languages),
            )
        )
    }
    # Hosts that ordered their applicants: an applicant they left out was not ranked.
    host_ordered = set(
        session.scalars(
            select(Application.opportunity_id)
            .where(Application.opportunity_id.in_(opportunity_ids), Application.host_rank.is_not(None))
            .distinct()
        )
    )
    specs = inputs.applicant_specs(session, select(User.id).where(User.id.in_(wanted)))
    taxonomy = inputs.taxonomy(session)
    refused = refused_pairs(session, wanted)
    unconfirmed = dict(
        session.execute(
            select(Match.applicant_id, Match.opportunity_id).where(
                Match.run_id == run.id,
                Match.applicant_id.in_(wanted),
                Match.status.in_([MatchStatus.PROPOSED, MatchStatus.APPROVED, MatchStatus.REJECTED]),
            )
        ).all()
    )
    # The applicant's own rules only: the opportunity's places are filled by now, by this round.
    rules_only = {
        o.id: replace(inputs.opportunity_spec(o), is_open=True, places_left=1) for o in opportunities.values()
    }
    choices: dict[int, list[dict[str, Any]]] = {a: [] for a in wanted}
    for applicant_id, opportunity_id, host_rank in applications:
        opportunity = opportunities[opportunity_id]
        kind, reason, *code = _why_not(
            rules_only[opportunity_id],
            specs.get(applicant_id),
            taxonomy,
            refused=(applicant_id, opportunity_id) in refused,
            proposed_here=unconfirmed.get(applicant_id) == opportunity_id,
            not_ranked=opportunity_id in host_ordered and host_rank is None,
        )
        choice = {
            "opportunity_id": opportunity_id,
            "title": opportunity.title,
            "kind": kind,
            "reason": reason,
        }
        choices[applicant_id].append({**choice, **(code[0] if code else {})})
    letters = [OutcomeLetter(run_id=run.id, applicant_id=a, choices=choices[a]) for a in wanted]
    session.add_all(letters)
    session.flush()
    return letters


def _why_not(
    opportunity: Any,
    spec: Any,
    taxonomy: Any,
    *,
    refused: bool,
    proposed_here: bool,
    not_ranked: bool,
) -> tuple[Any, ...]:
    """The kind of reason and its English words, to the applicant ("you"), and for a rule the
    engine's code and parameters (`matcher.reason_words` words them in the reader's language);
    ``opportunity`` is the engine's spec with its places left open, so only the applicant's own
    rules can fail."""
    if refused:
        return "declined_before", "You declined this place, or let its offer pass, in an earlier round."
    if spec is None:
        return (
            "incomplete",
            "Your profile was not complete when the round ran, so the matching could not use it.",
        )
    failure = first_failure(spec, opportunity, taxonomy)
    if failure is not None:
        return "rule", f"It {failure.reason}.", {"code": failure.code, "params": dict(failure.params)}
    if proposed_here:
        return (
            "not_confirmed",
            "The matching proposed you for this place, but the coordinators did not confirm it.",
        )
    if not_ranked:
        return "not_ranked", "The host did not rank you among its applicants."
    return "ranked_higher", "Its places went to applicants the host ranked higher than you."


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class OpenPlace:
    opportunity: Opportunity
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class LetterView:
    letter: OutcomeLetter
    round: MatchRound
    open_places: list[OpenPlace]
    next_round: MatchRound | None


def letters_of(session: Session, applicant: User) -> list[OutcomeLetter]:
    return list(
        session.scalars(
            select(OutcomeLetter)
            .where(OutcomeLetter.applicant_id == applicant.id)
            .options(joinedload(OutcomeLetter.run).joinedload(MatchRun.round))
            .order_by(OutcomeLetter.created_at.desc(), OutcomeLetter.id.desc())
        )
    )


def own_letter(session: Session, applicant: User, letter_id: int) -> OutcomeLetter:
    letter = session.get(OutcomeLetter, letter_id)
    if letter is None or letter.applicant_id != applicant.id:
        raise NotFound(_("You have no such outcome letter."))
    return letter


def read_letter(session: Session, applicant: User, letter_id: int, today: date) -> LetterView:
    letter = own_letter(session, applicant, letter_id)
    tried = {c["opportunity_id"] for c in letter.choices}
    return LetterView(
        letter=letter,
        round=letter.run.round,
        open_places=open_places(session, applicant.id, today, leave_out=tried),
        next_round=next_round(session, letter.run.round),
    )


class OpenPlaces:
    """The open places applicants can still be matched to: published, with places left, taking
    applications, deadline not passed, eligible by the engine's check; never one the applicant
    declined or let expire. Read and indexed once, then asked for applicant after applicant."""

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.by_id = {
            str(o.id): o
            for o in session.scalars(
                select(Opportunity)
                .join(Organisation, Opportunity.organisation_id == Organisation.id)
                .where(
                    Organisation.verified_at.is_not(None),
                    Opportunity.status == OpportunityStatus.PUBLISHED,
                    Opportunity.places_filled < Opportunity.capacity,
                    or_(Opportunity.deadline.is_(None), Opportunity.deadline >= today),
                    Opportunity.starts_on > today,
                )
                .options(
                    selectinload(Opportunity.country),
                    selectinload(Opportunity.interests),
                    selectinload(Opportunity.languages),
                    selectinload(Opportunity.organisation),
                )
            )
        }
        self.taxonomy = inputs.taxonomy(session)
        self.index = OpportunityIndex(
            [inputs.opportunity_spec(o) for o in self.by_id.values()], self.taxonomy
        )

    def best_for(
        self, applicant_ids: Sequence[int], leave_out: dict[int, set[int]], limit: int = OPEN_PLACES_SHOWN
    ) -> dict[int, list[OpenPlace]]:
        """Up to ``limit`` places for each applicant, best first, without those in ``leave_out``."""
        specs = inputs.applicant_specs(self.session, select(User.id).where(User.id.in_(applicant_ids)))
        refused = refused_pairs(self.session, applicant_ids)
        found: dict[int, list[OpenPlace]] = {}
        for applicant_id in applicant_ids:
            spec = specs.get(applicant_id)
            if spec is None or not self.by_id:
                found[applicant_id] = []
                continue
            skip = {str(o) for o in leave_out.get(applicant_id, set())}
            skip |= {str(o) for a, o in refused if a == applicant_id}
            results = recommend(spec, self.index, limit + len(skip), taxonomy=self.taxonomy)
            found[applicant_id] = [
                OpenPlace(self.by_id[r.opportunity_id], r.total, reason_words.explain(r)[:2])
                for r in results
                if r.opportunity_id not in skip
            ][:limit]
        return found


def open_places(
    session: Session, applicant_id: int, today: date, leave_out: Iterable[int] = ()
) -> list[OpenPlace]:
    """The best open places one applicant can still be matched to (see OpenPlaces)."""
    return OpenPlaces(session, today).best_for([applicant_id], {applicant_id: set(leave_out)})[applicant_id]


def next_round(session: Session, after: MatchRound) -> MatchRound | None:
    """The next ranked round being prepared, if there is one."""
    return session.scalar(
        select(MatchRound)
        .where(
            MatchRound.id != after.id,
            MatchRound.status == RoundStatus.OPEN,
            MatchRound.mode == RoundMode.RANKED,
        )
        .order_by(MatchRound.created_at, MatchRound.id)
        .limit(1)
    )
