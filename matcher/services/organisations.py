"""Organisations: profile edits, colleague invitations, coordinator verification."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher import audit
from matcher.db import utcnow
from matcher.mail.outbox import queue_email
from matcher.models import (
    Country,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationInvite,
    Role,
    User,
)
from matcher.security import ORGANISATION_INVITE, TokenError, make_token, read_token
from matcher.services.accounts import create_user, find_by_email, normalise_email
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.permissions import approved_membership, can_act_for, is_staff
from matcher.services.text import refuse_line_breaks


@dataclass
class OrganisationProfile:
    name: str
    description: str
    website: str | None
    social_handle: str | None
    country_code: str | None
    countries: list[str]


def update_profile(
    session: Session, actor: User, organisation: Organisation, data: OrganisationProfile
) -> None:
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied("You do not act for this organisation.")
    refuse_line_breaks(name=data.name, website=data.website, social_handle=data.social_handle)
    if data.website and not data.website.startswith(("https://", "http://")):
        raise DomainError("Give the full address, starting with https://", field="website")
    codes = {c for c in [data.country_code, *data.countries] if c}
    found = set(session.scalars(select(Country.iso2).where(Country.iso2.in_(codes))))
    if found != codes:
        raise DomainError("Choose countries from the list.", field="countries")
    organisation.name = data.name.strip()
    organisation.description = data.description.strip()
    organisation.website = data.website or None
    organisation.social_handle = data.social_handle or None
    organisation.country_code = data.country_code or None
    organisation.countries = list(session.scalars(select(Country).where(Country.iso2.in_(data.countries))))


def owners(organisation: Organisation) -> list[User]:
    """The approved members to tell about decisions on the organisation."""
    return [m.user for m in organisation.memberships if m.is_approved]


def pending_organisations(session: Session) -> list[Organisation]:
    """Organisations waiting for a coordinator, oldest first, with their contacts."""
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None))
            .options(selectinload(Organisation.memberships).joinedload(Membership.user))
            .order_by(Organisation.created_at, Organisation.id)
        )
    )


def pending_claims(session: Session) -> list[Membership]:
    """Claims to act for an organisation, oldest first, with who claims and what."""
    return list(
        session.scalars(
            select(Membership)
            .where(Membership.approved_at.is_(None))
            .options(joinedload(Membership.user), joinedload(Membership.organisation))
            .order_by(Membership.created_at, Membership.id)
        )
    )


def _require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied("Only coordinators can verify organisations.")


def verify(session: Session, actor: User, organisation: Organisation) -> None:
    _require_coordinator(actor)
    if organisation.is_verified:
        raise Conflict(f"{organisation.name} is already verified.")
    organisation.verified_at, organisation.verified_by_id = utcnow(), actor.id
    audit.on_commit(session, "organisation_verified", actor, organisation_id=organisation.id)
    organisation.rejected_at = organisation.rejection_reason = None
    for user in owners(organisation):
        queue_email(
            session,
            to=user,
            template="organisation_verified",
            subject=f"{organisation.name} is verified",
            category="organisation",
            context={
                "organisation": organisation,
                "link": url_for("organisations.show", slug=organisation.slug, _external=True),
            },
        )


def reject(session: Session, actor: User, organisation: Organisation, reason: str) -> None:
    _require_coordinator(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why, so the contact can put it right.", field="reason")
    organisation.rejected_at, organisation.rejection_reason = utcnow(), reason
    audit.on_commit(session, "organisation_rejected", actor, organisation_id=organisation.id, reason=reason)
    organisation.verified_at = organisation.verified_by_id = None
    for user in owners(organisation):
        queue_email(
            session,
            to=user,
            template="organisation_rejected",
            subject=f"{organisation.name} could not be verified",
            category="organisation",
            context={
                "organisation": organisation,
                "reason": reason,
                "link": url_for("organisations.edit", slug=organisation.slug, _external=True),
            },
        )


def save_profile(
    session: Session, actor: User, organisation: Organisation, data: OrganisationProfile
) -> None:
    """Update the organisation's page; a rejected organisation goes back to the coordinators."""
    update_profile(session, actor, organisation, data)
    if organisation.rejected_at is not None:
        resubmit(session, actor, organisation)


def resubmit(session: Session, actor: User, organisation: Organisation) -> None:
    """After a rejection, the contact edits and asks for another review."""
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied("You do not act for this organisation.")
    organisation.rejected_at = None


def decide_claim(session: Session, actor: User, membership: Membership, approve: bool) -> None:
    _require_coordinator(actor)
    if membership.is_approved:
        raise Conflict("This claim was already approved.")
    audit.on_commit(
        session,
        "membership_approved" if approve else "membership_refused",
        actor,
        target_user_id=membership.user_id,
        organisation_id=membership.organisation_id,
    )
    if approve:
        membership.approved_at = utcnow()
    else:
        session.delete(membership)


def invite(session: Session, actor: User, organisation: Organisation, email: str) -> OrganisationInvite:
    """Email a colleague a signed link that lets them join the organisation once."""
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied("You do not act for this organisation.")
    refuse_line_breaks(email=email)
    email = normalise_email(email)
    existing = find_by_email(session, email)
    if existing and approved_membership(session, existing, organisation):
        raise Conflict(f"{email} is already a member.", field="email")
    record = OrganisationInvite(organisation=organisation, email=email, invited_by_id=actor.id)
    session.add(record)
    session.flush()
    token = make_token(ORGANISATION_INVITE, {"invite": record.id, "email": email})
    queue_email(
        session,
        to=(email, ""),
        template="organisation_invite",
        subject=f"Join {organisation.name} on the IR Opportunity Matcher",
        category="organisation",
        context={
            "organisation": organisation,
            "inviter": actor,
            "link": url_for("organisations.accept_invite", token=token, _external=True),
        },
    )
    return record


def invite_for_token(session: Session, token: str) -> OrganisationInvite:
    payload = read_token(ORGANISATION_INVITE, token)
    record = session.get(OrganisationInvite, payload.get("invite"))
    if record is None or record.email != payload.get("email"):
        raise TokenError("This invitation is no longer valid.")
    if record.accepted_at is not None:
        raise TokenError("This invitation has already been used.")
    return record


def accept_invite(
    session: Session, token: str, user: User | None, name: str = "", password: str = ""
) -> User:
    """Join as the signed-in user, or create the invited person's account on the spot."""
    record = invite_for_token(session, token)
    if user is None:
        user = create_user(session, email=record.email, name=name, password=password, role=Role.ORG_MEMBER)
        user.email_verified_at = utcnow()  # they followed a link sent to this address
    elif user.email != record.email:
        raise DomainError(f"This invitation is for {record.email}. Log in with that address.")
    elif user.role_enum != Role.ORG_MEMBER:
        raise DomainError("Only organisation accounts can join an organisation.")
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == record.organisation_id
        )
    )
    if membership is None:
        membership = Membership(user=user, organisation_id=record.organisation_id, role=MembershipRole.MEMBER)
        session.add(membership)
    membership.approved_at = membership.approved_at or utcnow()
    record.accepted_at, record.accepted_by_id = utcnow(), user.id
    session.flush()
    return user
