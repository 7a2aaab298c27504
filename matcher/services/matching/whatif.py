"""What-if: two runs of one round, made with different settings, side by side.

Everything here is read from what each run stored when it was made (its counts, settings, reserve
use and placements by group, `matcher.services.matching.fairness`), so the page costs a few
queries whatever the size of the round. Runs made before settings existed say so (``recorded``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models.matching import Match, MatchRun
from matcher.services.matching.fairness import GROUPINGS
from matcher.services.matching.settings import RoundSettings


@dataclass(frozen=True)
class GroupRate:
    group: str
    applicants: int
    placed: int

    @property
    def percent(self) -> int:
        return round(100 * self.placed / self.applicants) if self.applicants else 0


@dataclass(frozen=True)
class RunFigures:
    run: MatchRun
    settings: RoundSettings
    recorded: bool  # whether the run stored its settings and groups (runs before them did not)
    placed: int
    unmatched: int
    reserved: int
    reserve_used: int
    groups: dict[str, list[GroupRate]]  # grouping -> rates, by group name

    @classmethod
    def of(cls, run: MatchRun) -> RunFigures:
        parameters, counts = run.parameters or {}, run.counts or {}
        stored = parameters.get("fairness") or {}
        reserve = parameters.get("reserve") or {}
        return cls(
            run=run,
            settings=RoundSettings.from_json(parameters.get("settings")),
            recorded="settings" in parameters,
            placed=int(counts.get("proposed", 0)),
            unmatched=int(counts.get("unmatched", 0)),
            reserved=int(reserve.get("reserved", 0)),
            reserve_used=int(reserve.get("used", 0)),
            groups={
                grouping: [
                    GroupRate(group, applicants, placed)
                    for group, (applicants, placed) in sorted(stored.get(grouping, {}).items())
                ]
                for grouping in GROUPINGS
            },
        )


@dataclass(frozen=True)
class GroupChange:
    group: str
    a: GroupRate
    b: GroupRate

    @property
    def change(self) -> int:
        return self.b.placed - self.a.placed


def changes(a: RunFigures, b: RunFigures) -> dict[str, list[GroupChange]]:
    """For each grouping, every group either run placed or saw, with both runs' figures."""
    found: dict[str, list[GroupChange]] = {}
    for grouping in GROUPINGS:
        left = {r.group: r for r in a.groups[grouping]}
        right = {r.group: r for r in b.groups[grouping]}
        found[grouping] = [
            GroupChange(g, left.get(g, GroupRate(g, 0, 0)), right.get(g, GroupRate(g, 0, 0)))
            for g in sorted(set(left) | set(right))
        ]
    return found


def reserve_holders(run: MatchRun) -> frozenset[int]:
    """The applicants the run placed on reserved places."""
    return frozenset((run.parameters or {}).get("reserve_holders", []))


def on_reserved_places(session: Session, matches: Iterable[Match]) -> set[int]:
    """The ids of ``matches`` whose run placed their applicant on a reserved place (one query)."""
    matches = list(matches)
    run_ids = {m.run_id for m in matches}
    if not run_ids:
        return set()
    holders = {
        run_id: frozenset((parameters or {}).get("reserve_holders", []))
        for run_id, parameters in session.execute(
            select(MatchRun.id, MatchRun.parameters).where(MatchRun.id.in_(run_ids))
        )
    }
    return {m.id for m in matches if m.applicant_id in holders.get(m.run_id, ())}
