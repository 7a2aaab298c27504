"""Remote teaching: volunteers who teach remotely, matched to a remote request by the overlap of
the request's hours (in the site's time zone) with their working day (in their own), and, for
mentorship, by how many mentees each mentor takes.

A volunteer's working day is 08:00-20:00 where they live (`WORKING_DAY`); the overlap is measured
on the request's next weekday, so summer time on either side counts as it will be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.models import Profile, RequestStatus, TeachingMode, TeachingRequest, TeachingWish, User
from matcher.models.teaching import RemoteFormat
from matcher.services.teams.inputs import is_volunteer, teaching_professions

WORKING_DAY = (time(8), time(20))
MIN_OVERLAP_MINUTES = 60


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _next_weekday(today: date) -> date:
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def overlap_minutes(
    site_zone: str,
    starts: time,
    ends: time,
    volunteer_zone: str,
    on: date,
    day: tuple[time, time] = WORKING_DAY,
) -> int:
    """Minutes of [starts, ends] in the site's zone that fall in the volunteer's working day, on `on`."""
    site = _zone(site_zone)
    a = datetime.combine(on, starts, site)
    b = datetime.combine(on, ends, site)
    home = _zone(volunteer_zone)
    best = 0
    # Their working day on the day before, of and after (far zones cross midnight).
    for shift in (-1, 0, 1):
        their = on + timedelta(days=shift)
        c = datetime.combine(their, day[0], home)
        d = datetime.combine(their, day[1], home)
        best += max(int((min(b, d) - max(a, c)).total_seconds() // 60), 0)
    return best


@dataclass(frozen=True)
class RemoteFit:
    volunteer: User
    overlap: int  # minutes a session day
    mentees: int | None  # the most mentees they take (mentorship); None: not said


@dataclass(frozen=True)
class RemotePlan:
    request: TeachingRequest
    fits: list[RemoteFit]  # best overlap first
    mentors: list[tuple[User, int]]  # (mentor, mentees given) for a mentorship request
    mentees_left: int  # mentees no mentor could take


def open_remote_requests(session: Session) -> list[TeachingRequest]:
    return list(
        session.scalars(
            select(TeachingRequest)
            .where(TeachingRequest.mode == TeachingMode.REMOTE, TeachingRequest.status == RequestStatus.OPEN)
            .options(selectinload(TeachingRequest.site), selectinload(TeachingRequest.procedures))
            .order_by(TeachingRequest.id)
        )
    )


def plans(session: Session, requests: list[TeachingRequest], today: date) -> list[RemotePlan]:
    """`plan` of each request, the volunteers who teach remotely read once for all."""
    professions = teaching_professions(session)
    rows = session.execute(
        select(User, TeachingWish.mentees)
        .join(Profile, Profile.user_id == User.id)
        .outerjoin(TeachingWish, TeachingWish.user_id == User.id)
        .where(Profile.teaches_remotely.is_(True))
        .order_by(User.id)
    ).all()
    volunteers = [(user, mentees) for user, mentees in rows if is_volunteer(user, professions)]
    return [_plan(request, volunteers, today) for request in requests]


def plan(session: Session, request: TeachingRequest, today: date) -> RemotePlan:
    """Who can teach this remote request (enough overlap), and for mentorship, mentors given
    mentees up to their capacity, best overlap first, until every mentee has one."""
    return plans(session, [request], today)[0]


def _plan(request: TeachingRequest, volunteers: list[tuple[User, int | None]], today: date) -> RemotePlan:
    on = _next_weekday(today)
    fits = []
    for user, mentees in volunteers:
        if request.remote_from is None or request.remote_until is None:
            continue
        minutes = overlap_minutes(
            request.site.timezone, request.remote_from, request.remote_until, user.timezone, on
        )
        if minutes >= MIN_OVERLAP_MINUTES:
            fits.append(RemoteFit(user, minutes, mentees))
    fits.sort(key=lambda f: (-f.overlap, -(f.mentees or 0), f.volunteer.id))
    mentors: list[tuple[User, int]] = []
    left = 0
    if request.remote_format == RemoteFormat.MENTORSHIP:
        left = request.mentees or 0
        for fit in fits:
            if left <= 0:
                break
            if fit.mentees:
                given = min(fit.mentees, left)
                mentors.append((fit.volunteer, given))
                left -= given
    return RemotePlan(request, fits, mentors, left)


def mentors_needed(mentees: int, per_mentor: int) -> int:
    """How many mentors `mentees` need when each takes `per_mentor`."""
    return math.ceil(mentees / per_mentor) if mentees > 0 and per_mentor > 0 else 0
