"""Teaching volunteers, sites and teaching requests for tests, written straight to the database
(no rules checked).

    site = make_site(session, organisation, readiness={"ultrasound": "yes", "c_arm": "limited"})
    request = make_request(session, site, procedures=("abscess-drainage",), status="open")

`make_site`: a hospital in Dar es Salaam, Tanzania, teaching in English; `readiness` maps
Resource codes to yes / limited / no (the default: ultrasound and CT, nothing else); other
keyword arguments set Site columns. `make_request`: an on-site draft for 8 radiology residents,
two weeks, 1 IR physician and 1-2 IR trainees, unless told otherwise (`roles` maps profession
codes to (minimum, maximum); `mode="remote"` fills a case-review series, 14:00-17:00, 6 hours a
month). Both commit, like tests.support.factories.

`volunteer`, `site`, `teaching_request`: the same from the models, with a volunteer's teaching
profile (skills, languages of instruction, licences, months) filled in.
"""

from __future__ import annotations

import itertools
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Organisation, Role, User
from matcher.models.profile import Profile, ProfileLanguage
from matcher.models.teaching import (
    Licence,
    Procedure,
    ProcedureSkill,
    RequestRole,
    Site,
    SiteResource,
    TeachingRequest,
)
from tests.support.factories import UserFactory

_counter = itertools.count(1)
BASIC_READINESS = {"ultrasound": "yes", "ct": "yes"}


def make_site(
    session: Session,
    organisation: Organisation,
    *,
    readiness: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    **fields: Any,
) -> Site:
    n = next(_counter)
    name = fields.pop("name", f"Teaching hospital {n}")
    site = Site(
        organisation=organisation,
        name=name,
        slug=fields.pop("slug", f"teaching-hospital-{n}"),
        city=fields.pop("city", "Dar es Salaam"),
        country_code=fields.pop("country_code", "TZ"),
        timezone=fields.pop("timezone", "Africa/Dar_es_Salaam"),
        instruction_language=fields.pop("instruction_language", "en"),
        local_learners=fields.pop("local_learners", 8),
        learner_level=fields.pop("learner_level", "radiology-residents"),
        **fields,
    )
    notes = notes or {}
    site.resources = [
        SiteResource(resource=code, availability=availability, note=notes.get(code, ""))
        for code, availability in (BASIC_READINESS if readiness is None else readiness).items()
    ]
    session.add(site)
    session.commit()
    return site


def make_request(
    session: Session,
    site: Site,
    *,
    procedures: tuple[str, ...] = ("image-guided-biopsy",),
    roles: dict[str, tuple[int, int]] | None = None,
    mode: str = "on_site",
    status: str = "draft",
    **fields: Any,
) -> TeachingRequest:
    n = next(_counter)
    request = TeachingRequest(
        site=site,
        mode=mode,
        status=status,
        title=fields.pop("title", f"Teaching request {n}"),
        learners=fields.pop("learners", 8),
        learner_level=fields.pop("learner_level", "radiology-residents"),
        instruction_language=fields.pop("instruction_language", site.instruction_language),
        months=fields.pop("months", [3, 4]),
        **fields,
    )
    if mode == "on_site":
        request.weeks = request.weeks or 2
        wanted = {"ir-physician": (1, 1), "ir-trainee": (1, 2)} if roles is None else roles
        request.roles = [
            RequestRole(profession_code=c, minimum=lo, maximum=hi) for c, (lo, hi) in wanted.items()
        ]
    else:
        request.remote_format = request.remote_format or "case_review"
        request.remote_from = request.remote_from or time(14, 0)
        request.remote_until = request.remote_until or time(17, 0)
        request.hours_per_month = request.hours_per_month or 6
    request.procedures = list(session.scalars(select(Procedure).where(Procedure.code.in_(procedures))))
    session.add(request)
    session.commit()
    return request


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
    """`make_site` in Moshi, named for the pages that show it."""
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("city", "Moshi")
    fields.setdefault("timezone", "UTC")
    fields.setdefault("local_learners", 0)
    fields.setdefault("learner_level", "")
    return make_site(session, organisation, name=name, readiness={}, **fields)


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
    if fields.get("mode", "on_site") == "on_site":
        fields.setdefault("months", [3, 4])
        fields.setdefault("year", 2027)
    return make_request(
        session,
        at,
        title=title,
        procedures=procedure_codes,
        roles={code: (lo, hi) for code, lo, hi in roles},
        status=status,
        learners=fields.pop("learners", 4),
        learner_level=fields.pop("learner_level", ""),
        instruction_language=fields.pop("instruction_language", "en"),
        **fields,
    )
