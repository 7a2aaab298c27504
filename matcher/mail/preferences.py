"""Preferences per category, and signed one-click unsubscribe links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Role, User
from matcher.models.notification import ESSENTIAL, Category, Frequency, NotificationPreference
from matcher.services.errors import DomainError
from matcher.translate import gettext as _

DEFAULTS = {
    Category.ACCOUNT: Frequency.IMMEDIATE,
    Category.ORGANISATION: Frequency.IMMEDIATE,
    Category.MATCHING: Frequency.IMMEDIATE,
    Category.COORDINATION: Frequency.IMMEDIATE,
    Category.ALERTS: Frequency.WEEKLY,
}
# Alerts come only as digests: one email per new opportunity would be noise.
ALLOWED = {
    category: (
        (Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF)
        if category == Category.ALERTS
        else tuple(Frequency)
    )
    for category in Category
}

# The optional categories whose emails reach each role; the settings page shows only these.
ROLE_CATEGORIES = {
    Role.STUDENT: (Category.MATCHING, Category.ALERTS),
    Role.TRAINEE: (Category.MATCHING, Category.ALERTS),
    Role.PROFESSIONAL: (Category.MATCHING, Category.ALERTS),
    Role.ORG_MEMBER: (Category.ORGANISATION, Category.MATCHING),
    Role.COORDINATOR: (Category.COORDINATION, Category.MATCHING),
    Role.ADMIN: (Category.MATCHING,),
}


def categories_for(user: User) -> tuple[Category, ...]:
    """The categories of email that can reach this person, given their role."""
    return ROLE_CATEGORIES.get(user.role_enum, ())


def frequency_for(session: Session, user: User, category: str) -> Frequency:
    if category in ESSENTIAL or category not in DEFAULTS:
        return Frequency.IMMEDIATE
    chosen = session.scalar(
        select(NotificationPreference.frequency).where(
            NotificationPreference.user_id == user.id, NotificationPreference.category == category
        )
    )
    return Frequency(chosen) if chosen else DEFAULTS[Category(category)]


def all_for(session: Session, user: User) -> dict[Category, Frequency]:
    return {c: frequency_for(session, user, c) for c in categories_for(user) if c not in ESSENTIAL}


def set_frequency(session: Session, user: User, category: str, frequency: str) -> None:
    if category in ESSENTIAL:
        raise DomainError(_("Account and security emails cannot be turned off."), field=category)
    try:
        category, frequency = Category(category), Frequency(frequency)
    except ValueError:
        raise DomainError(_("Choose one of the listed options."), field=str(category)) from None
    if frequency not in ALLOWED[category]:
        raise DomainError(
            _(
                "“%(category)s” emails cannot be sent that way: choose one of the listed options.",
                category=category.label,
            ),
            field=category.value,
        )
    row = session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.category == category
        )
    )
    if row is None:
        row = NotificationPreference(user_id=user.id, category=category)
        session.add(row)
    row.frequency = frequency


def set_frequencies(session: Session, user: User, chosen: Mapping[str, str]) -> None:
    """Save the frequency chosen for each category that can be chosen; essential ones stay on."""
    for category in categories_for(user):
        if category not in ESSENTIAL and category.value in chosen:
            set_frequency(session, user, category, chosen[category.value])


def unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(user: User, category: str, serializer: URLSafeSerializer | None = None) -> str:
    """The signed token of a one-click unsubscribe link (pass a `serializer` when signing many)."""
    return (serializer or unsubscribe_serializer()).dumps({"uid": user.id, "cat": str(category)})


def unsubscribe_url(user: User, category: str) -> str:
    return url_for("notifications.unsubscribe", token=unsubscribe_token(user, category), _external=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("cat") not in {c.value for c in Category} - ESSENTIAL:
        return None
    return int(data["uid"]), data["cat"]


def frequencies_for(session: Session, wanted: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Frequency]:
    """`frequency_for` of many (user id, category) pairs in two queries, OFF for a user who is gone.

    Essential categories are left out of the answer: they are always sent.
    """
    asked = {(user_id, str(category)) for user_id, category in wanted if category not in ESSENTIAL}
    users = {user_id for user_id, _ in asked}
    if not users:
        return {}
    present = set(session.scalars(select(User.id).where(User.id.in_(users))))
    rows = session.execute(
        select(
            NotificationPreference.user_id, NotificationPreference.category, NotificationPreference.frequency
        ).where(
            NotificationPreference.user_id.in_(users),
            NotificationPreference.category.in_({category for _, category in asked}),
        )
    )
    chosen = {(user_id, category): frequency for user_id, category, frequency in rows}

    def one(user_id: int, category: str) -> Frequency:
        if user_id not in present:
            return Frequency.OFF
        if category not in DEFAULTS:
            return Frequency.IMMEDIATE
        made = chosen.get((user_id, category))
        return Frequency(made) if made else DEFAULTS[Category(category)]

    return {(user_id, category): one(user_id, category) for user_id, category in asked}
