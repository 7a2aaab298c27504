"""A coordinator keeps Kenya's rules in a real browser: a source that is not a web address is
refused at its field, the rule is added and edited, and a visitor reads it on the opportunity
page under "Before you travel to Kenya". axe-core checks every page (the opportunity page in
French too); at 360 px no action is out of view."""

from __future__ import annotations

from typing import Any

import pytest

from matcher.extensions import db
from matcher.services.departure.rule_packs import load_packs
from tests.e2e.test_journey_sites import _OUT_OF_VIEW, WIDTH, _state


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        load_packs(db.session)
        db.session.commit()
        coordinator = make.create("coordinator", name="Grace Coordinator")
        opportunity = make.opportunity(
            country_code="KE", city="Nairobi", host_institution="Kenyatta Hospital"
        )
        return {"coordinator": coordinator.email, "opportunity": opportunity.id}


def test_coordinator_adds_and_edits_a_rule_that_visitors_then_read(browser, live_server, people, accounts):
    coordinator = people("coordinator", storage_state=_state(browser, live_server, accounts["coordinator"]))
    coordinator.goto("/dashboard")
    coordinator.click(coordinator.link("Countries' rules for visitors"))
    coordinator.click(coordinator.link("Kenya"))
    assert coordinator.heading == "Rules for visitors: Kenya"
    page = coordinator.page
    page.get_by_label("Code", exact=True).fill("police-clearance")
    page.get_by_label("Kind of rule").select_option("other")
    page.get_by_label("Title", exact=True).fill("Police clearance certificate")
    page.get_by_label("Web address of the source").fill("javascript:alert(1)")
    page.get_by_label("Date you read the source").fill("2025-06-01")
    page.get_by_label("Due this many days before the start").fill("45")
    coordinator.click(coordinator.button("Add the rule"), expect_status=422)
    assert "Enter the source's web address, starting with https:// or http://." in coordinator.text(
        ".error-summary"
    )
    assert page.get_by_label("Title", exact=True).input_value() == "Police clearance certificate"  # kept
    page.get_by_label("Web address of the source").fill("https://kmpdc.go.ke/")
    coordinator.click(coordinator.button("Add the rule"))
    assert "“Police clearance certificate” is added to the rules." in coordinator.flashes
    coordinator.click(coordinator.link("Edit “Police clearance certificate”"))
    page.get_by_label("Title", exact=True).fill("Police clearance (from your home country)")
    coordinator.click(coordinator.button("Save changes"))
    assert "Police clearance (from your home country)" in coordinator.text()

    visitor = people("visitor")
    visitor.goto(f"/opportunities/{accounts['opportunity']}")
    text = visitor.text()
    assert "Before you travel to Kenya" in text
    assert "Police clearance (from your home country)" in text
    assert "Temporary licence or registration to practise in Kenya" in text
    visitor.click(
        visitor.page.get_by_role("navigation", name="Language").get_by_role("link", name="Français")
    )
    assert visitor.page.get_attribute("html", "lang") == "fr"  # axe-core checks the page in French too
    assert coordinator.audit is not None and len(coordinator.audit.seen) >= 5


def test_country_pages_keep_their_actions_on_a_360_px_screen(browser, live_server, people, accounts):
    state = _state(browser, live_server, accounts["coordinator"])
    coordinator = people("coordinator-phone", width=WIDTH, height=740, storage_state=state)
    problems = []
    for path in ("/coordination/countries", "/coordination/countries/KE"):
        coordinator.goto(path)
        width = coordinator.page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{path} is {width} px wide")
        problems.extend(
            f"{path}: {item}" for item in coordinator.page.evaluate(_OUT_OF_VIEW, [_CONTROLS, WIDTH])
        )
    assert not problems, "\n".join(problems)


_CONTROLS = "main button, main a.button, main input[type=submit]"
