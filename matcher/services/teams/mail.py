"""The teams' emails, through the outbox in each recipient's language.

Offers and rosters are essential (Category.OFFERS: always sent); the host's "team to confirm"
is its organisation's news; a replacement proposed after a decline is the coordinators'.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.mail.outbox import queue_email
from matcher.mail.people import tell_coordinators, tell_organisation
from matcher.models import Category, Profession, Team, TeamMember, User
from matcher.translate import lazy_gettext as _l


def _professions(session: Session) -> dict[str, Profession]:
    return {p.code: p for p in session.scalars(select(Profession))}


def _team_context(session: Session, team: Team) -> dict[str, Any]:
    visit = team.visit
    request = visit.teaching_request
    holding = sorted(team.holding, key=lambda m: (m.role, m.user.name))
    needs = list(request.procedures) if request else []
    skills = {m.user_id: set(m.reasons.get("covers", [])) for m in holding}
    return {
        "team": team,
        "visit": visit,
        "site": visit.site,
        "members": holding,
        "professions": _professions(session),
        "needs": needs,
        "covered": [p for p in needs if any(p.code in s for s in skills.values())],
        "missing": [p for p in needs if not any(p.code in s for s in skills.values())],
        "host_contact": (visit.contact_name, visit.contact_email),
    }


def team_to_confirm(session: Session, team: Team) -> None:
    """To the host's members: the team a coordinator approved, its coverage, and where to confirm."""
    tell_organisation(
        session,
        team.visit.organisation,
        template="team_to_confirm",
        subject=_l("A teaching team to confirm: %(title)s", title=team.visit.title),
        context={
            **_team_context(session, team),
            "link": url_for("teams.host_team", team_id=team.id, _external=True),
        },
    )


def offer(session: Session, member: TeamMember) -> None:
    """To the member: their place, the dates, and the day to answer by."""
    team = member.team
    queue_email(
        session,
        to=member.user,
        template="team_offer",
        category=Category.OFFERS,
        subject=_l("You are offered a place in a teaching team: %(title)s", title=team.visit.title),
        context={
            **_team_context(session, team),
            "member": member,
            "link": url_for("teams.offer", member_id=member.id, _external=True),
        },
    )


def roster(session: Session, member: TeamMember) -> None:
    """To a member who accepted: the team's roster (names, roles, dates, site, host contact) and
    the link to their calendar."""
    team = member.team
    user: User = member.user
    queue_email(
        session,
        to=user,
        template="team_roster",
        category=Category.OFFERS,
        subject=_l("Your teaching team: %(title)s", title=team.visit.title),
        context={
            **_team_context(session, team),
            "member": member,
            "calendar_link": url_for("placements.calendar", token=user.calendar_token, _external=True),
            "link": url_for("teams.mine", _external=True),
        },
    )


def replacement_proposed(session: Session, team: Team, proposed: list[int]) -> None:
    """To the coordinators: a member declined; who the builder proposes instead (maybe nobody)."""
    tell_coordinators(
        session,
        template="team_replacement",
        subject=_l("A member declined: %(title)s", title=team.visit.title),
        context={
            **_team_context(session, team),
            "proposed": [session.get(User, uid) for uid in proposed],
            "link": url_for("teams.review", team_id=team.id, _external=True),
        },
    )
