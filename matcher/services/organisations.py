"""Organisations: profile edits and coordinator verification (colleague invitations: organisation_invites)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher import audit
from matcher.db import utcnow
from matcher.mail.digests import claim_once
from matcher.mail.outbox import queue_email
from matcher.mail.people import awaiting_subject, tell_coordinators
from matcher.models import (
    Country,
    Membership,
    Organisation,
    User,
)
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.security import fingerprint
from matcher.services.errors import Conflict, DomainError, PermissionDenied
from matcher.services.permissions import can_act_for, is_staff
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l


@dataclass
class OrganisationProfile:
    name: str
    description: str
    website: str | None
    social_handle: str | None
    country_code: str | None
    countries: list[str]
    written_in: str = "en"  # the language of the description


def update_profile(
    session: Session, actor: User, organisation: Organisation, data: OrganisationProfile
) -> None:
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied(_("You do not act for this organisation."))
    refuse_line_breaks(name=data.name, website=data.website, social_handle=data.social_handle)
    if data.website and not data.website.startswith(("https://", "http://")):
        raise DomainError(_("Give the full address, starting with https://"), field="website")
    codes = {c for c in [data.country_code, *data.countries] if c}
    found = set(session.scalars(select(Country.iso2).where(Country.iso2.in_(codes))))
    if found != codes:
        raise DomainError(_("Choose countries from the list."), field="countries")
    if data.written_in not in CONTENT_LANGUAGES:
        raise DomainError(_("Choose the language the description is written in."), field="written_in")
    _rename(actor, organisation, data.name.strip())
    organisation.description = data.description.strip()
    organisation.written_in = data.written_in
    organisation.website = data.website or None
    organisation.social_handle = data.social_handle or None
    organisation.country_code = data.country_code or None
    organisation.countries = list(session.scalars(select(Country).where(Country.iso2.in_(data.countries))))


def _rename(actor: User, organisation: Organisation, name: str) -> None:
    """A verified organisation's contacts cannot change the name the badge vouches for: the new
    name waits for a coordinator, and the page keeps its verified name (and its opportunities stay
    open to applicants) meanwhile. Coordinators rename at once; so does an unverified organisation,
    whose name a coordinator reads when verifying it."""
    if name == organisation.name:
        organisation.pending_name = None
    elif organisation.is_verified and not is_staff(actor):
        organisation.pending_name = name
    else:
        organisation.name, organisation.pending_name = name, None


def pending_renames(session: Session) -> list[Organisation]:
    """Verified organisations whose new name waits for a coordinator, oldest first."""
    return list(
        session.scalars(
            select(Organisation).where(Organisation.pending_name.is_not(None)).order_by(Organisation.id)
        )
    )


def decide_rename(session: Session, actor: User, organisation: Organisation, approve: bool) -> str:
    """Approve or refuse the organisation's new name; tells its members; returns the name decided on."""
    _require_coordinator(actor)
    if organisation.pending_name is None:
        raise Conflict(_("%(name)s has no new name waiting.", name=organisation.name))
    old, new = organisation.name, organisation.pending_name
    audit.on_commit(
        session,
        "organisation_renamed" if approve else "organisation_rename_refused",
        actor,
        organisation_id=organisation.id,
        old=old,
        new=new,
    )
    organisation.pending_name = None
    if approve:
        organisation.name = new
    for user in owners(organisation):
        queue_email(
            session,
            to=user,
            template="organisation_renamed",
            subject=_l("New name approved: %(name)s", name=new)
            if approve
            else _l("New name not approved: %(name)s keeps its name", name=old),
            category="organisation",
            context={
                "old": old,
                "new": new,
                "approved": approve,
                "link": url_for("organisations.show", slug=organisation.slug, _external=True),
            },
        )
    return new


def owners(organisation: Organisation) -> list[User]:
    """The approved members to tell about decisions on the organisation."""
    return [m.user for m in organisation.memberships if m.is_approved]


def has_confirmed_contact():
    """Organisations with an approved member whose address is confirmed: only those reach
    coordinators, so a sign-up with somebody else's address never asks for anything."""
    return exists().where(
        Membership.organisation_id == Organisation.id,
        Membership.approved_at.is_not(None),
        Membership.user_id == User.id,
        User.email_verified_at.is_not(None),
    )


def awaiting_verification():
    """The condition of an organisation in the coordinators' queue."""
    return and_(
        Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None), has_confirmed_contact()
    )


def claim_awaiting():
    """The condition of a claim in the coordinators' queue: not decided, its address confirmed."""
    return and_(
        Membership.approved_at.is_(None),
        Membership.user_id.in_(select(User.id).where(User.email_verified_at.is_not(None))),
    )


def pending_organisations(session: Session) -> list[Organisation]:
    """Organisations waiting for a coordinator, oldest first, with their contacts."""
    return list(
        session.scalars(
            select(Organisation)
            .where(awaiting_verification())
            .options(selectinload(Organisation.memberships).joinedload(Membership.user))
            .order_by(Organisation.created_at, Organisation.id)
        )
    )


def pending_claims(session: Session) -> list[Membership]:
    """Claims to act for an organisation by confirmed addresses, oldest first, with who and what."""
    return list(
        session.scalars(
            select(Membership)
            .where(claim_awaiting())
            .options(joinedload(Membership.user), joinedload(Membership.organisation))
            .order_by(Membership.created_at, Membership.id)
        )
    )


def alert_coordinators(session: Session) -> int:
    """Email each coordinator once about every organisation and claim that joined the queue since
    the last call; returns how many entries were new.

    Run from cron with the digests, so that ten sign-ups make one email rather than ten per
    coordinator. An organisation is announced again after a rename (its key holds the name).
    """
    organisations = [
        o
        for o in pending_organisations(session)
        if claim_once(session, f"awaiting-org:{o.id}:{fingerprint(o.name)}")
    ]
    claims = [m for m in pending_claims(session) if claim_once(session, f"awaiting-claim:{m.id}")]
    renames = [
        o
        for o in pending_renames(session)
        if claim_once(session, f"awaiting-rename:{o.id}:{fingerprint(o.pending_name)}")
    ]
    if not organisations and not claims and not renames:
        return 0
    tell_coordinators(
        session,
        template="organisations_awaiting",
        subject=awaiting_subject(len(organisations), len(claims), len(renames)),
        context={
            "organisations": organisations,
            "claims": claims,
            "renames": renames,
            "link": url_for("coordination.organisations", _external=True),
        },
    )
    return len(organisations) + len(claims) + len(renames)


def _require_coordinator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators can verify organisations."))


def verify(session: Session, actor: User, organisation: Organisation) -> None:
    _require_coordinator(actor)
    if organisation.is_verified:
        raise Conflict(_("%(name)s is already verified.", name=organisation.name))
    organisation.verified_at, organisation.verified_by_id = utcnow(), actor.id
    audit.on_commit(session, "organisation_verified", actor, organisation_id=organisation.id)
    organisation.rejected_at = organisation.rejection_reason = None
    for user in owners(organisation):
        queue_email(
            session,
            to=user,
            template="organisation_verified",
            subject=_l("%(organisation)s is verified", organisation=organisation.name),
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
        raise DomainError(_("Say why, so the contact can put it right."), field="reason")
    organisation.rejected_at, organisation.rejection_reason = utcnow(), reason
    audit.on_commit(session, "organisation_rejected", actor, organisation_id=organisation.id, reason=reason)
    organisation.verified_at = organisation.verified_by_id = None
    for user in owners(organisation):
        queue_email(
            session,
            to=user,
            template="organisation_rejected",
            subject=_l("%(organisation)s could not be verified", organisation=organisation.name),
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
        raise PermissionDenied(_("You do not act for this organisation."))
    organisation.rejected_at = None


def decide_claim(session: Session, actor: User, membership: Membership, approve: bool) -> None:
    _require_coordinator(actor)
    if membership.is_approved:
        raise Conflict(_("This claim was already approved."))
    if approve and not membership.user.is_verified:
        raise Conflict(
            _(
                "%(email)s has not confirmed the address yet, so the claim cannot be approved.",
                email=membership.user.email,
            )
        )
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
