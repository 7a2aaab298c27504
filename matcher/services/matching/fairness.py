"""Who a ranked run placed, by group: the home country's income group and region, and training level.

Counted when the run is made (`group_counts`, stored in ``MatchRun.parameters["fairness"]``) from
the same applicants the engine saw, so the what-if page reads them without loading any applicant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from matcher.models import Country
from matcher.models.profile import Profile

UNKNOWN = "unknown"
GROUPINGS = ("income", "region", "level")


@dataclass(frozen=True)
class Home:
    income: str
    region: str
    level: str


def homes(session: Session, user_ids: Select[Any]) -> dict[int, Home]:
    """Each applicant's income group and region (of their home country) and training level."""
    rows = session.execute(
        select(Profile.user_id, Country.income_group, Country.region, Profile.level_rank)
        .outerjoin(Country, Country.iso2 == Profile.home_country_code)
        .where(Profile.user_id.in_(user_ids.scalar_subquery()))
    )
    return {
        user_id: Home(income or UNKNOWN, region or UNKNOWN, str(level) if level else UNKNOWN)
        for user_id, income, region, level in rows
    }


def group_counts(
    home_of: Mapping[int, Home], applicant_ids: Iterable[int], placed: Iterable[bool]
) -> dict[str, dict[str, list[int]]]:
    """{grouping: {group: [applicants, placed]}} over the applicants the run allocated."""
    counts: dict[str, dict[str, list[int]]] = {g: {} for g in GROUPINGS}
    for applicant_id, was_placed in zip(applicant_ids, placed, strict=True):
        home = home_of.get(applicant_id, Home(UNKNOWN, UNKNOWN, UNKNOWN))
        for grouping in GROUPINGS:
            cell = counts[grouping].setdefault(getattr(home, grouping), [0, 0])
            cell[0] += 1
            cell[1] += int(was_placed)
    return counts
