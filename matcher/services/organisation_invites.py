"""Colleague invitations: an organisation's owners invite by email (limited per day and per
organisation); the link, signed and single-use, makes or joins the invitee's account."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.mail.outbox import queue_email
from matcher.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationInvite,
    Role,
    User,
)
from matcher.security import ORGANISATION_INVITE, TokenError, make_token, read_token
from matcher.services.accounts import create_user, find_by_email, normalise_email
from matcher.services.errors import Conflict, DomainError, PermissionDenied, TooMany
from matcher.services.permissions import approved_membership, can_act_for
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.translate import ngettext


def invite(session: Session, actor: User, organisation: Organisation, email: str) -> OrganisationInvite:
    """Email a colleague a signed link that lets them join the organisation once."""
    if not can_act_for(session, actor, organisation):
        raise PermissionDenied(_("You do not act for this organisation."))
    refuse_line_breaks(email=email)
    email = normalise_email(email)
    existing = find_by_email(session, email)
    if existing and approved_membership(session, existing, organisation):
        raise Conflict(_("%(email)s is already a member.", email=email), field="email")
    _check_invitation_limits(session, actor, organisation)
    record = OrganisationInvite(organisation=organisation, email=email, invited_by_id=actor.id)
    session.add(record)
    session.flush()
    token = make_token(ORGANISATION_INVITE, {"invite": record.id, "email": email})
    queue_email(
        session,
        to=(email, ""),
        template="organisation_invite",
        subject=_l("Join %(organisation)s on the IR Opportunity Matcher", organisation=organisation.name),
        category="organisation",
        context={
            "organisation": organisation,
            "inviter": actor,
            "link": url_for("organisations.accept_invite", token=token, _external=True),
        },
    )
    return record


def _check_invitation_limits(session: Session, actor: User, organisation: Organisation) -> None:
    """At most so many invitations per member and per organisation in any 24 hours.

    Counted from the invitations table itself, so the limit holds across processes and machines.
    """
    since = utcnow() - timedelta(hours=24)
    config = current_app.config
    limits = (
        (OrganisationInvite.invited_by_id == actor.id, config["INVITES_PER_MEMBER_PER_DAY"], None),
        (
            OrganisationInvite.organisation_id == organisation.id,
            config["INVITES_PER_ORGANISATION_PER_DAY"],
            organisation.name,
        ),
    )
    for condition, most, name in limits:
        sent = session.scalar(
            select(func.count(OrganisationInvite.id)).where(condition, OrganisationInvite.created_at >= since)
        )
        if sent >= most:
            if name is None:
                message = ngettext(
                    "You have sent %(num)d invitation in the last 24 hours, the most one person may send. "
                    "Try again tomorrow; the address you typed is kept.",
                    "You have sent %(num)d invitations in the last 24 hours, the most one person may send. "
                    "Try again tomorrow; the address you typed is kept.",
                    sent,
                )
            else:
                message = ngettext(
                    "%(name)s has sent %(num)d invitation in the last 24 hours, the most allowed. "
                    "Try again tomorrow; the address you typed is kept.",
                    "%(name)s has sent %(num)d invitations in the last 24 hours, the most allowed. "
                    "Try again tomorrow; the address you typed is kept.",
                    sent,
                    name=name,
                )
            raise TooMany(message, field="email")


def invite_for_token(session: Session, token: str) -> OrganisationInvite:
    payload = read_token(ORGANISATION_INVITE, token)
    record = session.get(OrganisationInvite, payload.get("invite"))
    if record is None or record.email != payload.get("email"):
        raise TokenError(_("This invitation is no longer valid."))
    if record.accepted_at is not None:
        raise TokenError(_("This invitation has already been used."))
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
        raise DomainError(
            _("This invitation is for %(email)s. Log in with that address.", email=record.email)
        )
    elif user.role_enum != Role.ORG_MEMBER:
        raise DomainError(_("Only organisation accounts can join an organisation."))
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
