"""Top matches through indexes, not by scoring every pair.

Each index maps a key (a level or, for visits that take people by role, a profession; a place,
an interest or its group) to the ids that have it. A query scores the *focused* candidates (right
level band or role, and a shared place or interest) first. Anyone
outside that set shares neither place nor interest, so their total is at most `upper_bound`;
when the n-th focused result already reaches that bound the answer is exact, and otherwise the
rest of the level band is scored too. Closed and full opportunities are never indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from matcher.engine.profiles import ApplicantProfile, OpportunitySpec, Taxonomy
from matcher.engine.scoring import DEFAULT_WEIGHTS, NEUTRAL, Score, Weights, score

_ANY_PLACE = ("place", "*")  # applicants with no place preference match every place


def upper_bound(weights: Weights, region_cap: float, teaching: bool, with_rank: bool) -> float:
    """The best total a pair can reach when it shares no place (region <= region_cap) and no interest.

    The interests part is then 0, or NEUTRAL when a side lists none.
    """
    parts = {"region": region_cap, "interests": NEUTRAL, "level": 1.0, "dates": 1.0}
    if teaching:
        parts["teaching"] = 1.0
    if with_rank:
        parts["rank"] = 0.0  # ranked opportunities are always among the focused candidates
    weight = sum(weights.of(name) for name in parts)
    return sum(weights.of(name) * cap for name, cap in parts.items()) / weight if weight else 1.0


def _interest_keys(interests: Iterable[str], taxonomy: Taxonomy) -> set[tuple[str, str]]:
    keys = {("interest", slug) for slug in interests}
    keys |= {("group", group) for slug in interests if (group := taxonomy.group(slug))}
    return keys


class OpportunityIndex:
    """Open opportunities with places, indexed by accepted level, place and interest."""

    def __init__(self, opportunities: Iterable[OpportunitySpec], taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or Taxonomy()
        self.by_id: dict[str, OpportunitySpec] = {}
        self._by_level: defaultdict[int, set[str]] = defaultdict(set)
        self._by_role: defaultdict[str, set[str]] = defaultdict(set)
        self._by_key: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        for opportunity in opportunities:
            if not opportunity.is_open or opportunity.places_left <= 0:
                continue
            self.by_id[opportunity.id] = opportunity
            if opportunity.by_role:  # takes people by profession, whatever their level
                for role in opportunity.roles:
                    self._by_role[role].add(opportunity.id)
            else:
                for level in range(opportunity.min_level, opportunity.max_level + 1):
                    self._by_level[level].add(opportunity.id)
            for key in self._keys(opportunity):
                self._by_key[key].add(opportunity.id)

    def _keys(self, opportunity: OpportunitySpec) -> set[tuple[str, str]]:
        places = {
            ("country", opportunity.country),
            ("subregion", opportunity.subregion),
            ("region", opportunity.region),
        }
        return places | _interest_keys(opportunity.interests, self.taxonomy)

    def level_band(self, applicant: ApplicantProfile) -> set[str]:
        """The opportunities that take the applicant: by training level, or by profession."""
        return self._by_level.get(applicant.level, set()) | self._by_role.get(applicant.profession, set())

    def focused(self, applicant: ApplicantProfile) -> set[str]:
        """Opportunities at the applicant's level sharing a chosen place or an interest, or ranked by them."""
        keys = {("country", c) for c in applicant.countries_of_interest}
        keys |= {("subregion", s) for s in applicant.subregions_of_interest}
        keys |= {("region", r) for r in applicant.regions_of_interest}
        keys |= _interest_keys(applicant.interests, self.taxonomy)
        hits = set(applicant.ranked_opportunities).intersection(self.by_id)
        for key in keys:
            hits |= self._by_key.get(key, set())
        return hits & self.level_band(applicant)


class ApplicantIndex:
    """Applicants indexed by level, chosen places and interests."""

    def __init__(self, applicants: Iterable[ApplicantProfile], taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or Taxonomy()
        self.by_id: dict[str, ApplicantProfile] = {}
        self._by_level: defaultdict[int, set[str]] = defaultdict(set)
        self._by_role: defaultdict[str, set[str]] = defaultdict(set)
        self._by_key: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        for applicant in applicants:
            self.by_id[applicant.id] = applicant
            self._by_level[applicant.level].add(applicant.id)
            self._by_role[applicant.profession].add(applicant.id)
            keys = {("country", c) for c in applicant.countries_of_interest}
            keys |= {("subregion", s) for s in applicant.subregions_of_interest}
            keys |= {("region", r) for r in applicant.regions_of_interest}
            if not applicant.has_place_preference:
                keys.add(_ANY_PLACE)
            for key in keys | _interest_keys(applicant.interests, self.taxonomy):
                self._by_key[key].add(applicant.id)

    def level_band(self, opportunity: OpportunitySpec) -> set[str]:
        """The applicants the opportunity takes: by training level, or by profession (its roles)."""
        band: set[str] = set()
        if opportunity.by_role:
            for role in opportunity.roles:
                band |= self._by_role.get(role, set())
            return band
        for level in range(opportunity.min_level, opportunity.max_level + 1):
            band |= self._by_level.get(level, set())
        return band

    def focused(self, opportunity: OpportunitySpec) -> set[str]:
        """Applicants in the level band who chose its place (or no place) or share an interest."""
        keys = {
            ("country", opportunity.country),
            ("subregion", opportunity.subregion),
            ("region", opportunity.region),
        }
        keys |= {_ANY_PLACE} | _interest_keys(opportunity.interests, self.taxonomy)
        hits: set[str] = set()
        for key in keys:
            hits |= self._by_key.get(key, set())
        return hits & self.level_band(opportunity)


def recommend(
    applicant: ApplicantProfile,
    opportunities: OpportunityIndex | Iterable[OpportunitySpec],
    n: int = 10,
    *,
    taxonomy: Taxonomy | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Score]:
    """The applicant's n best eligible opportunities, best first, each with its explanation."""
    index = (
        opportunities
        if isinstance(opportunities, OpportunityIndex)
        else OpportunityIndex(opportunities, taxonomy)
    )
    taxonomy = index.taxonomy

    def score_of(opportunity_id: str) -> Score:
        return score(applicant, index.by_id[opportunity_id], taxonomy, weights)

    region_cap = 0.0 if applicant.has_place_preference else NEUTRAL
    bound = max(
        upper_bound(weights, region_cap, teaching, bool(applicant.ranked_opportunities))
        for teaching in (False, True)
    )
    return _top(index.focused(applicant), index.level_band(applicant), n, bound, score_of)


def rank_applicants(
    opportunity: OpportunitySpec,
    applicants: ApplicantIndex | Iterable[ApplicantProfile],
    n: int | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Score]:
    """The eligible applicants for an opportunity, best first (the n best, when n is given).

    The applicants' own ranking of the opportunity is left out of these scores (see `score`).
    """
    index = applicants if isinstance(applicants, ApplicantIndex) else ApplicantIndex(applicants, taxonomy)
    taxonomy = index.taxonomy

    def score_of(applicant_id: str) -> Score:
        return score(index.by_id[applicant_id], opportunity, taxonomy, weights, include_rank=False)

    band = index.level_band(opportunity)
    if n is None:
        return _top(band, band, len(band), 1.0, score_of)
    # Applicants outside the focus chose other places (those with none are focused).
    bound = upper_bound(weights, 0.0, opportunity.is_teaching, with_rank=False)
    return _top(index.focused(opportunity), band, n, bound, score_of)


def _top(
    focused: set[str], band: set[str], n: int, bound: float, score_of: Callable[[str], Score]
) -> list[Score]:
    """The n best eligible scores, scoring the rest of the band only when the focus cannot be trusted."""
    if n <= 0:
        return []
    scored = [s for s in map(score_of, sorted(focused)) if s.eligible]
    scored.sort(key=_order)
    if len(scored) < n or scored[n - 1].total <= bound:
        rest = [s for s in map(score_of, sorted(band - focused)) if s.eligible]
        scored = sorted(scored + rest, key=_order)
    return scored[:n]


def _order(s: Score) -> tuple[float, str, str]:
    return (-s.total, s.opportunity_id, s.applicant_id)


def round_scores(
    applicants: Iterable[ApplicantProfile],
    opportunities: OpportunityIndex | Iterable[OpportunitySpec],
    k: int = 20,
    *,
    taxonomy: Taxonomy | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> dict[tuple[str, str], Score]:
    """The eligible pairs of a match round, scored, for `allocate_from_scores`.

    Each applicant contributes the opportunities they ranked, or else their k best
    recommendations, so the round stays O(applicants x k) however many opportunities there are.
    Scores leave out the applicants' own ranking: opportunities order applicants by them.
    """
    index = (
        opportunities
        if isinstance(opportunities, OpportunityIndex)
        else OpportunityIndex(opportunities, taxonomy)
    )
    pairs: dict[tuple[str, str], Score] = {}
    for applicant in applicants:
        if applicant.ranked_opportunities:
            chosen = [index.by_id[o] for o in applicant.ranked_opportunities if o in index.by_id]
            scored = (score(applicant, o, index.taxonomy, weights, include_rank=False) for o in chosen)
        else:
            scored = (
                score(applicant, index.by_id[s.opportunity_id], index.taxonomy, weights, include_rank=False)
                for s in recommend(applicant, index, k, weights=weights)
            )
        pairs.update(((s.applicant_id, s.opportunity_id), s) for s in scored if s.eligible)
    return pairs
