"""Who is told about what: coordinators, an organisation's members."""

from __future__ import annotations

from typing import Any

from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.mail.outbox import queue_email
from matcher.models import Organisation, Role, User
from matcher.models.notification import Category
from matcher.translate import gettext as _
from matcher.translate import ngettext


def coordinators(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == Role.COORDINATOR).order_by(User.id)))


def _awaiting(organisations: int, claims: int, renames: int) -> str:
    parts = []
    if organisations:
        parts.append(
            ngettext("%(num)d organisation to verify", "%(num)d organisations to verify", organisations)
        )
    if claims:
        parts.append(ngettext("%(num)d claim to decide", "%(num)d claims to decide", claims))
    if renames:
        parts.append(ngettext("%(num)d new name to approve", "%(num)d new names to approve", renames))
    return _("Waiting for you: %(list)s", list=", ".join(parts))


def awaiting_subject(organisations: int, claims: int, renames: int) -> LazyString:
    """The subject of the coordinators' "organisations awaiting" email, worded for each reader."""
    return LazyString(_awaiting, organisations, claims, renames)


def tell_coordinators(session: Session, *, template: str, subject: str, context: dict[str, Any]) -> None:
    for person in coordinators(session):
        queue_email(
            session,
            to=person,
            template=template,
            subject=subject,
            category=Category.COORDINATION,
            context=context,
        )


def tell_organisation(
    session: Session,
    organisation: Organisation,
    *,
    template: str,
    subject: str,
    context: dict[str, Any],
    digest_line: str | None = None,
) -> None:
    for membership in organisation.memberships:
        if membership.is_approved:
            queue_email(
                session,
                to=membership.user,
                template=template,
                subject=subject,
                category=Category.ORGANISATION,
                context=context,
                digest_line=digest_line,
            )
