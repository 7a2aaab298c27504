"""Where an applicant stands before applying: every hard rule they fail, in words naming their data.

The engine's own check (`scoring.failures`) decides training level, dates, languages, open and
full, as it does in a round. Three rules that hold when someone applies sit next to it here, and
nowhere else: the application deadline, a place the applicant already holds (rounds leave such
applicants out), and an incomplete profile (rounds use complete profiles only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import reason_words
from matcher.engine.profiles import ApplicantProfile, Taxonomy
from matcher.engine.scoring import NO_LEVEL, Score, failures, first_failure, score
from matcher.formatting import spoken_list
from matcher.models import Application, Match, Opportunity, User
from matcher.models.matching import MatchStatus
from matcher.services.matching import inputs
from matcher.services.profile_reads import full_profile
from matcher.services.profiles import Completeness, completeness
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.words import long_date

# What each rule is called, for the reader; the engine's codes and this module's own.
RULE_NAMES = {
    "level": _l("Training level"),
    "language": _l("Language"),
    "instruction": _l("Language of instruction"),
    "weeks": _l("Weeks to teach"),
    "dates": _l("Dates"),
    "closed": _l("Applications"),
    "full": _l("Places"),
    "deadline": _l("Deadline"),
    "placed": _l("Place already held"),
    "profile": _l("Profile"),
}
# A place the applicant knows they hold: offered (published) or taken. Approved matches are not
# out yet, so they are not mentioned to the applicant.
HOLDS_KNOWN_PLACE = (MatchStatus.PUBLISHED, MatchStatus.ACCEPTED)  # offered or held, not over
_KEY = "applicant_standing"


@dataclass(frozen=True)
class Standing:
    """The applicant's side of every check, read once per request."""

    applicant: ApplicantProfile
    taxonomy: Taxonomy
    completeness: Completeness
    place_held: tuple[int, str] | None  # the opportunity (id, title) where they hold a place, if any
    applications: tuple[Application, ...]  # theirs, first choice first

    @property
    def applied_to(self) -> frozenset[int]:
        """Opportunities they applied to (a deadline that passed since is no bar to those)."""
        return frozenset(a.opportunity_id for a in self.applications)

    @property
    def complete(self) -> bool:
        return self.completeness.is_complete


@dataclass(frozen=True)
class Rule:
    """One rule the applicant fails: what it is called, and why, in words naming their data."""

    code: str
    name: str
    reason: str

    @property
    def sentence(self) -> str:
        return self.reason[:1].upper() + self.reason[1:] + "."


@dataclass(frozen=True)
class Eligibility:
    """The rules an applicant fails for one opportunity; the match score when they fail none."""

    failed: tuple[Rule, ...]
    score: Score | None = None

    @property
    def eligible(self) -> bool:
        return not self.failed

    def top_reasons(self, n: int = 3) -> list[str]:
        return reason_words.explain(self.score)[:n] if self.score is not None else []


def standing_of(session: Session, user: User) -> Standing | None:
    """The applicant's standing, or None for anyone who does not apply."""
    if not user.is_authenticated or not user.is_applicant:
        return None
    return applicant_standing(session, user)


def applicant_standing(session: Session, applicant: User) -> Standing:
    """Profile, places held and applications of an applicant, read once per request (nine statements)."""
    cache = session.info.setdefault(_KEY, {})
    if applicant.id not in cache:
        cache[applicant.id] = _read_standing(session, applicant)
    return cache[applicant.id]


def _read_standing(session: Session, user: User) -> Standing:
    profile = full_profile(session, user.id)
    applicant = (
        inputs.applicant_spec(profile) if profile else ApplicantProfile(id=str(user.id), level=NO_LEVEL)
    )
    held = session.execute(
        select(Opportunity.id, Opportunity.title)
        .join(Match, Match.opportunity_id == Opportunity.id)
        .where(Match.applicant_id == user.id, Match.status.in_(HOLDS_KNOWN_PLACE))
        .order_by(Match.id)
        .limit(1)
    ).first()
    applications = tuple(
        session.scalars(
            select(Application).where(Application.applicant_id == user.id).order_by(Application.rank)
        )
    )
    return Standing(
        applicant,
        inputs.taxonomy(session),
        completeness(profile),
        (held[0], held[1]) if held else None,
        applications,
    )


def can_be_matched(standing: Standing, opportunity: Opportunity, today: date) -> bool:
    """Whether `check` would find no rule failed, without composing its words: for filtering many."""
    return (
        standing.complete
        and standing.place_held is None
        and not _too_late(standing, opportunity, today)
        and first_failure(standing.applicant, inputs.opportunity_spec(opportunity), standing.taxonomy) is None
    )


def check(
    standing: Standing, opportunity: Opportunity, today: date, *, with_score: bool = False
) -> Eligibility:
    """Every rule the applicant fails for this opportunity, the engine's first; scored on request."""
    spec = inputs.opportunity_spec(opportunity)
    found = [
        Rule(
            f.constraint, RULE_NAMES[f.constraint], reason_words.say(f.code, f.params) if f.code else f.reason
        )
        for f in failures(standing.applicant, spec, standing.taxonomy)
    ]
    if _too_late(standing, opportunity, today):
        found.append(
            Rule(
                "deadline",
                RULE_NAMES["deadline"],
                _("applications closed on %(day)s", day=long_date(opportunity.deadline)),
            )
        )
    if standing.place_held is not None:
        held_id, held_title = standing.place_held
        found.append(
            Rule(
                "placed",
                RULE_NAMES["placed"],
                _("you already hold a place here; the matching gives each person one place")
                if held_id == opportunity.id
                else _(
                    "you already hold a place at %(title)s; the matching gives each person one place",
                    title=held_title,
                ),
            )
        )
    if not standing.complete:
        missing = spoken_list(part.lower() for part in standing.completeness.missing)
        found.append(
            Rule(
                "profile",
                RULE_NAMES["profile"],
                _("the matching uses complete profiles only; yours still needs %(parts)s", parts=missing),
            )
        )
    result = None
    if with_score and not found:
        result = score(standing.applicant, spec, standing.taxonomy, include_rank=False)
    return Eligibility(tuple(found), result)


def _too_late(standing: Standing, opportunity: Opportunity, today: date) -> bool:
    """The deadline passed before the applicant applied (an application made in time stands)."""
    deadline = opportunity.deadline
    return deadline is not None and today > deadline and opportunity.id not in standing.applied_to
