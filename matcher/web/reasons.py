"""The engine's reasons on the pages coordinators and hosts read: third person, naming the applicant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from matcher.models import User
from matcher.services.matching.inputs import worded


def explained(parts: Iterable[Mapping[str, Any]] | None, about: User | str | None) -> list[dict[str, Any]]:
    """Template filter: ``match.breakdown|explained(match.applicant)`` (or the applicant's name)."""
    return worded(parts or [], about.name if isinstance(about, User) else about)
