"""Applicant profiles: fill in, check and show completeness (who may see one: profile_access)."""

from __future__ import annotations

import re
from collections.abc import Sized
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.formatting import language_label
from matcher.models import (
    AvailabilityWindow,
    Country,
    Interest,
    LanguageLevel,
    PlaceOfInterest,
    PlaceScope,
    Profile,
    ProfileLanguage,
    User,
)
from matcher.services import professions
from matcher.services.errors import DomainError, PermissionDenied
from matcher.services.text import refuse_line_breaks
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l
from matcher.words import long_date

MAX_WINDOWS = 6
MAX_LANGUAGES = 8
MAX_STATEMENT = 2000
MAX_INSTITUTION = 200
# Further ahead than this is a typing mistake, not a plan.
HORIZON = timedelta(days=3 * 365)


@dataclass
class ProfileData:
    """What an applicant fills in; checked here, whatever form or API sent it."""

    level_rank: int | None = None
    grade: str | None = None  # for a profession with its own grades, instead of a training level
    institution: str = ""
    home_country_code: str | None = None
    regions: list[str] = field(default_factory=list)
    subregions: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    availability: list[tuple[date, date]] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)
    statement: str = ""


# ---------------------------------------------------------------------------------------------
# Completeness: the matching uses complete profiles only.

# The labels are lazy: a Completeness may be built before the reader's language is known.
COMPLETENESS_PARTS: tuple[tuple[str, str], ...] = (
    ("level", _l("Your training level or grade")),
    ("institution", _l("Your medical school or hospital")),
    ("home_country", _l("Your home country")),
    ("places", _l("Regions or sub-regions you would like to go to")),
    ("interests", _l("Your interests")),
    ("availability", _l("When you are available")),
    ("languages", _l("The languages you speak")),
    ("statement", _l("A short statement")),
)
# How well someone speaks a language, in words (the stored values are LanguageLevel's codes).
LANGUAGE_LEVELS = {
    LanguageLevel.BASIC: _l("Basic"),
    LanguageLevel.CONVERSATIONAL: _l("Conversational"),
    LanguageLevel.PROFESSIONAL: _l("Professional"),
}


@dataclass(frozen=True)
class Completeness:
    done: tuple[str, ...]
    missing: tuple[str, ...]  # labels of the parts still to fill in
    has_cv: bool = False  # welcome, never required: it counts for neither the percentage nor matching

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / (len(self.done) + len(self.missing)))

    @property
    def is_complete(self) -> bool:
        return not self.missing


def completeness(profile: Profile | None) -> Completeness:
    """Which parts of the profile are filled in. A missing profile has nothing filled in."""
    if profile is None:
        return Completeness((), tuple(label for _key, label in COMPLETENESS_PARTS))
    parts = completeness_of(
        level_rank=profile.level_rank,
        grade=profile.grade,
        institution=profile.institution,
        home_country_code=profile.home_country_code,
        places=profile.places,
        interests=profile.interests,
        availability=profile.availability,
        languages=profile.languages,
        statement=profile.statement,
    )
    return Completeness(parts.done, parts.missing, has_cv=profile.has_cv)


def completeness_of(
    *,
    level_rank: int | None,
    institution: str,
    home_country_code: str | None,
    places: Sized,
    interests: Sized,
    availability: Sized,
    languages: Sized,
    statement: str,
    grade: str | None = None,
) -> Completeness:
    """`completeness` on plain values, for callers that read profiles as rows (rounds at scale).

    The level part is a training level, or a grade for a profession that has its own."""
    filled = {
        "level": level_rank is not None or bool(grade),
        "institution": bool(institution.strip()),
        "home_country": home_country_code is not None,
        "places": bool(places),
        "interests": bool(interests),
        "availability": bool(availability),
        "languages": bool(languages),
        "statement": bool(statement.strip()),
    }
    done = tuple(label for key, label in COMPLETENESS_PARTS if filled[key])
    missing = tuple(label for key, label in COMPLETENESS_PARTS if not filled[key])
    return Completeness(done, missing)


def is_complete(profile: Profile | None) -> bool:
    """Whether the matching may use this profile (the CV is welcome but not required)."""
    return completeness(profile).is_complete


# ---------------------------------------------------------------------------------------------
# Reading


def profile_of(session: Session, user: User) -> Profile | None:
    return session.scalar(select(Profile).where(Profile.user_id == user.id))


def places(session: Session) -> dict[str, list[str]]:
    """Regions and their sub-regions, as the country reference data names them."""
    rows = session.execute(
        select(Country.region, Country.subregion).distinct().order_by(Country.region, Country.subregion)
    )
    grouped: dict[str, list[str]] = {}
    for region, subregion in rows:
        if region:
            grouped.setdefault(region, []).append(subregion)
    return grouped


def language_name(code: str) -> str:
    """A language someone speaks, named in the reader's language (formatting.language_label)."""
    return language_label(code) if code else code


# ---------------------------------------------------------------------------------------------
# Writing


def require_applicant(user: User) -> None:
    if not user.is_applicant:
        raise PermissionDenied(_("Only applicants and volunteers have a profile."))


def get_or_create(session: Session, user: User) -> Profile:
    require_applicant(user)
    profile = profile_of(session, user)
    if profile is None:
        profile = Profile(user_id=user.id, institution="", statement="")
        session.add(profile)
        session.flush()
    return profile


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: str, field_name: str) -> str:
    """Refuse invisible control characters (PostgreSQL cannot even store NUL); strip the ends."""
    if _CONTROL_CHARACTERS.search(value):
        raise DomainError(_("This text contains invisible control characters: retype it."), field=field_name)
    return value.strip()


def validate(session: Session, user: User, data: ProfileData, today: date) -> None:
    """Raise DomainError on the first field that breaks a rule of the domain.

    Chosen values are compared with the known ones in Python, so that what a browser sends never
    reaches a query unchecked.
    """
    _check_level_or_grade(session, user, data)
    refuse_line_breaks(institution=data.institution)
    if len(check_text(data.institution, "institution")) > MAX_INSTITUTION:
        raise DomainError(
            _("Keep the institution to %(num)d characters.", num=MAX_INSTITUTION), field="institution"
        )
    if data.home_country_code and data.home_country_code not in set(session.scalars(select(Country.iso2))):
        raise DomainError(_("Choose your home country from the list."), field="home_country")
    known_places = places(session)
    if not set(data.regions) <= set(known_places):
        raise DomainError(_("Choose regions from the list."), field="regions")
    if not set(data.subregions) <= {s for subs in known_places.values() for s in subs}:
        raise DomainError(_("Choose sub-regions from the list."), field="subregions")
    _check_interests(session, data.interests, "interests")
    _check_windows(data.availability, today)
    _check_languages(data.languages)
    if len(check_text(data.statement, "statement")) > MAX_STATEMENT:
        raise DomainError(
            _("Keep the statement to %(num)d characters.", num=MAX_STATEMENT), field="statement"
        )


def _check_level_or_grade(session: Session, user: User, data: ProfileData) -> None:
    """A training level of the profession's range, or one of its own grades: never the other kind."""
    profession = professions.profession_of(session, user)
    levels = {lv.rank for lv in professions.levels_for(session, profession)}
    if data.level_rank is not None and data.level_rank not in levels:
        if levels:
            raise DomainError(_("Choose your training level from the list."), field="level")
        # A profession with grades is never asked for a level: the message belongs to the whole form.
        raise DomainError(_("Your profession has grades, not training levels: choose your grade."))
    grades = professions.grade_codes(profession)
    if data.grade and data.grade not in grades:
        if grades:
            raise DomainError(_("Choose your grade from the list."), field="grade")
        raise DomainError(_("Your profession has training levels, not grades: choose your level."))


def _check_interests(session: Session, slugs: list[str], field_name: str) -> None:
    if not set(slugs) <= set(session.scalars(select(Interest.slug))):
        raise DomainError(_("Choose interests from the list."), field=field_name)


def _check_windows(windows: list[tuple[date, date]], today: date) -> None:
    problems = window_problems(windows, today)
    if problems:
        raise DomainError(problems[0], field="availability")


def window_problems(windows: list[tuple[date | None, date | None]], today: date) -> list[str]:
    """Every problem with the availability periods, numbered as given (the form shows them all)."""
    if len(windows) > MAX_WINDOWS:
        return [_("Give at most %(num)d periods.", num=MAX_WINDOWS)]
    problems = []
    for n, (start, end) in enumerate(windows, 1):
        if start is None or end is None:
            problems.append(_("Period %(num)d: give both the first and the last day.", num=n))
        elif end < start:
            problems.append(_("Period %(num)d ends before it starts.", num=n))
        elif end < today:
            problems.append(_("Period %(num)d is already over: remove it.", num=n))
        elif end > today + HORIZON:
            problems.append(_("Period %(num)d goes more than three years ahead.", num=n))
    if problems:
        return problems
    ordered = sorted(windows)
    for (start_a, end_a), (start_b, end_b) in pairwise(ordered):
        if start_b <= end_a:
            problems.append(
                _(
                    "The periods %(start_a)s to %(end_a)s and %(start_b)s to %(end_b)s overlap: "
                    "make them one period.",
                    start_a=long_date(start_a),
                    end_a=long_date(end_a),
                    start_b=long_date(start_b),
                    end_b=long_date(end_b),
                )
            )
    return problems


def _check_languages(languages: list[tuple[str, str]]) -> None:
    if len(languages) > MAX_LANGUAGES:
        raise DomainError(_("List at most %(num)d languages.", num=MAX_LANGUAGES), field="languages")
    seen: set[str] = set()
    for code, level in languages:
        if not _is_language_code(code):
            raise DomainError(_("Choose languages from the list."), field="languages")
        if level not in {lv.value for lv in LanguageLevel}:
            raise DomainError(
                _("Choose how well you speak %(language)s.", language=language_name(code)), field="languages"
            )
        if code in seen:
            raise DomainError(
                _("%(language)s is listed twice: list each language once.", language=language_name(code)),
                "languages",
            )
        seen.add(code)


def _is_language_code(code: str | None) -> bool:
    language = pycountry.languages.get(alpha_2=code) if code else None
    return language is not None and language.alpha_2 == code


def update(session: Session, user: User, data: ProfileData, today: date) -> Profile:
    """Save the applicant's own profile; all of it or, on any error, none of it."""
    require_applicant(user)
    validate(session, user, data, today)
    profile = get_or_create(session, user)
    profile.level_rank = data.level_rank
    profile.grade = data.grade or None
    profile.institution = data.institution.strip()
    profile.home_country_code = data.home_country_code or None
    profile.statement = data.statement.strip()
    profile.interests = _interests(session, data.interests)
    wanted_places = {(PlaceScope.REGION.value, name) for name in data.regions} | {
        (PlaceScope.SUBREGION.value, name) for name in data.subregions
    }
    kept = [p for p in profile.places if (p.scope, p.name) in wanted_places]
    have = {(p.scope, p.name) for p in kept}
    profile.places = kept + [
        PlaceOfInterest(scope=scope, name=name) for scope, name in sorted(wanted_places - have)
    ]
    windows = {(w.starts_on, w.ends_on): w for w in profile.availability}
    profile.availability = [
        windows.get((start, end)) or AvailabilityWindow(starts_on=start, ends_on=end)
        for start, end in sorted(set(data.availability))
    ]
    spoken = {lang.language: lang for lang in profile.languages}
    profile.languages = [_language(spoken.get(code), code, level) for code, level in data.languages]
    profile.updated_at = utcnow()
    session.flush()
    return profile


def _interests(session: Session, slugs: list[str]) -> list[Interest]:
    return list(session.scalars(select(Interest).where(Interest.slug.in_(slugs)).order_by(Interest.position)))


def _language(existing: ProfileLanguage | None, code: str, level: str) -> ProfileLanguage:
    row = existing or ProfileLanguage(language=code)
    row.level = level
    # Teaching in a language needs at least a conversational level (services.volunteers).
    row.instructs = bool(row.instructs) and level != LanguageLevel.BASIC
    return row
