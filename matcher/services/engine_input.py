"""Turn database rows into the engine's plain dataclasses, and scores back into JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from matcher.engine.profiles import (
    ApplicantProfile,
    LanguageReq,
    OpportunitySpec,
    Proficiency,
    Taxonomy,
    Window,
)
from matcher.engine.scoring import Score
from matcher.models import Opportunity, OpportunityStatus
from matcher.models.profile import Profile
from matcher.services import reference
from matcher.services.search import language_name

PROFICIENCY = {
    "basic": Proficiency.BASIC,
    "conversational": Proficiency.CONVERSATIONAL,
    "professional": Proficiency.PROFESSIONAL,
}


def taxonomy(session: Session) -> Taxonomy:
    """Interest groups and the words the engine uses for codes, from the reference data."""
    interests = reference.interests(session)
    levels = {lv.rank: lv.label for lv in reference.levels(session)}
    labels: dict[str, str] = {i.slug: i.label for i in interests}
    labels.update((c.iso2, c.name) for c in reference.countries(session))
    return Taxonomy(interest_groups={i.slug: i.group for i in interests}, labels=labels, level_names=levels)


def applicant_spec(profile: Profile, ranked: Iterable[int] = ()) -> ApplicantProfile:
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
    )


def opportunity_spec(opportunity: Opportunity) -> OpportunitySpec:
    min_days = opportunity.min_weeks * 7 if opportunity.flexible and opportunity.min_weeks else None
    # Closed means "no more applications", which is when matching happens: both are open here.
    is_open = opportunity.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
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
    )


def breakdown(score: Score) -> list[dict[str, Any]]:
    """The parts of a score as JSON for the Match row; failures when not eligible."""
    if not score.eligible:
        return [
            {"name": f.constraint, "value": 0.0, "weight": 0.0, "reason": f.reason} for f in score.failures
        ]
    return [
        {"name": p.name, "value": round(p.value, 4), "weight": p.weight, "reason": p.reason}
        for p in sorted(score.parts, key=lambda p: -p.weight * p.value)
    ]


def language_labels(codes: Iterable[str]) -> dict[str, str]:
    return {code: language_name(code) for code in codes}
