"""Daily and weekly digests, new-opportunity alerts and reply reminders.

Each is safe to run from cron as often as wanted: a SentOnce key per user and period (or per
match and reminder) makes a second run in the same period send nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.formatting import day, long_day
from matcher.mail.compose import recipient_locale
from matcher.mail.outbox import queue_email
from matcher.mail.preferences import frequency_for
from matcher.models import Application, Opportunity, OpportunityStatus, Organisation, User
from matcher.models.matching import Match, MatchStatus
from matcher.models.notification import Category, DigestItem, Frequency, SentOnce
from matcher.models.opportunity import opportunity_interests
from matcher.models.profile import Profile, profile_interests
from matcher.models.user import APPLICANT_ROLES
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

REMINDER_DAYS = (3, 1)
MAX_ALERTS = 20


def period_key(frequency: Frequency, today: date) -> str:
    if frequency == Frequency.DAILY:
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def claim_once(session: Session, key: str) -> bool:
    """True the first time a key is claimed; False when it was already (in any transaction)."""
    try:
        with session.begin_nested():
            session.add(SentOnce(key=key))
            session.flush()
    except IntegrityError:
        return False
    return True


def _queue_alerts(session: Session, user: User, today: date) -> None:
    """Stage digest lines for new opportunities matching the applicant's interests, once each."""
    profile = session.scalar(select(Profile).where(Profile.user_id == user.id))
    if profile is None:
        return
    interest_ids = select(profile_interests.c.interest_id).where(profile_interests.c.profile_id == profile.id)
    already = select(DigestItem.opportunity_id).where(
        DigestItem.user_id == user.id, DigestItem.opportunity_id.is_not(None)
    )
    applied = select(Application.opportunity_id).where(Application.applicant_id == user.id)
    fresh = session.scalars(
        select(Opportunity)
        .join(Organisation, Opportunity.organisation_id == Organisation.id)
        .where(
            Opportunity.status == OpportunityStatus.PUBLISHED,
            Organisation.verified_at.is_not(None),
            Opportunity.published_at >= utcnow() - timedelta(days=14),
            Opportunity.id.not_in(already),
            Opportunity.id.not_in(applied),
            (Opportunity.deadline.is_(None)) | (Opportunity.deadline >= today),
            exists().where(
                opportunity_interests.c.opportunity_id == Opportunity.id,
                opportunity_interests.c.interest_id.in_(interest_ids),
            ),
        )
        .order_by(Opportunity.published_at.desc())
        .limit(MAX_ALERTS)
    )
    for opportunity in fresh:
        if opportunity.deadline:
            # Worded now, in the reader's language, like the digest lines staged by compose.
            with force_locale(recipient_locale(user)):
                text = _(
                    "%(title)s — %(city)s, apply by %(day)s",
                    title=opportunity.title,
                    city=opportunity.city,
                    day=day(opportunity.deadline),
                )
        else:
            text = opportunity.title
        session.add(
            DigestItem(
                user_id=user.id,
                category=Category.ALERTS,
                opportunity_id=opportunity.id,
                text=text,
                link=url_for("opportunities.show", opportunity_id=opportunity.id, _external=True),
            )
        )
    session.flush()


def send_digests(session: Session, today: date) -> int:
    """Build one digest email per user and period from their waiting lines; returns how many."""
    applicants = session.scalars(select(User).where(User.role.in_(APPLICANT_ROLES)))
    for user in applicants:
        if frequency_for(session, user, Category.ALERTS) != Frequency.OFF:
            _queue_alerts(session, user, today)
    pending: dict[int, list[DigestItem]] = defaultdict(list)
    for item in session.scalars(
        select(DigestItem).where(DigestItem.digested_at.is_(None)).order_by(DigestItem.id)
    ):
        pending[item.user_id].append(item)
    sent = 0
    for user_id, items in pending.items():
        user = session.get(User, user_id)
        by_frequency: dict[Frequency, list[DigestItem]] = defaultdict(list)
        for item in items:
            by_frequency[frequency_for(session, user, item.category)].append(item)
        for item in by_frequency.pop(Frequency.OFF, []):
            item.digested_at = utcnow()  # turned off since: dropped, never sent
        for frequency, chosen in by_frequency.items():
            if frequency == Frequency.IMMEDIATE:
                frequency = Frequency.DAILY  # switched back to immediate: flush what waited
            if not claim_once(session, f"digest:{user_id}:{frequency.value}:{period_key(frequency, today)}"):
                continue
            sections: dict[Category, list[DigestItem]] = defaultdict(list)
            for item in chosen:
                sections[Category(item.category)].append(item)
                item.digested_at = utcnow()
            queue_email(
                session,
                to=(user.email, user.name),
                locale=recipient_locale(user),
                template="digest",
                category="digest",
                subject=(
                    _l("Your daily summary from the IR Opportunity Matcher")
                    if frequency == Frequency.DAILY
                    else _l("Your weekly summary from the IR Opportunity Matcher")
                ),
                context={
                    "sections": dict(sections),
                    "frequency": frequency.value,
                    "settings_url": url_for("notifications.settings", _external=True),
                },
            )
            sent += 1
    session.flush()
    return sent


def send_reminders(session: Session, today: date) -> int:
    """Remind applicants 3 days and 1 day before their reply deadline; once per match and day."""
    sent = 0
    for days in REMINDER_DAYS:
        due = session.scalars(
            select(Match).where(
                Match.status == MatchStatus.PUBLISHED, Match.response_deadline == today + timedelta(days=days)
            )
        )
        for match in due:
            if match.applicant is None or not claim_once(session, f"reminder:{match.id}:{days}"):
                continue
            queued = queue_email(
                session,
                to=match.applicant,
                template="reply_reminder",
                category=Category.OFFERS,
                subject=_l(
                    "Reply by %(day)s: %(title)s",
                    day=LazyString(long_day, match.response_deadline),
                    title=match.opportunity.title,
                ),
                context={
                    "match": match,
                    "opportunity": match.opportunity,
                    "days": days,
                    "link": url_for("placements.mine", _external=True),
                },
            )
            sent += queued is not None
    session.flush()
    return sent
