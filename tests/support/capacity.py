"""The capacity invariant, checked after each step of a test, and what else the step moved.

`opportunities.places_filled` must equal the number of the opportunity's matches in a
place-holding status (`HOLDS_PLACE`). `Ledger` snapshots every match's status and every
opportunity's count in the whole database, so a step that touches another round, another run or
a bystander opportunity shows up in the diff even when the step's own rows look right.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import Match, Opportunity
from matcher.models.matching import HOLDS_PLACE
from matcher.services.errors import DomainError


def assert_places_consistent(session: Session) -> None:
    """Every opportunity's places_filled equals its number of place-holding matches."""
    held = dict(
        session.execute(
            select(Match.opportunity_id, func.count())
            .where(Match.status.in_(list(HOLDS_PLACE)))
            .group_by(Match.opportunity_id)
        ).all()
    )
    filled = dict(session.execute(select(Opportunity.id, Opportunity.places_filled)).all())
    wrong = {o: (count, held.get(o, 0)) for o, count in filled.items() if count != held.get(o, 0)}
    assert not wrong, f"places_filled differs from the place-holding matches, {{id: (filled, held)}}: {wrong}"


@dataclass(frozen=True)
class Moves:
    """What a step changed: {match id: (status before, after)} and {opportunity id: (filled before, after)}.

    A match created by the step has None before; one deleted has None after.
    """

    matches: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    places: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)


def _diff(before: Mapping[int, object], after: Mapping[int, object]) -> dict:
    return {
        k: (before.get(k), after.get(k))
        for k in before.keys() | after.keys()
        if before.get(k) != after.get(k)
    }


class Ledger:
    """Snapshots of all matches and opportunities; `step()` checks the invariant and returns the moves."""

    def __init__(self, session: Session) -> None:
        self.session = session
        assert_places_consistent(session)
        self._statuses, self._filled = self._read()

    def _read(self) -> tuple[dict[int, str], dict[int, int]]:
        statuses = dict(self.session.execute(select(Match.id, Match.status)).all())
        filled = dict(self.session.execute(select(Opportunity.id, Opportunity.places_filled)).all())
        return statuses, filled

    def step(self) -> Moves:
        """Check the invariant; return what moved since the last step (or the snapshot) and re-snapshot."""
        assert_places_consistent(self.session)
        statuses, filled = self._read()
        moves = Moves(_diff(self._statuses, statuses), _diff(self._filled, filled))
        self._statuses, self._filled = statuses, filled
        return moves

    def expect(self, matches: Mapping[int, str], places: Mapping[int, int]) -> Moves:
        """Assert the step moved exactly these matches (id: status now; a new match counts too) and
        these opportunities (id: change in places_filled), and nothing else anywhere."""
        moves = self.step()
        now = {match_id: after for match_id, (_, after) in moves.matches.items()}
        assert now == dict(matches), f"matches moved, {{id: (before, after)}}: {moves.matches}"
        deltas = {k: (after or 0) - (before or 0) for k, (before, after) in moves.places.items()}
        assert {k: d for k, d in deltas.items() if d} == dict(places), f"places moved: {moves.places}"
        return moves

    def unchanged(self) -> None:
        """Assert the step (a refused one, say) moved nothing at all."""
        self.expect({}, {})


@contextmanager
def refused(error: type[DomainError], message: str, field: str | None = None) -> Iterator[None]:
    """The block must raise `error` with exactly this message (and form field, when given)."""
    with pytest.raises(error) as caught:
        yield
    assert caught.value.message == message
    if field is not None:
        assert caught.value.field == field
