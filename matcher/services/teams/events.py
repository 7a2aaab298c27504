"""The teams' audit trail: a row per decision (shown on the team's page) and the audit log line."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from matcher import audit
from matcher.models import Team, TeamEvent, User


def record(
    session: Session,
    team: Team,
    actor: User | None,
    action: str,
    member: User | None = None,
    **details: Any,
) -> TeamEvent:
    """Add the decision to the team's trail, and to the audit log once the transaction commits."""
    event = TeamEvent(
        team=team,
        actor_id=actor.id if actor is not None else None,
        action=action,
        member_id=member.id if member is not None else None,
        details=details,
    )
    session.add(event)
    audit.on_commit(
        session,
        f"team_{action}",
        actor,
        team_id=team.id,
        visit_id=team.visit_id,
        member_id=member.id if member is not None else None,
        **{k: v for k, v in details.items() if isinstance(v, str | int | bool | list) or v is None},
    )
    return event
