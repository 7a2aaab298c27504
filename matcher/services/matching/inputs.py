"""Turn database rows into the engine's plain dataclasses, and scores back into JSON.

`applicant_spec` builds one ApplicantProfile from a loaded Profile and its five collections; a
round reads its applicants with `applicant_specs` instead, as rows, not ORM objects: at national
scale the ORM path would load a million objects. There each table is read once as tuples, filtered
by a subquery of the applicants concerned, and grouped in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, object_session

from matcher.engine.profiles import (
    ApplicantProfile,
    LanguageReq,
    OpportunitySpec,
    Proficiency,
    Taxonomy,
    Window,
)
from matcher.engine.scoring import Score
from matcher.formatting import (
    country_label,
    label_for,
    language,
    language_codes,
    language_label,
    region_label,
)
from matcher.models import Interest, Opportunity, OpportunityStatus, Profession, User
from matcher.models.matching import Match, MatchStatus
from matcher.models.profile import (
    AvailabilityWindow,
    PlaceOfInterest,
    PlaceScope,
    Profile,
    ProfileLanguage,
    profile_interests,
    profile_teaching_interests,
)
from matcher.models.teaching import Procedure, ProcedureSkill
from matcher.reference.places import M49_CODES
from matcher.services import reference
from matcher.services.professions import DEFAULT_PROFESSION
from matcher.services.profiles import completeness_of
from matcher.services.teaching_fit import committed_weeks, procedure_codes

PROFICIENCY = {
    "basic": Proficiency.BASIC,
    "conversational": Proficiency.CONVERSATIONAL,
    "professional": Proficiency.PROFESSIONAL,
}


def taxonomy(session: Session) -> Taxonomy:
    """Interest groups and the words the engine uses for codes, from the reference data, in the
    language being written (the reader's, or an email's recipient's)."""
    interests = reference.interests(session)
    levels = {lv.rank: label_for(lv) for lv in reference.levels(session)}
    labels: dict[str, str] = {i.slug: label_for(i) for i in interests}
    labels.update((c.iso2, country_label(c)) for c in reference.countries(session))
    labels.update((name, region_label(name)) for name in M49_CODES)
    labels.update((p.code, label_for(p)) for p in reference.procedures(session))
    labels.update((p.code, label_for(p)) for p in session.scalars(select(Profession)))
    if language() != "en":  # the engine's own English names otherwise (engine.profiles.LANGUAGE_NAMES)
        labels.update((code, language_label(code)) for code in language_codes())
    return Taxonomy(interest_groups={i.slug: i.group for i in interests}, labels=labels, level_names=levels)


def applicant_spec(profile: Profile, ranked: Iterable[int] = ()) -> ApplicantProfile:
    teaching = {}
    session = object_session(profile)
    if profile.volunteers_to_teach and session is not None and profile.id is not None:
        teaching = teaching_sides(session, {profile.id: profile.user_id}).get(profile.id, {})
    return ApplicantProfile(
        id=str(profile.user_id),
        level=profile.level_rank or 0,
        interests=frozenset(i.slug for i in profile.interests),
        languages=tuple(LanguageReq(x.language, PROFICIENCY[x.level]) for x in profile.languages),
        availability=tuple(Window(w.starts_on, w.ends_on) for w in profile.availability),
        subregions_of_interest=frozenset(profile.subregions),
        regions_of_interest=frozenset(profile.regions),
        can_teach=frozenset(i.slug for i in profile.teaching_interests)
        if profile.volunteers_to_teach
        else frozenset(),
        ranked_opportunities=tuple(str(o) for o in ranked),
        teaching_weeks=profile.teaching_weeks if profile.volunteers_to_teach else None,
        profession=profession_code(profile.user.role, profile.user.profession_code),
        **teaching,
    )


def profession_code(role: str, code: str | None) -> str:
    """The applicant's profession, or the one their account's role stands for when they named none."""
    return code or DEFAULT_PROFESSION.get(role, "")


def teaching_sides(session: Session, users_of: dict[int, int]) -> dict[int, dict[str, Any]]:
    """The engine's teaching fields of each teaching volunteer ({profile id: user id}), three
    statements for any number: procedures they teach and assist, languages they teach in, and the
    weeks already committed each year."""
    if not users_of:
        return {}
    ids = list(users_of)
    skills = _grouped(
        session,
        select(ProcedureSkill.profile_id, Procedure.code, ProcedureSkill.level)
        .join(Procedure, Procedure.id == ProcedureSkill.procedure_id)
        .where(ProcedureSkill.profile_id.in_(ids))
        .order_by(ProcedureSkill.profile_id, Procedure.code),
    )
    instructs = _grouped(
        session,
        select(ProfileLanguage.profile_id, ProfileLanguage.language).where(
            ProfileLanguage.profile_id.in_(ids), ProfileLanguage.instructs.is_(True)
        ),
    )
    committed = committed_weeks(session, users_of.values())
    sides = {}
    for profile_id, user_id in users_of.items():
        teaches, assists = procedure_codes(skills.get(profile_id, []))
        sides[profile_id] = {
            "teaches": teaches,
            "assists": assists,
            "instructs": frozenset(code for (code,) in instructs.get(profile_id, [])),
            "committed_weeks": tuple(sorted(committed.get(user_id, {}).items())),
        }
    return sides


def opportunity_spec(opportunity: Opportunity) -> OpportunitySpec:
    min_days = opportunity.min_weeks * 7 if opportunity.flexible and opportunity.min_weeks else None
    # Closed means "no more applications", which is when matching happens: both are open here.
    is_open = opportunity.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
    request = opportunity.teaching_request if opportunity.teaching_request_id is not None else None
    from_request = request is not None and opportunity.type == "teaching_visit"
    return OpportunitySpec(
        id=str(opportunity.id),
        country=opportunity.country_code,
        subregion=opportunity.country.subregion,
        region=opportunity.country.region,
        min_level=opportunity.level_min,
        max_level=opportunity.level_max,
        dates=Window(opportunity.starts_on, opportunity.ends_on),
        min_days=min_days,
        title=opportunity.title,
        kind=opportunity.type,
        interests=frozenset(i.slug for i in opportunity.interests),
        languages=tuple(LanguageReq(x.language, PROFICIENCY[x.level]) for x in opportunity.languages),
        teaching_needs=frozenset(i.slug for i in opportunity.interests)
        if opportunity.type == "teaching_visit"
        else frozenset(),
        is_open=is_open,
        places_left=max(opportunity.places_left, 0),
        from_request=from_request,
        procedures=frozenset(p.code for p in request.procedures) if from_request else frozenset(),
        instruction_language=request.instruction_language if from_request else None,
        # A visit answering a request takes the professions of its roles, at any level or grade.
        roles=frozenset(r.profession_code for r in request.roles) if from_request else frozenset(),
    )


# An applicant who declined a place, or let its offer expire, is never proposed it again.
REFUSED = (MatchStatus.DECLINED, MatchStatus.EXPIRED)


def refused_pairs(session: Session, applicant_ids: Select[Any] | Iterable[int]) -> set[tuple[int, int]]:
    """(applicant, opportunity) pairs the applicant declined or let expire, in any round."""
    if not isinstance(applicant_ids, Select):
        applicant_ids = list(applicant_ids)
    rows = session.execute(
        select(Match.applicant_id, Match.opportunity_id).where(
            Match.status.in_(list(REFUSED)), Match.applicant_id.in_(applicant_ids)
        )
    )
    return {(a, o) for a, o in rows}


def breakdown(score: Score) -> list[dict[str, Any]]:
    """The parts of a score as JSON for the Match row; failures when not eligible.

    ``reason`` is the applicant's words in English; ``code`` and ``params`` let `matcher.reason_words`
    say it to anyone, in their language.
    """
    if not score.eligible:
        return [
            {
                "name": f.constraint,
                "value": 0.0,
                "weight": 0.0,
                "reason": f.reason,
                "code": f.code,
                "params": dict(f.params),
            }
            for f in score.failures
        ]
    return [
        {
            "name": p.name,
            "value": round(p.value, 4),
            "weight": p.weight,
            "reason": p.reason,
            "code": p.code,
            "params": dict(p.params),
        }
        for p in sorted(score.parts, key=lambda p: -p.weight * p.value)
    ]


def applicant_specs(session: Session, user_ids: Select[Any]) -> dict[int, ApplicantProfile]:
    """The engine's view of every complete profile whose user id ``user_ids`` (a subquery) selects.

    Gives the same ApplicantProfile as `applicant_spec` without a ranked list (rounds
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
            Profile.teaching_weeks,
            Profile.grade,
            User.role,
            User.profession_code,
        )
        .join(User, User.id == Profile.user_id)
        .where(wanted)
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

    sides = teaching_sides(session, {row[0]: row[1] for row in profiles if row[6]})
    specs: dict[int, ApplicantProfile] = {}
    empty: list[tuple[Any, ...]] = []
    for (
        profile_id,
        user_id,
        level,
        institution,
        home,
        statement,
        teaches,
        weeks,
        grade,
        role,
        job,
    ) in profiles:
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
            grade=grade,
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
            teaching_weeks=weeks if teaches else None,
            profession=profession_code(role, job),
            **sides.get(profile_id, {}),
        )
    return specs


def _grouped(session: Session, stmt: Select[Any]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows keyed by their first column, the rest of each row kept as a tuple."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for key, *rest in session.execute(stmt):
        grouped[key].append(tuple(rest))
    return grouped
