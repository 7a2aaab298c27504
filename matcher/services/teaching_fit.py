"""How a teaching volunteer fits a host's teaching request: the procedures they cover, the rules they fail.

`fit(profile, request)` is plain rule evaluation on loaded rows (no queries, no Flask): which of the
request's procedures the volunteer can teach or assist with, and the codes of the rules they fail:

- ``months``: none of the months they can travel is among the request's preferred months (or they
  gave no months); a request with no preferred months takes any month.
- ``language``: the request's language of instruction is not one they marked as a language they
  teach in. Marking it is what counts, whatever level they gave: a volunteer marks only the
  languages they can teach in, and hosts see the level on their card.
- ``weeks``: the request's weeks are more than the weeks a year they offered minus the weeks
  already committed that year on teaching placements they accepted (`committed_weeks`).
- ``role``: their profession is not among the roles the request wants.
- ``remote``: a remote request, and they do not teach remotely.

``licence`` is a warning, not a failure: they hold no valid licence for the site's country, and
many countries grant visiting teachers a temporary one. On-site rules (months, weeks, licence)
do not apply to remote requests. The same language and weeks rules are hard rules of the matching
engine (`engine.scoring`); `matcher.fit_words` words the codes for the reader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.models import Match, Opportunity, User
from matcher.models.matching import MatchStatus
from matcher.models.opportunity import OpportunityType
from matcher.models.profile import Profile
from matcher.models.teaching import (
    Procedure,
    RequestRole,
    RequestStatus,
    Site,
    SkillLevel,
    TeachingMode,
    TeachingRequest,
)

# Rules in the order they are shown.
RULES = ("role", "language", "months", "weeks", "remote")
LICENCE = "licence"
# Placements whose weeks count against the volunteer's budget: accepted, or done.
COMMITTED = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)


@dataclass(frozen=True)
class Fit:
    """A volunteer against one teaching request."""

    teach: tuple[Procedure, ...]  # requested procedures they can teach
    assist: tuple[Procedure, ...]  # requested procedures they can assist with (and not teach)
    missing: tuple[Procedure, ...]  # requested procedures they can do neither
    failed: tuple[str, ...]  # codes of the rules they fail, in RULES order
    warnings: tuple[str, ...] = ()  # "licence"
    year: int | None = None  # the year whose weeks budget was checked
    weeks_left: int | None = None  # weeks still offered that year (None: no budget given)

    @property
    def covers(self) -> bool:
        """They can teach or assist with at least one requested procedure."""
        return bool(self.teach or self.assist)

    @property
    def passes(self) -> bool:
        return not self.failed


def skill_levels(profile: Profile) -> dict[int, str]:
    """{procedure id: teach | assist} of a profile."""
    return {s.procedure_id: s.level for s in profile.procedure_skills}


def instruction_languages(profile: Profile) -> frozenset[str]:
    return frozenset(x.language for x in profile.languages if x.instructs)


def valid_licence_countries(profile: Profile, today: date) -> frozenset[str]:
    """Countries where a licence of theirs has not expired (no expiry date: valid)."""
    return frozenset(
        x.country_code for x in profile.licences if x.expires_on is None or x.expires_on >= today
    )


def request_year(request: TeachingRequest, today: date) -> int:
    return request.year or today.year


def fit(
    profile: Profile,
    request: TeachingRequest,
    *,
    profession_code: str | None = None,
    committed: int = 0,
    today: date | None = None,
) -> Fit:
    """The volunteer's fit for the request. ``committed``: weeks they already committed in the
    request's year (`committed_weeks`); ``profession_code``: theirs (the profile's user's by default)."""
    today = today or date.today()
    skills = skill_levels(profile)
    teach = tuple(p for p in request.procedures if skills.get(p.id) == SkillLevel.TEACH)
    assist = tuple(p for p in request.procedures if skills.get(p.id) == SkillLevel.ASSIST)
    missing = tuple(p for p in request.procedures if p.id not in skills)
    if profession_code is None:
        profession_code = profile.user.profession_code
    failed: set[str] = set()
    warnings: tuple[str, ...] = ()
    roles = {r.profession_code for r in request.roles}
    if roles and profession_code not in roles:
        failed.add("role")
    if request.instruction_language not in instruction_languages(profile):
        failed.add("language")
    year = weeks_left = None
    if request.mode == TeachingMode.REMOTE:
        if not profile.teaches_remotely:
            failed.add("remote")
    else:
        months = set(profile.teaching_months or ())
        if not months or (request.months and not months & set(request.months)):
            failed.add("months")
        year = request_year(request, today)
        if profile.teaching_weeks is not None:
            weeks_left = max(0, profile.teaching_weeks - committed)
        if weeks_left is None or (request.weeks or 0) > weeks_left:
            failed.add("weeks")
        if request.site.country_code not in valid_licence_countries(profile, today):
            warnings = (LICENCE,)
    return Fit(
        teach=teach,
        assist=assist,
        missing=missing,
        failed=tuple(code for code in RULES if code in failed),
        warnings=warnings,
        year=year,
        weeks_left=weeks_left,
    )


def opportunity_weeks(starts_on: date, ends_on: date, flexible: bool, min_weeks: int | None) -> int:
    """Weeks a placement takes: its whole window, or its shortest stay when flexible (rounded up)."""
    if flexible and min_weeks:
        return min_weeks
    return -(-((ends_on - starts_on).days + 1) // 7)


def committed_weeks(
    session: Session, user_ids: Iterable[int], *, leave_out: int | None = None
) -> dict[int, dict[int, int]]:
    """{user id: {year: weeks}} committed on teaching visits they accepted or completed, counted in
    the year each starts; ``leave_out``: an opportunity not to count (the one being considered)."""
    ids = list(user_ids)
    if not ids:
        return {}
    stmt = (
        select(
            Match.applicant_id,
            Opportunity.starts_on,
            Opportunity.ends_on,
            Opportunity.flexible,
            Opportunity.min_weeks,
        )
        .join(Opportunity, Opportunity.id == Match.opportunity_id)
        .where(
            Match.applicant_id.in_(ids),
            Match.status.in_(list(COMMITTED)),
            Opportunity.type == OpportunityType.TEACHING_VISIT,
        )
    )
    if leave_out is not None:
        stmt = stmt.where(Opportunity.id != leave_out)
    weeks: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for user_id, starts, ends, flexible, minimum in session.execute(stmt):
        weeks[user_id][starts.year] += opportunity_weeks(starts, ends, flexible, minimum)
    return {user: dict(years) for user, years in weeks.items()}


def weeks_committed_in(session: Session, user_id: int, year: int) -> int:
    return committed_weeks(session, [user_id]).get(user_id, {}).get(year, 0)


def procedure_codes(skills: Sequence[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """(codes they can teach, codes they can assist with) from (code, level) pairs."""
    teach = frozenset(code for code, level in skills if level == SkillLevel.TEACH)
    assist = frozenset(code for code, level in skills if level == SkillLevel.ASSIST)
    return teach, assist


@dataclass(frozen=True)
class RequestFit:
    """An open teaching request, and the volunteer's fit for it (None for someone without a profile)."""

    request: TeachingRequest
    fit: Fit | None


def volunteer_profile(session: Session, user_id: int) -> Profile | None:
    """A profile with what `fit` reads: skills, languages, licences and the user's profession."""
    return session.scalar(
        select(Profile)
        .where(Profile.user_id == user_id)
        .options(
            selectinload(Profile.user).joinedload(User.profession),
            selectinload(Profile.procedure_skills),
            selectinload(Profile.languages),
            selectinload(Profile.licences),
        )
    )


def open_requests(session: Session) -> list[TeachingRequest]:
    """Open teaching requests, soonest year first, with their site, procedures and roles."""
    return list(
        session.scalars(
            select(TeachingRequest)
            .join(Site, Site.id == TeachingRequest.site_id)
            .where(TeachingRequest.status == RequestStatus.OPEN)
            .options(
                selectinload(TeachingRequest.site).joinedload(Site.organisation),
                selectinload(TeachingRequest.procedures),
                selectinload(TeachingRequest.roles).joinedload(RequestRole.profession),
            )
            .order_by(TeachingRequest.year.is_(None), TeachingRequest.year, Site.name, TeachingRequest.id)
        )
    )


def browse(
    session: Session, user: User, *, show_all: bool = False, today: date | None = None
) -> tuple[list[RequestFit], Profile | None]:
    """Open requests with the volunteer's fit for each; by default only those with a procedure
    they can teach or assist with (``show_all``: every open request). Someone without a profile
    sees every request, without a fit."""
    today = today or date.today()
    profile = volunteer_profile(session, user.id) if user.is_applicant else None
    requests = open_requests(session)
    if profile is None:
        return [RequestFit(r, None) for r in requests], None
    committed = committed_weeks(session, [user.id]).get(user.id, {})
    fits = [
        RequestFit(r, fit(profile, r, committed=committed.get(request_year(r, today), 0), today=today))
        for r in requests
    ]
    if not show_all:
        fits = [f for f in fits if f.fit is not None and f.fit.covers]
    return fits, profile
