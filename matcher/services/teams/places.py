"""A team's places per role, counted by the database: a place is taken by a conditional UPDATE
(`filled < maximum`), so two coordinators (or a run and a coordinator) never overfill a role;
the CHECK `filled <= maximum` stands behind it."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from matcher.models import Team, TeamSlot
from matcher.services.errors import Conflict
from matcher.translate import gettext as _


def take(session: Session, team: Team, role: str) -> None:
    """Take one place of `role` in the team, or refuse when the role has none left (or none at all)."""
    session.flush()
    taken = session.execute(
        update(TeamSlot)
        .where(TeamSlot.team_id == team.id, TeamSlot.role == role, TeamSlot.filled < TeamSlot.maximum)
        .values(filled=TeamSlot.filled + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    _forget(session, team)
    if taken != 1:
        raise Conflict(_("This team has no place left for that role."), field="volunteer")


def free(session: Session, team: Team, role: str) -> None:
    """Give one place of `role` back."""
    session.flush()
    session.execute(
        update(TeamSlot)
        .where(TeamSlot.team_id == team.id, TeamSlot.role == role, TeamSlot.filled > 0)
        .values(filled=TeamSlot.filled - 1)
        .execution_options(synchronize_session=False)
    )
    _forget(session, team)


def _forget(session: Session, team: Team) -> None:
    for slot in team.slots:
        session.expire(slot, ["filled"])
