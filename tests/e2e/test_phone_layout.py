"""At 360 px, every page with actions keeps its buttons in view: no sideways scrolling, each button
and link-button inside the screen's width; the main menu folds into a "Menu" that opens without
JavaScript. Each page is seen with data that fills its tables with rows of buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from matcher.models import Match, Membership
from matcher.services.matching import rounds
from tests.e2e.browser import Person, new_context
from tests.support.factories import UserFactory

WIDTH = 360

# Every visible control a person acts with: buttons, link-buttons, the row actions' links, inputs in rows.
_CONTROLS = (
    "main button, main a.button, main input[type=submit], main .row-actions a, main td input, main td select"
)
_OUT_OF_VIEW = """([selector, width]) => {
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === 'hidden') continue;
    if (box.left < 0 || box.right > width) {
      const name = (el.innerText || el.value || el.name || '').trim();
      found.push(`${el.tagName.toLowerCase()} "${name}" at ${box.left}..${box.right}`);
    }
  }
  return found;
}"""
_VISIBLE = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(el => el.getBoundingClientRect().width > 1).length"""


@dataclass
class Site:
    people: dict[str, str]  # role -> email
    opportunity_id: int
    started_id: int
    round_id: int
    run_id: int


@pytest.fixture(scope="module")
def site(live_server) -> Site:
    with live_server.data() as make:
        coordinator = make.create("coordinator", name="Grace Coordinator")
        admin = make.create("admin", name="Ada Admin")
        road = make.organisation(name="Road2IR East Africa")
        host = make.create("org_member", name="Joseph Host", organisation=road)
        opportunities = [
            make.opportunity(
                road,
                title=f"Interventional radiology elective {n + 1} at Muhimbili National Hospital",
                capacity=3,
            )
            for n in range(3)
        ]
        started = make.opportunity(
            road, title="Teaching visit under way", starts_on=date.today() - timedelta(days=3)
        )
        student = make.create("student", name="Amina Mwakyusa-Kilimanjaro")
        make.profile(student)
        for opportunity in opportunities:
            make.application(student, opportunity, motivation="I want to learn where IR is needed most. " * 4)
        for n in range(4):
            other = make.create("student", name=f"Student {n + 1}")
            make.profile(other)
            make.application(other, opportunities[0])
        waiting = make.organisation(name="Kigali Teaching Hospital IR service", verified=False)
        make.create("org_member", name="Jean Claimant", organisation=waiting)
        claimant = make.create(
            "student", name="Eric Claim-Maker", email="claim.maker.with.a.long.address@example.org"
        )
        make.session.add(Membership(user=claimant, organisation=road, role="member"))
        make.session.commit()
        make.match(student, started, "accepted", response_deadline=date.today() + timedelta(days=5))
        make.match(student, opportunities[2], "published", response_deadline=date.today() + timedelta(days=5))
        make.match(
            make.create("student", name="Baraka Published"),
            started,
            "published",
            response_deadline=date.today() + timedelta(days=9),
        )
        match_round = rounds.create_round(
            make.session,
            coordinator,
            name="East Africa 2027",
            mode="ranked",
            scope=rounds.Scope(),
            response_deadline=date.today() + timedelta(days=21),
        )
        run = rounds.run_round(make.session, coordinator, match_round, seed=2027)
        make.session.commit()
        proposed = make.session.scalar(select(func.count(Match.id)).where(Match.run_id == run.id))
        assert proposed, "the run proposes matches to decide on"
        return Site(
            people={
                "student": student.email,
                "org_member": host.email,
                "coordinator": coordinator.email,
                "admin": admin.email,
            },
            opportunity_id=opportunities[0].id,
            started_id=started.id,
            round_id=match_round.id,
            run_id=run.id,
        )


def _pages(site: Site) -> list[tuple[str, str]]:
    """(role, path) of the pages whose tables hold actions."""
    return [
        ("student", "/dashboard"),
        ("student", "/applications"),
        ("student", "/placements"),
        ("org_member", "/dashboard"),
        ("org_member", f"/opportunities/{site.opportunity_id}/applicants"),
        ("org_member", f"/opportunities/{site.started_id}/placements"),
        ("coordinator", "/dashboard"),
        ("coordinator", "/coordination/dashboard"),
        ("coordinator", "/coordination/rounds"),
        ("coordinator", f"/coordination/rounds/{site.round_id}"),
        ("coordinator", f"/coordination/runs/{site.run_id}"),
        ("coordinator", f"/coordination/rounds/{site.round_id}/settings"),
        ("coordinator", "/coordination/organisations"),
        ("admin", "/admin/users"),
    ]


def _log_in(browser, live_server, email: str) -> dict[str, Any]:
    person = Person(email, new_context(browser), live_server.url, audit=None)
    person.log_in(email, UserFactory.PASSWORD)
    state = person.context.storage_state()
    person.context.close()
    return state


def test_no_action_lies_outside_a_360_px_screen(browser, live_server, site, people):
    seen: dict[str, Person] = {}
    problems, controls = [], {}
    for role, path in _pages(site):
        if role not in seen:
            state = _log_in(browser, live_server, site.people[role])
            seen[role] = people(role, width=WIDTH, height=740, storage_state=state)
        person = seen[role]
        person.goto(path)
        page_width = person.page.evaluate("document.documentElement.scrollWidth")
        if page_width > WIDTH:
            problems.append(f"{path} as {role} is {page_width} px wide")
        problems.extend(
            f"{path} as {role}: {item}" for item in person.page.evaluate(_OUT_OF_VIEW, [_CONTROLS, WIDTH])
        )
        controls[f"{role} {path}"] = person.page.evaluate(_VISIBLE, _CONTROLS)
    assert not problems, "Out of view at 360 px:\n" + "\n".join(problems)
    # The data put rows with buttons on these pages (so the check above looked at something).
    empty = [page for page, count in controls.items() if count == 0 and "dashboard" not in page]
    assert not empty, f"Pages without any control to check: {empty}"


def test_the_menu_folds_at_360_px_and_opens_without_javascript(browser, live_server, site, people):
    state = _log_in(browser, live_server, site.people["coordinator"])
    person = people("coordinator-no-js", width=WIDTH, height=740, javascript=False, storage_state=state)
    person.goto("/dashboard")
    menu = person.page.locator("nav[aria-label=Main] summary")
    rounds_link = person.page.get_by_role("link", name="Rounds", exact=True)
    assert menu.is_visible() and not rounds_link.is_visible()
    menu.click()
    assert rounds_link.is_visible()
    box = person.button("Log out").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    person.click(rounds_link)
    assert person.heading == "Match rounds"


def test_the_menu_is_a_row_of_links_on_a_wide_screen(browser, live_server, site, people):
    state = _log_in(browser, live_server, site.people["student"])
    person = people("student-wide", width=1280, height=900, storage_state=state)
    person.goto("/dashboard")
    assert not person.page.locator("nav[aria-label=Main] summary").is_visible()
    assert person.page.get_by_role("link", name="My applications", exact=True).is_visible()
    person.log_out()
    assert person.page.get_by_role("link", name="Log in", exact=True).is_visible()
