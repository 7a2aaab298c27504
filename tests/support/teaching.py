"""Sites and teaching requests for tests, written straight to the database (no rules checked).

    site = make_site(session, organisation, readiness={"ultrasound": "yes", "c_arm": "limited"})
    request = make_request(session, site, procedures=("abscess-drainage",), status="open")

`make_site`: a hospital in Dar es Salaam, Tanzania, teaching in English; `readiness` maps
Resource codes to yes / limited / no (the default: ultrasound and CT, nothing else); other
keyword arguments set Site columns. `make_request`: an on-site draft for 8 radiology residents,
two weeks, 1 IR physician and 1-2 IR trainees, unless told otherwise (`roles` maps profession
codes to (minimum, maximum); `mode="remote"` fills a case-review series, 14:00-17:00, 6 hours a
month). Both commit, like tests.support.factories.
"""

from __future__ import annotations

import itertools
from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.models import Organisation
from matcher.models.teaching import Procedure, RequestRole, Site, SiteResource, TeachingRequest

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
