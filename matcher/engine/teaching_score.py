"""The teaching side of a score: a teaching request's hard rules, who a visit with roles takes,
and how well a volunteer covers what the host asks to be taught."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.engine.profiles import ApplicantProfile, OpportunitySpec, Taxonomy
from matcher.engine.score_parts import (
    ASSIST_CREDIT,
    GROUP_CREDIT,
    NEUTRAL,
    Ineligibility,
    ScorePart,
    Weights,
    failure,
    part,
)


def teaching_constraints(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, taxonomy: Taxonomy
) -> Iterable[Ineligibility]:
    """A teaching request's hard rules: its language of instruction, and the volunteer's weeks budget
    (never proposed for more weeks in a calendar year than they offered)."""
    code = opportunity.instruction_language
    if code and code not in applicant.instructs:
        yield failure("instruction", "instruction.missing", language=taxonomy.label(code), language_code=code)
    year, needs = opportunity.year, opportunity.weeks
    if applicant.teaching_weeks is None:
        yield failure("weeks", "weeks.none", needs=needs, year=year)
    elif needs > applicant.weeks_left(year):
        yield failure(
            "weeks",
            "weeks.over",
            needs=needs,
            year=year,
            offered=applicant.teaching_weeks,
            committed=applicant.weeks_committed(year),
            left=applicant.weeks_left(year),
        )


def role_failure(
    applicant: ApplicantProfile, opportunity: OpportunitySpec, taxonomy: Taxonomy
) -> Ineligibility:
    """A visit with roles takes people of those professions only (nurses, radiographers... have
    grades of their own, not training levels, so the level range does not apply)."""
    accepted = sorted(opportunity.roles)
    params = {"accepted": [taxonomy.label(c) for c in accepted], "accepted_codes": accepted}
    if not applicant.profession:
        return failure("level", "role.none", **params)
    return failure("level", "role", **params, **_profession(applicant, taxonomy))


def role_part(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
) -> ScorePart:
    """The level part of a visit with roles: full when the applicant's profession is one of them."""
    if applicant.profession not in opportunity.roles:
        return part("level", 0.0, weights.level, explain, "role.outside")
    return part("level", 1.0, weights.level, explain, "role.fit", **_profession(applicant, taxonomy))


def _profession(applicant: ApplicantProfile, taxonomy: Taxonomy) -> dict[str, str]:
    """The applicant's profession as a reason's parameters: its words, and its code for other readers."""
    return {"profession": taxonomy.label(applicant.profession), "profession_code": applicant.profession}


def teaching_part(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
):
    if opportunity.from_request:
        return _procedures(applicant, opportunity, taxonomy, weights, explain)
    asked = opportunity.teaching_needs
    if not asked:
        return part("teaching", NEUTRAL, weights.teaching, True, "teaching.none_asked")
    if not applicant.can_teach:
        return part("teaching", 0.0, weights.teaching, True, "teaching.nothing")
    exact = sorted(asked & applicant.can_teach)
    my_groups = {taxonomy.group(s) for s in applicant.can_teach} - {None}
    near = [s for s in asked - applicant.can_teach if taxonomy.group(s) in my_groups]
    value = (len(exact) + GROUP_CREDIT * len(near)) / len(asked)
    return part(
        "teaching",
        value,
        weights.teaching,
        explain,
        "teaching.overlap",
        matched_count=len(exact),
        matched=[taxonomy.label(s) for s in exact],
        of=len(asked),
        near=len(near),
    )


def _procedures(
    applicant: ApplicantProfile,
    opportunity: OpportunitySpec,
    taxonomy: Taxonomy,
    weights: Weights,
    explain: bool = True,
) -> ScorePart:
    """A teaching request's procedures against the volunteer's skills: each one they can teach
    counts 1, each one they can assist with ASSIST_CREDIT."""
    asked = opportunity.procedures
    if not asked:
        return part("teaching", NEUTRAL, weights.teaching, True, "procedures.none_asked")
    teach = sorted(asked & applicant.teaches)
    assist = sorted((asked & applicant.assists) - applicant.teaches)
    value = (len(teach) + ASSIST_CREDIT * len(assist)) / len(asked)
    if not teach and not assist:
        return part("teaching", 0.0, weights.teaching, True, "procedures.nothing", of=len(asked))
    return part(
        "teaching",
        value,
        weights.teaching,
        explain,
        "procedures.cover",
        teach=[taxonomy.label(c) for c in teach],
        teach_codes=teach,
        assist=[taxonomy.label(c) for c in assist],
        assist_codes=assist,
        of=len(asked),
    )
