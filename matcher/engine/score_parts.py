"""The pieces every score is made of: the weights of the soft parts, a part, a failure.

`matcher.engine.scoring` composes them; `matcher.engine.teaching_score` adds the teaching parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from matcher.engine.reasons import YOU, Voice, render

# How much partial matches count, next to an exact match's 1.0.
GROUP_CREDIT = 0.5  # an interest in the same taxonomy group
SUBREGION_CREDIT = 0.7  # the opportunity's sub-region, when its country was not chosen
REGION_CREDIT = 0.4  # its region, when neither country nor sub-region was chosen
NEUTRAL = 0.5  # a side that expresses no preference neither helps nor hurts
ASSIST_CREDIT = 0.5  # a requested procedure the volunteer can assist with, next to teaching it (1.0)


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
    """One named soft part of a score, with its value in [0, 1] and why.

    ``reason`` is in the applicant's own words (second person); ``code`` and ``params`` say the
    same for `text`, which words it for another reader (empty when scored with ``explain=False``).
    """

    name: str
    value: float
    weight: float
    reason: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def text(self, voice: Voice = YOU) -> str:
        """The reason in ``voice``: `YOU`, or `Voice.named(...)` for staff reading about the applicant."""
        return render(self.code, self.params, voice) if self.code else self.reason


@dataclass(frozen=True)
class Ineligibility:
    """A hard constraint the pair fails: ``constraint`` is a code, ``reason`` the words for the applicant.

    ``code`` and ``params`` word it again for another reader with `text`, as for `ScorePart`.
    """

    # "level" (a training level or, for a visit with roles, a profession), "dates", "language",
    # "instruction", "weeks", "closed" or "full".
    constraint: str
    reason: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def text(self, voice: Voice = YOU) -> str:
        return render(self.code, self.params, voice) if self.code else self.reason


def failure(constraint: str, code: str, **params: Any) -> Ineligibility:
    return Ineligibility(constraint, render(code, params), code, params)


def part(name: str, value: float, weight: float, explain: bool, code: str, **params: Any) -> ScorePart:
    """A soft part, its reason worded (in the applicant's voice) only when ``explain``."""
    if not explain:
        return ScorePart(name, value, weight, "")
    return ScorePart(name, value, weight, render(code, params), code, params)
