"""Who may see an applicant's profile, and which of their applications: the applicant, coordinators,
and the members of an organisation they applied to (its own applications only)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, contains_eager

from matcher.models import Application, Membership, Opportunity, Profile, Role, User
from matcher.services.errors import NotFound
from matcher.services.permissions import is_staff, require_confirmed
from matcher.services.profiles import profile_of
from matcher.translate import gettext as _


def can_view(session: Session, viewer: User, applicant: User) -> bool:
    """Coordinators see every profile; an organisation only its applicants'; nobody else any."""
    if not viewer.is_authenticated or not applicant.is_applicant:
        return False
    if viewer.id == applicant.id or is_staff(viewer):
        return True
    if viewer.role_enum != Role.ORG_MEMBER:
        return False
    # ISSUE 6: a match with one of the viewer's organisations must grant access too, even
    # without an application (recommendation rounds); add that condition here.
    return bool(session.scalar(select(_applied_to_viewers_organisation(viewer, applicant))))


def _applied_to_viewers_organisation(viewer: User, applicant: User):
    return exists().where(
        Application.applicant_id == applicant.id,
        Application.opportunity_id == Opportunity.id,
        Membership.organisation_id == Opportunity.organisation_id,
        Membership.user_id == viewer.id,
        Membership.approved_at.is_not(None),
    )


def applicant_for_viewer(session: Session, viewer: User, applicant_id: int) -> tuple[User, Profile | None]:
    """The applicant and their profile, or NotFound for anyone who may not know they exist."""
    applicant = session.get(User, applicant_id)
    if applicant is None or not can_view(session, viewer, applicant):
        raise NotFound(_("There is no profile here."))
    if viewer.id != applicant.id:
        require_confirmed(viewer)
    return applicant, profile_of(session, applicant)


def applications_seen_by(session: Session, viewer: User, applicant: User) -> list[Application]:
    """The applicant's applications the viewer may see: all for staff and the applicant, else
    only those to opportunities of the viewer's own organisations."""
    stmt = (
        select(Application)
        .join(Application.opportunity)
        .where(Application.applicant_id == applicant.id)
        .options(contains_eager(Application.opportunity).joinedload(Opportunity.organisation))
        .order_by(Application.rank)
    )
    if not (viewer.id == applicant.id or is_staff(viewer)):
        stmt = stmt.join(Membership, Membership.organisation_id == Opportunity.organisation_id).where(
            Membership.user_id == viewer.id, Membership.approved_at.is_not(None)
        )
    return list(session.scalars(stmt))
