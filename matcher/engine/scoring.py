"""Explainable compatibility between an applicant and an opportunity.

Hard constraints decide eligibility and say, in plain words, what failed. Soft parts, each in
[0, 1] with a one-line reason, are averaged with the weights of `Weights`, the one place where
their relative importance is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from itertools import islice

from matcher.engine.profiles import ApplicantProfile, OpportunitySpec, Taxonomy

# How much partial matches count, next to an exact match's 1.0.
GROUP_CREDIT = 0.5  # an interest in the same taxonomy group
SUBREGION_CREDIT = 0.7  # the opportunity's sub-region, when its country was not chosen
REGION_CREDIT = 0.4  # its region, when neither country nor sub-region was chosen
NEUTRAL = 0.5  # a side that expresses no preference neither helps nor hurts


@dataclass(frozen=True)
class Weights:
    """Relative weight of each soft part; the defaults sum to 1."""

    region: float = 0.25
    interests: float = 0.30
    level: float = 0.15
    dates: float = 0.15
    teaching: float = 0.10  # only for teaching visits
    rank: float = 0.05  # only when the applicant ranked opportunities

    def of(self, name: str) -> float:
        return getattr(self, name)

    def total(self) -> float:
        return sum(getattr(self, f.name) for f in fields(self))


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class ScorePart:
    """One named soft part of a score, with its value in [0, 1] and why."""

    name: str
    value: float
    weight: float
    reason: str


@dataclass(frozen=True)
class Ineligibility:
    """A hard constraint the pair fails: ``constraint`` is a code, ``reason`` the words for a user."""

    constraint: str  # "level", "dates", "language", "closed" or "full"
    reason: str


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

    def explain(self) -> list[str]:
        """Lines for "Why this match" (or "Why not"), most important first."""
        if not self.eligible:
            return [f.reason for f in self.failures]
        return [p.reason for p in sorted(self.parts, key=lambda p: -p.weight * p.value)]


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
        parts.append(_teaching(applicant, opportunity, taxonomy, weights, explain))
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
        yield Ineligibility("closed", f"{opportunity.name} is not open for applications")
    elif opportunity.places_left <= 0:
        yield Ineligibility("full", f"{opportunity.name} has no places left")
    if not opportunity.min_level <= applicant.level <= opportunity.max_level:
        yours = (
            "your profile gives no training level"
            if applicant.level == NO_LEVEL
            else f"your profile says {taxonomy.level_name(applicant.level)}"
        )
        yield Ineligibility("level", f"accepts {_level_range(opportunity, taxonomy)}; {yours}")
    if best is None:
        best = _best_overlap(applicant, opportunity)
    if opportunity.min_days is None and best == 0:
        yield Ineligibility("dates", f"runs {opportunity.dates}; {_no_overlap(applicant)}")
    elif opportunity.min_days is not None and best < opportunity.min_days:
        yield Ineligibility(
            "dates",
            f"needs {opportunity.min_days} days between {opportunity.dates}; "
            f"your longest availability in that period is {best} day{'s' if best != 1 else ''}",
        )
    for required in opportunity.languages:
        spoken = applicant.speaks(required.code)
        if spoken is not None and spoken >= required.level:
            continue
        needed = f"needs {required.level.label} {taxonomy.label(required.code)}"
        if spoken is None:
            yield Ineligibility(
                "language", f"{needed}; your profile does not list {taxonomy.label(required.code)}"
            )
        else:
            yield Ineligibility("language", f"{needed}; your profile says {spoken.label}")


def _region(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    def part(value: float, template: str, code: str) -> ScorePart:
        reason = template.format(taxonomy.label(code)) if explain else ""
        return ScorePart("region", value, weights.region, reason)

    if not applicant.has_place_preference:
        return part(NEUTRAL, "In {}; you have not chosen regions", opportunity.country)
    if opportunity.country in applicant.countries_of_interest:
        return part(1.0, "In {}, a country you chose", opportunity.country)
    if opportunity.subregion in applicant.subregions_of_interest:
        return part(SUBREGION_CREDIT, "In {}, a sub-region you chose", opportunity.subregion)
    if opportunity.region in applicant.regions_of_interest:
        return part(REGION_CREDIT, "In {}, a region you chose", opportunity.region)
    return part(0.0, "In {}, outside the regions you chose", opportunity.country)


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
    def part(value: float, reason: str) -> ScorePart:
        return ScorePart("interests", value, weights.interests, reason)

    if not opportunity.interests:
        return part(NEUTRAL, "The opportunity lists no particular focus")
    if not applicant.interests:
        return part(NEUTRAL, "You have not chosen interests")
    value = interest_overlap(applicant.interests, opportunity.interests, taxonomy)
    if not explain:
        return part(value, "")
    exact = sorted(opportunity.interests & applicant.interests)
    my_groups = {taxonomy.group(s) for s in applicant.interests} - {None}
    near = [s for s in opportunity.interests - applicant.interests if taxonomy.group(s) in my_groups]
    n = len(opportunity.interests)
    if exact:
        reason = f"{len(exact)} of {n} interests match: {', '.join(taxonomy.label(s) for s in exact)}"
    else:
        reason = f"None of its {n} interests is one of yours"
    if near:
        reason += f"; {len(near)} more in an area you chose"
    return part(value, reason)


def _level(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    low, high, level = opportunity.min_level, opportunity.max_level, applicant.level
    if not low <= level <= high:
        value, template = 0.0, "{name} is outside the accepted range ({range})"
    elif low == high:
        value, template = 1.0, "{name} is the level it asks for"
    else:
        # 1 in the middle of the range, falling linearly to 0.5 at either end.
        middle, half = (low + high) / 2, (high - low) / 2
        value = 1.0 - 0.5 * abs(level - middle) / half
        where = "in the middle" if value >= 0.75 else "near the edge"
        template = "{name} is " + where + " of the accepted range ({range})"
    reason = (
        template.format(name=taxonomy.level_name(level), range=_level_range(opportunity, taxonomy))
        if explain
        else ""
    )
    return ScorePart("level", value, weights.level, reason)


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
        reason = f"You are free for {best} of its {wanted} days" if explain else ""
    else:
        wanted = opportunity.min_days
        reason = f"You are free for {best} days in its window; the visit needs {wanted}" if explain else ""
    return ScorePart("dates", min(1.0, best / wanted), weights.dates, reason)


def _teaching(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    def part(value: float, reason: str) -> ScorePart:
        return ScorePart("teaching", value, weights.teaching, reason)

    asked = opportunity.teaching_needs
    if not asked:
        return part(NEUTRAL, "The host has not listed topics to teach")
    if not applicant.can_teach:
        return part(0.0, "Your profile lists nothing you can teach")
    exact = sorted(asked & applicant.can_teach)
    my_groups = {taxonomy.group(s) for s in applicant.can_teach} - {None}
    near = [s for s in asked - applicant.can_teach if taxonomy.group(s) in my_groups]
    value = (len(exact) + GROUP_CREDIT * len(near)) / len(asked)
    if not explain:
        return part(value, "")
    reason = f"You can teach {len(exact)} of the {len(asked)} topics the host asks for"
    if exact:
        reason += f": {', '.join(taxonomy.label(s) for s in exact)}"
    if near:
        reason += f"; {len(near)} more in an area you teach"
    return part(value, reason)


def _rank(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, weights: Weights, explain: bool = True
) -> ScorePart:
    ranked = applicant.ranked_opportunities
    if opportunity.id not in ranked:
        return ScorePart("rank", 0.0, weights.rank, "Not in your ranked list")
    position = ranked.index(opportunity.id)
    value = 1.0 - position / len(ranked)
    reason = f"Your choice {position + 1} of {len(ranked)}" if explain else ""
    return ScorePart("rank", value, weights.rank, reason)


def _best_overlap(applicant: ApplicantProfile, opportunity: OpportunitySpec) -> int:
    return max((w.overlap_days(opportunity.dates) for w in applicant.availability), default=0)


def _no_overlap(applicant: ApplicantProfile) -> str:
    if not applicant.availability:
        return "your profile gives no availability"
    return "none of your availability overlaps it"


def _level_range(opportunity: OpportunitySpec, taxonomy: Taxonomy) -> str:
    low, high = taxonomy.level_name(opportunity.min_level), taxonomy.level_name(opportunity.max_level)
    return f"{low} only" if opportunity.min_level == opportunity.max_level else f"{low} to {high}"
