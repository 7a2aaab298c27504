"""The pure matching engine: explainable scores, a stable allocation with capacities, optimal teams.

Standard library and numpy (numba, when installed, compiles the allocation kernels; scipy's HiGHS
solves the teams' integer programme); nothing here knows about Flask, the database or the rest of
`matcher`.
"""

from matcher.engine.allocation import (
    Allocation,
    ArrayAllocation,
    Refusal,
    RefusalReason,
    allocate,
    allocate_arrays,
    is_stable,
)
from matcher.engine.candidates import (
    ApplicantIndex,
    OpportunityIndex,
    rank_applicants,
    recommend,
    round_scores,
)
from matcher.engine.preferences import (
    Preferences,
    RoundLists,
    allocate_from_scores,
    csr_from_choices,
    csr_from_scores,
    lottery,
    preferences_from_scores,
)
from matcher.engine.profiles import (
    ApplicantProfile,
    LanguageReq,
    OpportunitySpec,
    Proficiency,
    Taxonomy,
    Window,
)
from matcher.engine.reasons import YOU, Voice
from matcher.engine.reserves import choose
from matcher.engine.scoring import DEFAULT_WEIGHTS, Ineligibility, Score, ScorePart, Weights, score
from matcher.engine.team_plan import (
    LeftOutReason,
    MemberReason,
    PlanObjective,
    Reason,
    RoleFill,
    SolveStats,
    TeamPlan,
    TeamReason,
    TeamReport,
)
from matcher.engine.teams import form_teams

__all__ = [
    "DEFAULT_WEIGHTS",
    "YOU",
    "Allocation",
    "ApplicantIndex",
    "ApplicantProfile",
    "ArrayAllocation",
    "Ineligibility",
    "LanguageReq",
    "LeftOutReason",
    "MemberReason",
    "OpportunityIndex",
    "OpportunitySpec",
    "PlanObjective",
    "Preferences",
    "Proficiency",
    "Reason",
    "Refusal",
    "RefusalReason",
    "RoleFill",
    "RoundLists",
    "Score",
    "ScorePart",
    "SolveStats",
    "Taxonomy",
    "TeamPlan",
    "TeamReason",
    "TeamReport",
    "Voice",
    "Weights",
    "Window",
    "allocate",
    "allocate_arrays",
    "allocate_from_scores",
    "choose",
    "csr_from_choices",
    "csr_from_scores",
    "form_teams",
    "is_stable",
    "lottery",
    "preferences_from_scores",
    "rank_applicants",
    "recommend",
    "round_scores",
    "score",
]
