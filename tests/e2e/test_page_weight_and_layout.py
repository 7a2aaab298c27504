"""Low bandwidth and small screens: what the main pages weigh on the wire, and how they look at
360 px and 1280 px. The screenshots land in test-results/screenshots/ for a person to look at."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from matcher.extensions import db
from matcher.services.matching import rounds
from tests.e2e.browser import RESULTS, Person, new_context
from tests.support.factories import UserFactory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request

BUDGET = 100 * 1024  # bytes on the wire per page: HTML, CSS and JS together, images aside
DESCRIPTION = "Four weeks in a busy department.\n\n" + "Embolisation, drainage, biopsy. " * 30
CITIES = (("TZ", "Dar es Salaam"), ("UG", "Kampala"), ("RW", "Kigali"), ("KE", "Nairobi"), ("MW", "Lilongwe"))


@dataclass
class Site:
    """A busy site: 30 opportunities, a student with a full list, a round with a run to review."""

    people: dict[str, str]  # role -> email
    opportunity_id: int
    organisation_slug: str
    run_id: int


@pytest.fixture(scope="module")
def site(live_server) -> Site:
    with live_server.data() as make:
        coordinator = make.create("coordinator", name="Grace Coordinator")
        road = make.organisation(name="Road2IR East Africa", description="Teaching IR in East Africa. " * 20)
        other = make.organisation(name="RAD-AID Uganda")
        host = make.create("org_member", name="Joseph Host", organisation=road)
        opportunities = []
        for n in range(30):
            country, city = CITIES[n % len(CITIES)]
            opportunities.append(
                make.opportunity(
                    road if n % 2 else other,
                    title=f"Interventional radiology elective {n + 1} in {city}",
                    description=DESCRIPTION,
                    country_code=country,
                    city=city,
                    interests=("pph-embolisation", "abscess-drainage", "us-biopsy"),
                    languages=(("en", "conversational"),),
                    starts_on=date.today() + timedelta(days=100 + n),
                )
            )
        student = make.create("student", name="Amina Mwakyusa")
        make.profile(student, interests=("pph-embolisation", "trauma-embolisation", "abscess-drainage"))
        for opportunity in opportunities[:10]:
            make.application(student, opportunity, motivation="I want to learn where IR is needed most. " * 5)
        for n in range(4):
            other_student = make.create("student", name=f"Student {n + 1}")
            make.profile(other_student)
            for opportunity in opportunities[2 * n : 2 * n + 3]:
                make.application(other_student, opportunity)
        trainee = make.create("trainee", name="Neema Kweka")
        make.profile(trainee)
        match_round = rounds.create_round(
            db.session,
            coordinator,
            name="East Africa 2027",
            mode="ranked",
            scope=rounds.Scope(),
            response_deadline=date.today() + timedelta(days=21),
        )
        run = rounds.run_round(db.session, coordinator, match_round, seed=2027)
        db.session.commit()
        return Site(
            people={
                "student": student.email,
                "trainee": trainee.email,
                "org_member": host.email,
                "coordinator": coordinator.email,
            },
            opportunity_id=opportunities[0].id,
            organisation_slug=road.slug,
            run_id=run.id,
        )


@pytest.fixture(scope="module")
def sessions(browser, live_server, site) -> dict[str | None, dict[str, Any] | None]:
    """Logged-in cookies per role, so each measurement starts from an empty cache."""
    states: dict[str | None, dict[str, Any] | None] = {None: None}
    for role, email in site.people.items():
        person = Person(role, new_context(browser), live_server.url, audit=None)
        person.log_in(email, UserFactory.PASSWORD)
        assert person.page.url == f"{live_server.url}/dashboard"
        states[role] = person.context.storage_state()
        person.context.close()
    return states


def _pages(site: Site) -> list[tuple[str, str | None, str]]:
    """(name, role or None for a visitor, path) of the pages to weigh and to look at."""
    opportunity = f"/opportunities/{site.opportunity_id}"
    return [
        ("home", None, "/"),
        ("search", None, "/opportunities"),
        ("search-filtered", "student", "/opportunities?region=Africa&interest=pph-embolisation&open=1"),
        ("opportunity", None, opportunity),
        ("api-reference", None, "/api"),
        ("opportunity-student", "student", opportunity),
        ("dashboard-student", "student", "/dashboard"),
        ("applications", "student", "/applications"),
        ("profile-edit-trainee", "trainee", "/profile/edit"),
        ("dashboard-organisation", "org_member", "/dashboard"),
        ("opportunity-form", "org_member", f"/organisations/{site.organisation_slug}/opportunities/new"),
        ("dashboard-coordinator", "coordinator", "/dashboard"),
        ("coordination", "coordinator", "/coordination/dashboard"),
        ("run-review", "coordinator", f"/coordination/runs/{site.run_id}"),
    ]


def _weigh(browser: Browser, url: str, storage_state: dict[str, Any] | None) -> dict[str, int]:
    """Bytes received per resource type for one page load with an empty cache, images aside."""
    context = new_context(browser, storage_state=storage_state)
    page = context.new_page()
    finished: list[Request] = []

    def keep(request: Request) -> None:
        finished.append(request)

    page.on("requestfinished", keep)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    by_type: dict[str, int] = {}
    for request in finished:
        if request.resource_type not in ("image", "media"):
            sizes = request.sizes()
            sent = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            by_type[request.resource_type] = by_type.get(request.resource_type, 0) + sent
    context.close()
    return {**by_type, "total": sum(by_type.values())}


def test_main_pages_weigh_less_than_100_kb(browser, live_server, site, sessions):
    weights = {
        name: _weigh(browser, live_server.url + path, sessions[role]) for name, role, path in _pages(site)
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "page-weight.json").write_text(json.dumps(weights, indent=1))
    # The stylesheet arrives brotli-compressed: about 4.8 KB with its headers, 15.9 KB once decoded.
    assert all(w.get("stylesheet", 0) > 3_000 for w in weights.values()), "each page loads its stylesheet"
    heavy = {name: w["total"] for name, w in weights.items() if w["total"] >= BUDGET}
    assert not heavy, f"Pages over {BUDGET // 1024} KB on the wire: {heavy}"


LOOKED_AT = (
    "home",
    "search",
    "api-reference",
    "opportunity-student",
    "dashboard-student",
    "applications",
    "profile-edit-trainee",
    "run-review",
)


def test_main_pages_fit_a_360_px_phone_and_a_1280_px_screen(people, site, sessions):
    folder = RESULTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for width, height in ((360, 740), (1280, 900)):
        by_role = {}
        for name, role, path in _pages(site):
            if name not in LOOKED_AT:
                continue
            if role not in by_role:
                by_role[role] = people(
                    f"{role or 'visitor'}-{width}",
                    width=width,
                    height=height,
                    storage_state=sessions[role],
                    accessibility=width == 360,  # the journeys check these pages with axe-core at 1280 px
                )
            person = by_role[role]
            person.goto(path)
            page_width = person.page.evaluate("document.documentElement.scrollWidth")
            if page_width > width:
                too_wide.append(f"{name} at {width} px is {page_width} px wide")
            person.page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    assert not too_wide, "Pages that scroll sideways: " + "; ".join(too_wide)
