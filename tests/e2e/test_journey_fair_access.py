"""Issue 23's journey: a coordinator runs a round, reserves half of each opportunity's places for
applicants from low and lower-middle income countries, runs it again, and compares the two runs."""

from __future__ import annotations

from tests.support.factories import UserFactory
from tests.support.rounds import reserve_world

PASSWORD = UserFactory.PASSWORD


def _run(coordinator, number: int) -> None:
    coordinator.click(coordinator.button("Run"))
    coordinator.follow_job(f"Run {number}: see the proposed matches")
    assert coordinator.heading == f"Run {number}: proposed matches"


def test_coordinator_compares_a_run_without_and_with_a_reserve(live_server, people):
    with live_server.data() as make:
        email = make.create("coordinator", name="Grace Coordinator").email
        reserve_world(make)
    coordinator = people("coordinator")
    coordinator.log_in(email, PASSWORD)
    coordinator.goto("/coordination/rounds/new")
    coordinator.page.locator("main form").get_by_label("Name").fill("Fair access 2027")
    coordinator.click(coordinator.button("Create the round"))
    round_page = coordinator.page.url
    assert "Reserved places: 0%" in coordinator.text(".facts")
    _run(coordinator, 1)
    assert "Harry" in coordinator.text("table.matches") and "Neema" not in coordinator.text("table.matches")

    coordinator.goto(round_page)
    coordinator.click(coordinator.link("Change the settings"))
    form = coordinator.page.locator("main form")
    form.get_by_label("Reserved places (percent of each opportunity's places)").fill("150")
    coordinator.click(coordinator.button("Save the settings"), expect_status=422)
    assert "Reserve from 0 to 100 percent of the places." in coordinator.text(".error-summary")
    form.get_by_label("Reserved places (percent of each opportunity's places)").fill("50")
    coordinator.click(coordinator.button("Save the settings"))
    assert "Settings saved." in coordinator.flashes
    assert "Reserved places: 50%" in coordinator.text(".facts")
    _run(coordinator, 2)
    assert "Neema was placed on a reserved place at Muhimbili elective" in coordinator.text()

    coordinator.goto(round_page)
    coordinator.click(coordinator.button("Compare runs A and B"))
    assert coordinator.heading == "Run 1 and run 2"
    text = coordinator.text()
    assert "50% for low income, lower-middle income" in text
    assert "2 applicants placed differently." in text
    changed = coordinator.page.locator("table", has_text="Harry").inner_text()
    assert "reserved place" in changed and "(unmatched)" in changed
    charts = coordinator.page.locator("svg.chart[role=img]")
    assert charts.count() == 4
    assert "lower-middle income: 1 of 1 placed (100%)." in charts.nth(2).locator("desc").text_content()

    # The same page on a phone: nothing wider than the screen, axe-core clean (checked on every page).
    compare_url = coordinator.page.url
    phone = people(
        "coordinator-phone", width=360, height=740, storage_state=coordinator.context.storage_state()
    )
    response = phone.goto(compare_url)
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    assert len(response.body()) < 100_000
