"""Who may act for an organisation: used by services and by the views' guards."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Membership, Organisation, Role, User

STAFF_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated) and user.role_enum in STAFF_ROLES


def approved_membership(session: Session, user: User, organisation: Organisation) -> Membership | None:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.organisation_id == organisation.id,
            Membership.approved_at.is_not(None),
        )
    )


def can_act_for(session: Session, user: User, organisation: Organisation) -> bool:
    """Coordinators and admins act for any organisation; members for their own."""
    if not user.is_authenticated:
        return False
    return is_staff(user) or approved_membership(session, user, organisation) is not None
