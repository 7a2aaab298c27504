"""Who may act for an organisation: used by services and by the views' guards."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from matcher.models import Membership, Organisation, Role, User
from matcher.services.errors import PermissionDenied
from matcher.translate import gettext as _

STAFF_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated) and user.role_enum in STAFF_ROLES


def require_confirmed(user: User) -> None:
    """Other people's profiles, CVs and applications are for confirmed addresses only.

    Anyone can sign up with an address that is not theirs; until its owner follows the emailed
    link, the account sees nobody else's personal data, whatever it has been granted.
    """
    if not user.is_verified:
        raise PermissionDenied(
            _(
                "Confirm your email address to see applicants' profiles and CVs: follow the link we "
                "emailed you. Your home page can send a new link."
            )
        )


def approved_membership(session: Session, user: User, organisation: Organisation) -> Membership | None:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.organisation_id == organisation.id,
            Membership.approved_at.is_not(None),
        )
    )


def can_act_for(session: Session, user: User, organisation: Organisation) -> bool:
    """Coordinators and admins act for any organisation; members for their own.

    A page asks this several times (the view's guard, the service's, the template's buttons):
    the answer is kept in the session until its next flush, commit or rollback.
    """
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    if organisation.id is None:  # not saved yet: nobody is a member
        return approved_membership(session, user, organisation) is not None
    known = session.info.setdefault(_KEY, {})
    key = (user.id, organisation.id)
    if key not in known:
        known[key] = approved_membership(session, user, organisation) is not None
    return known[key]


_KEY = "can_act_for"


def _forget(session: Session, *args: object) -> None:
    session.info.pop(_KEY, None)


for _name in ("after_flush", "after_commit", "after_soft_rollback"):
    event.listen(Session, _name, _forget)
