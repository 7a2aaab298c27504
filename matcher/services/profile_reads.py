"""Reading profiles in a fixed number of statements: all of one for display, or only its completeness."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.models import AvailabilityWindow, PlaceOfInterest, Profile, ProfileLanguage, User
from matcher.models.profile import profile_interests
from matcher.services.profiles import Completeness, completeness, completeness_of


def _some(present: bool) -> tuple[None, ...]:
    """Stands for a collection that is empty or not, which is all completeness looks at."""
    return (None,) if present else ()


def completeness_for(session: Session, user: User) -> Completeness:
    """What `profiles.completeness(profile_of(user))` says, without loading the collections."""
    row = session.execute(
        select(
            Profile.level_rank,
            Profile.institution,
            Profile.home_country_code,
            Profile.statement,
            Profile.grade,
            exists().where(PlaceOfInterest.profile_id == Profile.id),
            exists().where(profile_interests.c.profile_id == Profile.id),
            exists().where(AvailabilityWindow.profile_id == Profile.id),
            exists().where(ProfileLanguage.profile_id == Profile.id),
        ).where(Profile.user_id == user.id)
    ).one_or_none()
    if row is None:
        return completeness(None)
    level_rank, institution, home_country_code, statement, grade, places, interests, windows, languages = row
    return completeness_of(
        level_rank=level_rank,
        grade=grade,
        institution=institution,
        home_country_code=home_country_code,
        statement=statement,
        places=_some(bool(places)),
        interests=_some(bool(interests)),
        availability=_some(bool(windows)),
        languages=_some(bool(languages)),
    )


def full_profile(session: Session, user_id: int) -> Profile | None:
    """The user's profile with everything a page or the engine shows of it: six statements."""
    return session.scalar(
        select(Profile)
        .where(Profile.user_id == user_id)
        .options(
            joinedload(Profile.level),
            joinedload(Profile.user).joinedload(User.profession),
            joinedload(Profile.home_country),
            selectinload(Profile.places),
            selectinload(Profile.interests),
            selectinload(Profile.availability),
            selectinload(Profile.languages),
            selectinload(Profile.teaching_interests),
        )
    )
