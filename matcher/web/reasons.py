"""The engine's reasons on the pages coordinators and hosts read: third person, naming the applicant,
in the reader's language (the words are in `matcher.reason_words`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matcher import reason_words
from matcher.models import User


def _name(about: User | str | None) -> str | None:
    return about.name if isinstance(about, User) else about


def explained(parts: Iterable[Mapping[str, Any]] | None, about: User | str | None) -> list[dict[str, Any]]:
    """Template filter: ``match.breakdown|explained(match.applicant)`` (or the applicant's name)."""
    return reason_words.worded(parts or [], _name(about))


def refusal_for(entry: Sequence[Any], about: User | str | None) -> str:
    """Template filter: one stored reason an unmatched applicant was not placed, in the third person.

    ``entry`` is [opportunity id, the applicant's words, what to word by name]; entries stored before
    the third element existed keep their words.
    """
    return reason_words.refusal(entry, _name(about))
