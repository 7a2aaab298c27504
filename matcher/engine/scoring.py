"""Explainable compatibility between an applicant and an opportunity.

Hard constraints decide eligibility and say, in plain words, what failed. Soft parts, each in
[0, 1] with a one-line reason, are averaged with the weights of `Weights`, the one place where
their relative importance is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from matcher.engine.profiles import ApplicantProfile, OpportunitySpec, Taxonomy
from matcher.engine.reasons import YOU, Voice
from matcher.engine.score_parts import (
    ASSIST_CREDIT,
    DEFAULT_WEIGHTS,
    GROUP_CREDIT,
    NEUTRAL,
    REGION_CREDIT,
    SUBREGION_CREDIT,
    Ineligibility,
    ScorePart,
    Weights,
)
from matcher.engine.score_parts import failure as _failure
from matcher.engine.score_parts import part as _part
from matcher.engine.teaching_score import role_failure, role_part, teaching_constraints, teaching_part

__all__ = [
    "ASSIST_CREDIT",
    "DEFAULT_WEIGHTS",
    "GROUP_CREDIT",
    "NEUTRAL",
    "NO_LEVEL",
    "REGION_CREDIT",
    "SUBREGION_CREDIT",
    "Ineligibility",
    "Score",
    "ScorePart",
    "Weights",
    "eligible",
    "failures",
    "first_failure",
    "interest_overlap",
    "score",
]

# Training levels are ranked from 1: a profile that gives none comes to the engine as this.
NO_LEVEL = 0


@dataclass(frozen=True)
class Score:
    """The compatibility of one pair: total in [0, 1] (0 when not eligible), parts and failures."""

    applicant_id: str
    opportunity_id: str
    total: float
    eligible: bool
    parts: tuple[ScorePart, ...]
    failures: tuple[Ineligibility, ...] = ()

    def part(self, name: str) -> ScorePart | None:
        return next((p for p in self.parts if p.name == name), None)

    def explain(self, voice: Voice = YOU) -> list[str]:
        """Lines for "Why this match" (or "Why not"), most important first.

        To the applicant by default; ``Voice.named(name)`` words them for staff reading about them.
        """
        if not self.eligible:
            return [f.text(voice) for f in self.failures]
        return [p.text(voice) for p in sorted(self.parts, key=lambda p: -p.weight * p.value)]


def score(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    include_rank: bool = True,
    explain: bool = True,
) -> Score:
    """Score a pair. ``include_rank=False`` leaves out the applicant's own ranking of it.

    Leave it out whenever the score orders applicants for an opportunity: an opportunity that
    favours those who ranked it first would make honest ranking risky for applicants.
    ``explain=False`` gives the same values and eligibility without composing the reasons, and at
    most the first failure: for ranking a million pairs and explaining only the ones proposed.
    """
    taxonomy = taxonomy or Taxonomy()
    best = _best_overlap(applicant, opportunity)
    constraints = _hard_constraints(applicant, opportunity, taxonomy, best)
    failures = tuple(constraints) if explain else tuple(islice(constraints, 1))
    parts = [
        _region(applicant, opportunity, taxonomy, weights, explain),
        _interests(applicant, opportunity, taxonomy, weights, explain),
        _level(applicant, opportunity, taxonomy, weights, explain),
        _dates(applicant, opportunity, weights, explain, best),
    ]
    if opportunity.is_teaching:
        parts.append(teaching_part(applicant, opportunity, taxonomy, weights, explain))
    if include_rank and applicant.ranked_opportunities:
        parts.append(_rank(applicant, opportunity, weights, explain))
    weight = sum(p.weight for p in parts)
    total = sum(p.weight * p.value for p in parts) / weight if weight and not failures else 0.0
    return Score(applicant.id, opportunity.id, total, not failures, tuple(parts), failures)


def eligible(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, taxonomy: Taxonomy | None = None
) -> bool:
    """Whether the pair passes every hard constraint: `score(...).eligible`, without the soft parts."""
    return first_failure(applicant, opportunity, taxonomy) is None


def failures(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, taxonomy: Taxonomy | None = None
) -> tuple[Ineligibility, ...]:
    """Every hard constraint the pair fails, in words: `score(...).failures`, without the soft parts."""
    return tuple(_hard_constraints(applicant, opportunity, taxonomy or Taxonomy()))


def first_failure(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, taxonomy: Taxonomy | None = None
) -> Ineligibility | None:
    """The first hard constraint the pair fails, in words, or None: `score(...).failures[0]`."""
    return next(_hard_constraints(applicant, opportunity, taxonomy or Taxonomy()), None)


def _hard_constraints(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, taxonomy: Taxonomy, best: int | None = None
) -> Iterable[Ineligibility]:
    if not opportunity.is_open:
        yield _failure("closed", "closed", opportunity=opportunity.name)
    elif opportunity.places_left <= 0:
        yield _failure("full", "full", opportunity=opportunity.name)
    if opportunity.by_role:
        if applicant.profession not in opportunity.roles:
            yield role_failure(applicant, opportunity, taxonomy)
    elif not opportunity.min_level <= applicant.level <= opportunity.max_level:
        accepted = {"accepted": _level_range(opportunity, taxonomy), **_level_bounds(opportunity, taxonomy)}
        if applicant.level == NO_LEVEL:
            yield _failure("level", "level.none", **accepted)
        else:
            yield _failure("level", "level", **accepted, level=taxonomy.level_name(applicant.level))
    if best is None:
        best = _best_overlap(applicant, opportunity)
    if opportunity.min_days is None and best == 0:
        code = "dates.no_overlap" if applicant.availability else "dates.no_availability"
        yield _failure("dates", code, **_dates_of(opportunity))
    elif opportunity.min_days is not None and best < opportunity.min_days:
        yield _failure(
            "dates", "dates.too_short", needs=opportunity.min_days, **_dates_of(opportunity), best=best
        )
    for required in opportunity.languages:
        spoken = applicant.speaks(required.code)
        if spoken is not None and spoken >= required.level:
            continue
        needed = {
            "level": required.level.label,
            "language": taxonomy.label(required.code),
            "language_code": required.code,
        }
        if spoken is None:
            yield _failure("language", "language.missing", **needed)
        else:
            yield _failure("language", "language.level", **needed, spoken=spoken.label)
    if opportunity.is_teaching and opportunity.from_request:
        yield from teaching_constraints(applicant, opportunity, taxonomy)


def _region(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    def part(value: float, why: str, place: str) -> ScorePart:
        return _part(
            "region",
            value,
            weights.region,
            explain,
            f"region.{why}",
            place=taxonomy.label(place),
            place_code=place,
        )

    if not applicant.has_place_preference:
        return part(NEUTRAL, "no_preference", opportunity.country)
    if opportunity.country in applicant.countries_of_interest:
        return part(1.0, "country", opportunity.country)
    if opportunity.subregion in applicant.subregions_of_interest:
        return part(SUBREGION_CREDIT, "subregion", opportunity.subregion)
    if opportunity.region in applicant.regions_of_interest:
        return part(REGION_CREDIT, "region", opportunity.region)
    return part(0.0, "outside", opportunity.country)


def interest_overlap(mine: frozenset[str], theirs: frozenset[str], taxonomy: Taxonomy) -> float:
    """Weighted Jaccard over the taxonomy: each interest weighs 1, each group it belongs to GROUP_CREDIT.

    Every key (an interest or a group) has the same weight on both sides, so the sum of minima is
    the weight of the keys both have and the sum of maxima the weight of those either has.
    """
    my_groups, their_groups = taxonomy.groups_of(mine), taxonomy.groups_of(theirs)
    common = len(mine & theirs) + GROUP_CREDIT * len(my_groups & their_groups)
    union = len(mine) + len(theirs) + GROUP_CREDIT * (len(my_groups) + len(their_groups)) - common
    return common / union if union else 0.0


def _interests(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    # The neutral cases are worded even without ``explain``: they cost nothing.
    if not opportunity.interests:
        return _part("interests", NEUTRAL, weights.interests, True, "interests.no_focus")
    if not applicant.interests:
        return _part("interests", NEUTRAL, weights.interests, True, "interests.none_chosen")
    value = interest_overlap(applicant.interests, opportunity.interests, taxonomy)
    if not explain:
        return _part("interests", value, weights.interests, False, "")
    exact = sorted(opportunity.interests & applicant.interests)
    my_groups = {taxonomy.group(s) for s in applicant.interests} - {None}
    near = [s for s in opportunity.interests - applicant.interests if taxonomy.group(s) in my_groups]
    return _part(
        "interests",
        value,
        weights.interests,
        True,
        "interests.overlap",
        matched=[taxonomy.label(s) for s in exact],
        of=len(opportunity.interests),
        near=len(near),
    )


def _level(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    if opportunity.by_role:
        return role_part(applicant, opportunity, taxonomy, weights, explain)
    low, high, level = opportunity.min_level, opportunity.max_level, applicant.level
    if not low <= level <= high:
        value, fit, where = 0.0, "outside", "outside the accepted range ({range})"
    elif low == high:
        value, fit, where = 1.0, "exact", "the level it asks for"
    else:
        # 1 in the middle of the range, falling linearly to 0.5 at either end.
        middle, half = (low + high) / 2, (high - low) / 2
        value = 1.0 - 0.5 * abs(level - middle) / half
        fit = "middle" if value >= 0.75 else "edge"
        where = ("in the middle" if value >= 0.75 else "near the edge") + " of the accepted range ({range})"
    if not explain:
        return _part("level", value, weights.level, False, "")
    return _part(
        "level",
        value,
        weights.level,
        True,
        "level.fit",
        level=taxonomy.level_name(level),
        where=where.format(range=_level_range(opportunity, taxonomy)),
        fit=fit,
        **_level_bounds(opportunity, taxonomy),
    )


def _dates(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    weights: Weights,
    explain: bool = True,
    best: int | None = None,
):
    if best is None:
        best = _best_overlap(applicant, opportunity)
    if opportunity.min_days is None:
        wanted = opportunity.dates.days
        return _part(
            "dates", min(1.0, best / wanted), weights.dates, explain, "dates.free", best=best, days=wanted
        )
    wanted = opportunity.min_days
    return _part(
        "dates", min(1.0, best / wanted), weights.dates, explain, "dates.window", best=best, needs=wanted
    )


def _rank(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, weights: Weights, explain: bool = True
) -> ScorePart:
    ranked = applicant.ranked_opportunities
    if opportunity.id not in ranked:
        return _part("rank", 0.0, weights.rank, True, "rank.unranked")
    position = ranked.index(opportunity.id)
    value = 1.0 - position / len(ranked)
    return _part("rank", value, weights.rank, explain, "rank.position", position=position + 1, of=len(ranked))


def _best_overlap(applicant: ApplicantProfile, opportunity: OpportunitySpec) -> int:
    return max((w.overlap_days(opportunity.dates) for w in applicant.availability), default=0)


def _level_bounds(opportunity: OpportunitySpec, taxonomy: Taxonomy) -> dict[str, str]:
    """The accepted range as parameters, for readers who word it in another language."""
    return {
        "low": taxonomy.level_name(opportunity.min_level),
        "high": taxonomy.level_name(opportunity.max_level),
    }


def _dates_of(opportunity: OpportunitySpec) -> dict[str, str]:
    """The opportunity's dates in words, and as ISO days for readers who word them otherwise."""
    dates = opportunity.dates
    return {"dates": str(dates), "start": dates.start.isoformat(), "end": dates.end.isoformat()}


def _level_range(opportunity: OpportunitySpec, taxonomy: Taxonomy) -> str:
    low, high = taxonomy.level_name(opportunity.min_level), taxonomy.level_name(opportunity.max_level)
    return f"{low} only" if opportunity.min_level == opportunity.max_level else f"{low} to {high}"
