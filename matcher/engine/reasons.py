"""The words of a score's reasons, for whoever reads them.

The engine records each reason as a code and its parameters (labels already resolved, numbers),
and renders it here in a `Voice`: second person for the applicant (`YOU`, the words stored in
`ScorePart.reason` and `Ineligibility.reason`), or third person naming the applicant for the
coordinators and hosts who read about them (`Voice.named("Amara Okafor")`). A reason stored as
JSON (code and parameters) can be rendered again later in either voice with `render`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Voice:
    """Who a reason is about, as the reader says it: "you" or the applicant's name."""

    subject: str  # "you" / "Amara Okafor"
    possessive: str  # "your" / "Amara Okafor's"
    second_person: bool

    @classmethod
    def named(cls, name: str | None) -> Voice:
        """Third person, naming the applicant ("the applicant" when no name is known)."""
        name = (name or "").strip() or "the applicant"
        return cls(name, f"{name}'s", False)

    @property
    def Subject(self) -> str:  # noqa: N802 - the subject at the start of a sentence
        return _capital(self.subject)

    @property
    def Possessive(self) -> str:  # noqa: N802
        return _capital(self.possessive)

    def verb(self, second: str, third: str) -> str:
        """The verb agreeing with the subject: ``verb("are", "is")``."""
        return second if self.second_person else third


YOU = Voice("you", "your", True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _interests(p: Mapping[str, Any], v: Voice) -> str:
    if p["matched"]:
        reason = f"{len(p['matched'])} of {p['of']} interests match: {', '.join(p['matched'])}"
    elif v.second_person:
        reason = f"None of its {p['of']} interests is one of yours"
    else:
        reason = f"None of its {p['of']} interests is one of {v.possessive}"
    if p["near"]:
        reason += f"; {p['near']} more in an area {v.subject} chose"
    return reason


def _listed(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1] if items else "")))


def _teaching(p: Mapping[str, Any], v: Voice) -> str:
    reason = f"{v.Subject} can teach {p['matched_count']} of the {p['of']} topics the host asks for"
    if p["matched"]:
        reason += f": {', '.join(p['matched'])}"
    if p["near"]:
        reason += f"; {p['near']} more in an area {v.subject} {v.verb('teach', 'teaches')}"
    return reason


def _procedures(p: Mapping[str, Any], v: Voice) -> str:
    covered = []
    if p["teach"]:
        covered.append(f"{v.subject} can teach {', '.join(p['teach'])}")
    if p["assist"]:
        covered.append(f"{v.subject} can assist with {', '.join(p['assist'])}")
    count = len(p["teach"]) + len(p["assist"])
    verb = "is" if count == 1 else "are"
    return f"{count} of the {p['of']} procedures asked for {verb} covered: " + "; ".join(covered)


# code -> the words, given the parameters and the voice. Failures start in lower case: they follow
# the opportunity's name or "not eligible:" in a sentence.
PHRASES: dict[str, Callable[[Mapping[str, Any], Voice], str]] = {
    # Hard constraints.
    "closed": lambda p, v: f"{p['opportunity']} is not open for applications",
    "full": lambda p, v: f"{p['opportunity']} has no places left",
    "level": lambda p, v: f"accepts {p['accepted']}; {v.possessive} profile says {p['level']}",
    "level.none": lambda p, v: f"accepts {p['accepted']}; {v.possessive} profile gives no training level",
    "role": lambda p, v: (
        f"is for these professions: {_listed(p['accepted'])}; {v.possessive} profile says {p['profession']}"
    ),
    "role.none": lambda p, v: (
        f"is for these professions: {_listed(p['accepted'])}; {v.possessive} profile gives no profession"
    ),
    "dates.no_availability": lambda p, v: f"runs {p['dates']}; {v.possessive} profile gives no availability",
    "dates.no_overlap": lambda p, v: f"runs {p['dates']}; none of {v.possessive} availability overlaps it",
    "dates.too_short": lambda p, v: (
        f"needs {p['needs']} days between {p['dates']}; {v.possessive} longest availability in that "
        f"period is {_plural(p['best'], 'day')}"
    ),
    "language.missing": lambda p, v: (
        f"needs {p['level']} {p['language']}; {v.possessive} profile does not list {p['language']}"
    ),
    "language.level": lambda p, v: (
        f"needs {p['level']} {p['language']}; {v.possessive} profile says {p['spoken']}"
    ),
    "instruction.missing": lambda p, v: (
        f"is taught in {p['language']}; {v.possessive} profile does not list {p['language']} among the "
        f"languages {v.subject} {v.verb('teach', 'teaches')} in"
    ),
    "weeks.none": lambda p, v: (
        f"takes {_plural(p['needs'], 'week')} in {p['year']}; {v.possessive} profile does not say how "
        f"many weeks a year {v.subject} {v.verb('offer', 'offers')} to teach"
    ),
    "weeks.over": lambda p, v: (
        f"takes {_plural(p['needs'], 'week')} in {p['year']}; {v.subject} {v.verb('have', 'has')} "
        f"{_plural(p['left'], 'week')} left of the {_plural(p['offered'], 'week')} a year {v.subject} "
        f"offered ({_plural(p['committed'], 'week')} already committed)"
    ),
    # Soft parts.
    "region.no_preference": lambda p, v: (
        f"In {p['place']}; {v.subject} {v.verb('have', 'has')} not chosen regions"
    ),
    "region.country": lambda p, v: f"In {p['place']}, a country {v.subject} chose",
    "region.subregion": lambda p, v: f"In {p['place']}, a sub-region {v.subject} chose",
    "region.region": lambda p, v: f"In {p['place']}, a region {v.subject} chose",
    "region.outside": lambda p, v: f"In {p['place']}, outside the regions {v.subject} chose",
    "interests.no_focus": lambda p, v: "The opportunity lists no particular focus",
    "interests.none_chosen": lambda p, v: f"{v.Subject} {v.verb('have', 'has')} not chosen interests",
    "interests.overlap": _interests,
    "level.fit": lambda p, v: f"{p['level']} is {p['where']}",
    "role.outside": lambda p, v: f"None of the roles the host asks for is {v.possessive} profession",
    "role.fit": lambda p, v: f"{p['profession']} is one of the roles the host asks for",
    "dates.free": lambda p, v: (
        f"{v.Subject} {v.verb('are', 'is')} free for {p['best']} of its {p['days']} days"
    ),
    "dates.window": lambda p, v: (
        f"{v.Subject} {v.verb('are', 'is')} free for {p['best']} days in its window; "
        f"the visit needs {p['needs']}"
    ),
    "teaching.none_asked": lambda p, v: "The host has not listed topics to teach",
    "teaching.nothing": lambda p, v: (
        f"{v.Possessive} profile lists nothing {v.subject} can teach"
        if v.second_person
        else f"{v.Possessive} profile lists nothing to teach"
    ),
    "teaching.overlap": _teaching,
    "procedures.none_asked": lambda p, v: "The request lists no procedures",
    "procedures.nothing": lambda p, v: (
        f"{v.Subject} can neither teach nor assist with any of the {p['of']} procedures asked for"
    ),
    "procedures.cover": _procedures,
    "rank.unranked": lambda p, v: f"Not in {v.possessive} ranked list",
    "rank.position": lambda p, v: f"{v.Possessive} choice {p['position']} of {p['of']}",
}


def render(code: str, params: Mapping[str, Any], voice: Voice = YOU) -> str:
    """The words of one reason in ``voice``; KeyError for a code this engine does not know."""
    return PHRASES[code](params, voice)


def _reserve_holders(p: Mapping[str, Any], v: Voice) -> str:
    n = p["reserved"]
    on = "on a reserved place" if n == 1 else "on reserved places"
    return (
        f"{p['opportunity']} ranked {v.subject} above {_plural(n, 'applicant')} it placed {on}, which "
        f"{v.subject} {v.verb('are', 'is')} not eligible for"
    )


# The words of an allocation's outcome for one applicant: where they were placed ("placed on a
# reserved place", `Allocation.how_placed`), and why an opportunity they preferred did not take them
# (`Refusal.text`, one code per `RefusalReason`).
OUTCOMES: dict[str, Callable[[Mapping[str, Any], Voice], str]] = {
    "placed": lambda p, v: f"{v.Subject} {v.verb('were', 'was')} placed at {p['opportunity']}",
    "placed.reserved": lambda p, v: (
        f"{v.Subject} {v.verb('were', 'was')} placed on a reserved place at {p['opportunity']}"
    ),
    "refused.zero_capacity": lambda p, v: f"{p['opportunity']} has no places in this round",
    "refused.not_eligible": lambda p, v: (
        f"{p['opportunity']}: {v.subject} {v.verb('are', 'is')} not eligible for it"
    ),
    "refused.not_ranked": lambda p, v: f"{p['opportunity']} did not rank {v.subject}",
    "refused.full": lambda p, v: (
        f"{p['opportunity']} was full with {_plural(p['preferred'], 'applicant')} it ranked higher"
    ),
    "refused.reserved": _reserve_holders,
}


def render_outcome(code: str, params: Mapping[str, Any], voice: Voice = YOU) -> str:
    """The words of one allocation outcome in ``voice``; KeyError for a code not in OUTCOMES."""
    return OUTCOMES[code](params, voice)
