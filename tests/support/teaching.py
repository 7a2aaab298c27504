"""Teaching volunteers, sites and teaching requests for tests, built straight from the models."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from matcher.models import Organisation, Role, User
from matcher.models.profile import Profile, ProfileLanguage
from matcher.models.teaching import (
    Licence,
    Procedure,
    ProcedureSkill,
    RequestRole,
    Site,
    TeachingRequest,
)
from tests.support.factories import UserFactory

PROFESSION_ROLE = {
    "ir-physician": Role.PROFESSIONAL,
    "ir-nurse": Role.PROFESSIONAL,
    "radiographer": Role.PROFESSIONAL,
    "medical-physicist": Role.PROFESSIONAL,
    "ir-trainee": Role.TRAINEE,
    "medical-student": Role.STUDENT,
}


def procedures(session, *codes: str) -> list[Procedure]:
    found = {p.code: p for p in session.scalars(select(Procedure).where(Procedure.code.in_(codes)))}
    assert set(found) == set(codes), set(codes) - set(found)
    return [found[c] for c in codes]


def volunteer(
    users: UserFactory,
    *,
    profession: str = "ir-physician",
    name: str | None = None,
    listed: bool = True,
    teaches: tuple[str, ...] = ("pph-embolisation",),
    assists: tuple[str, ...] = (),
    instructs: tuple[tuple[str, str], ...] = (("en", "professional"),),
    speaks: tuple[tuple[str, str], ...] = (),
    months: tuple[int, ...] = (3, 4, 9),
    weeks: int | None = 4,
    remote: bool = False,
    licences: tuple[tuple[str, date | None], ...] = (),
    volunteers: bool = True,
    **profile_fields: Any,
) -> User:
    """A teaching volunteer (an IR physician by default) with a complete applicant profile."""
    session = users.session
    user = users.create(PROFESSION_ROLE[profession], name=name, profession_code=profession)
    profile = users.profile(user, languages=(), **profile_fields)
    profile.volunteers_to_teach = volunteers
    profile.directory_listed = listed
    profile.teaching_weeks = weeks if volunteers else None
    profile.teaching_months = sorted(months)
    profile.teaches_remotely = remote
    profile.languages = [
        *(ProfileLanguage(language=code, level=level, instructs=True) for code, level in instructs),
        *(ProfileLanguage(language=code, level=level, instructs=False) for code, level in speaks),
    ]
    profile.procedure_skills = [
        *(ProcedureSkill(procedure=p, level="teach") for p in procedures(session, *teaches)),
        *(ProcedureSkill(procedure=p, level="assist") for p in procedures(session, *assists)),
    ]
    profile.licences = [Licence(country_code=c, body="Medical council", expires_on=e) for c, e in licences]
    session.commit()
    return user


def profile_of(session, user: User) -> Profile:
    return session.scalar(select(Profile).where(Profile.user_id == user.id))


def site(
    session, organisation: Organisation, *, name: str = "Kilimanjaro Referral Hospital", **fields: Any
) -> Site:
    row = Site(
        organisation=organisation,
        name=name,
        slug=fields.pop("slug", name.lower().replace(" ", "-")),
        city=fields.pop("city", "Moshi"),
        country_code=fields.pop("country_code", "TZ"),
        **fields,
    )
    session.add(row)
    session.commit()
    return row


def teaching_request(
    session,
    at: Site,
    *,
    title: str = "Embolisation for postpartum haemorrhage",
    procedure_codes: tuple[str, ...] = ("pph-embolisation", "nephrostomy"),
    roles: tuple[tuple[str, int, int], ...] = (("ir-physician", 1, 1), ("ir-trainee", 1, 2)),
    status: str = "open",
    **fields: Any,
) -> TeachingRequest:
    """An open on-site request: two weeks in March or April 2027, taught in English."""
    fields.setdefault("mode", "on_site")
    if fields["mode"] == "on_site":
        fields.setdefault("weeks", 2)
        fields.setdefault("months", [3, 4])
        fields.setdefault("year", 2027)
    row = TeachingRequest(
        site=at,
        title=title,
        status=status,
        learners=fields.pop("learners", 4),
        instruction_language=fields.pop("instruction_language", "en"),
        **fields,
    )
    row.procedures = procedures(session, *procedure_codes)
    row.roles = [RequestRole(profession_code=code, minimum=lo, maximum=hi) for code, lo, hi in roles]
    session.add(row)
    session.commit()
    return row
