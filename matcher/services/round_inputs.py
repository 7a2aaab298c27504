"""Read a round's applicants as rows, not ORM objects: 100,000 profiles in a few queries.

`engine_input.applicant_spec` builds one ApplicantProfile from a loaded Profile and its five
collections; at national scale that is a million ORM objects. Here each table is read once as
tuples, filtered by a subquery of the applicants concerned, and grouped in Python.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from matcher.engine.profiles import ApplicantProfile, LanguageReq, Window
from matcher.models import Interest
from matcher.models.profile import (
    AvailabilityWindow,
    PlaceOfInterest,
    PlaceScope,
    Profile,
    ProfileLanguage,
    profile_interests,
    profile_teaching_interests,
)
from matcher.services.engine_input import PROFICIENCY
from matcher.services.profiles import completeness_of


def applicant_specs(session: Session, user_ids: Select[Any]) -> dict[int, ApplicantProfile]:
    """The engine's view of every complete profile whose user id ``user_ids`` (a subquery) selects.

    Gives the same ApplicantProfile as `engine_input.applicant_spec` without a ranked list (rounds
    score pairs with ``include_rank=False``), and leaves out incomplete profiles as `is_complete`.
    """
    wanted = Profile.user_id.in_(user_ids.scalar_subquery())
    profiles = session.execute(
        select(
            Profile.id,
            Profile.user_id,
            Profile.level_rank,
            Profile.institution,
            Profile.home_country_code,
            Profile.statement,
            Profile.volunteers_to_teach,
        ).where(wanted)
    ).all()
    interests, teaching = (
        _grouped(
            session,
            select(table.c.profile_id, Interest.slug)
            .join(Interest, Interest.id == table.c.interest_id)
            .join(Profile, Profile.id == table.c.profile_id)
            .where(wanted),
        )
        for table in (profile_interests, profile_teaching_interests)
    )
    # Each child table by profile: (key column, the columns wanted, in the order the ORM path uses).
    places, windows, languages = (
        _grouped(
            session,
            select(profile_id, *columns)
            .join(Profile, Profile.id == profile_id)
            .where(wanted)
            .order_by(profile_id, *columns),
        )
        for profile_id, *columns in (
            (PlaceOfInterest.profile_id, PlaceOfInterest.scope, PlaceOfInterest.name),
            (AvailabilityWindow.profile_id, AvailabilityWindow.starts_on, AvailabilityWindow.ends_on),
            (ProfileLanguage.profile_id, ProfileLanguage.language, ProfileLanguage.level),
        )
    )

    specs: dict[int, ApplicantProfile] = {}
    empty: list[tuple[Any, ...]] = []
    for profile_id, user_id, level, institution, home, statement, teaches in profiles:
        mine = interests.get(profile_id, empty)
        my_places = places.get(profile_id, empty)
        my_windows = windows.get(profile_id, empty)
        my_languages = languages.get(profile_id, empty)
        complete = completeness_of(
            level_rank=level,
            institution=institution,
            home_country_code=home,
            places=my_places,
            interests=mine,
            availability=my_windows,
            languages=my_languages,
            statement=statement,
        ).is_complete
        if not complete:
            continue
        specs[user_id] = ApplicantProfile(
            id=str(user_id),
            level=level or 0,
            interests=frozenset(slug for (slug,) in mine),
            languages=tuple(LanguageReq(code, PROFICIENCY[how]) for code, how in my_languages),
            availability=tuple(Window(start, end) for start, end in my_windows),
            subregions_of_interest=frozenset(n for scope, n in my_places if scope == PlaceScope.SUBREGION),
            regions_of_interest=frozenset(n for scope, n in my_places if scope == PlaceScope.REGION),
            can_teach=frozenset(slug for (slug,) in teaching.get(profile_id, empty))
            if teaches
            else frozenset(),
        )
    return specs


def _grouped(session: Session, stmt: Select[Any]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows keyed by their first column, the rest of each row kept as a tuple."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for key, *rest in session.execute(stmt):
        grouped[key].append(tuple(rest))
    return grouped
