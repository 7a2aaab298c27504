"""The engine's reasons on the pages coordinators and hosts read: third person, naming the applicant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matcher.engine.allocation import RefusalReason
from matcher.engine.reasons import PHRASES, Voice, render
from matcher.models import User
from matcher.services.matching.inputs import worded


def explained(parts: Iterable[Mapping[str, Any]] | None, about: User | str | None) -> list[dict[str, Any]]:
    """Template filter: ``match.breakdown|explained(match.applicant)`` (or the applicant's name)."""
    return worded(parts or [], about.name if isinstance(about, User) else about)


def refusal_for(entry: Sequence[Any], about: User | str | None) -> str:
    """Template filter: one stored reason an unmatched applicant was not placed, in the third person.

    ``entry`` is [opportunity id, the applicant's words, what to word by name]; entries stored before
    the third element existed keep their words.
    """
    words = entry[2] if len(entry) > 2 and isinstance(entry[2], Mapping) else None
    name = about.name if isinstance(about, User) else about
    if words is None or not name:
        return entry[1]
    title = words.get("title", "")
    if words.get("code") in PHRASES:
        return f"{title}: not eligible: {render(words['code'], words.get('params') or {}, Voice.named(name))}"
    if words.get("refusal") == RefusalReason.NOT_RANKED:
        return f"{title} did not rank {name}"
    return entry[1]  # no places, or full with applicants it ranked higher: the same words for anyone
