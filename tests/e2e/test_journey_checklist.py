"""From an accepted place to "cleared to travel", in a real browser: the student accepts, finds the
checklist from the dashboard, records an emergency contact (a mistake first); the host's member
checks the items at 360 px (a decision without its reason is refused), a coordinator marks the
visa not needed; the student sees the trip cleared. axe-core checks every page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.browser import Person
from tests.support.factories import UserFactory

WIDTH = 360


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        org = make.organisation(name="Kenyatta IR partners", slug="kenyatta")
        host = make.create("org_member", name="Wanjiru Host", organisation=org)
        coordinator = make.create("coordinator", name="Grace Coordinator")
        student = make.create("student", name="Amina Student", profession_code="medical-student")
        starts = date.today() + timedelta(days=90)
        opportunity = make.opportunity(
            org,
            title="IR elective in Nairobi",
            country_code="KE",
            city="Nairobi",
            starts_on=starts,
            ends_on=starts + timedelta(days=27),
            needs_visa=True,
        )
        make.match(student, opportunity, "published")
        return {"host": host.email, "coordinator": coordinator.email, "student": student.email}


def _logged_in(people, name: str, email: str, **options: Any) -> Person:
    person = people(name, **options)
    person.log_in(email, UserFactory.PASSWORD)
    return person


def _item(person: Person, title: str):
    return person.page.locator("li.card").filter(has=person.page.get_by_role("heading", name=title))


def _decide(person: Person, title: str, decision: str, note: str = "") -> None:
    card = _item(person, title)
    if card.locator("details").get_attribute("open") is None:  # a refused decision comes back open
        card.get_by_text("Check this item").click()
    card.get_by_label(decision).check()
    if note:
        card.get_by_label("Note for the traveller").fill(note)
    refused = not note and decision != "Verified"
    person.click(card.get_by_role("button", name="Save the decision"), expect_status=422 if refused else 200)


def test_from_an_accepted_place_to_cleared_to_travel(people, accounts):
    student = _logged_in(people, "student", accounts["student"])
    student.goto("/placements")
    student.click(student.button("Accept the place"))
    student.goto("/dashboard")
    student.click(
        student.page.locator("#trips-heading + ul").get_by_role("link", name="IR elective in Nairobi")
    )
    assert student.heading == "Before you travel: IR elective in Nairobi"
    checklist = student.text()
    for title in (
        "Visa or entry permit",
        "Invitation or welcome letter",
        "Named supervisor",
        "Accommodation confirmed",
    ):
        assert title in checklist
    assert "4 required items are not verified yet." in checklist

    student.click(student.link("Your emergency contact and travel insurance"))
    student.page.get_by_label("Their phone number").fill("+254 20 000 0000")
    student.click(student.button("Save"), expect_status=422)
    assert "Give the name of someone we can call." in student.text(".error-summary")
    student.page.get_by_label("Emergency contact's name").fill("Zawadi Student")
    student.click(student.button("Save"))
    assert "saved" in student.flashes

    host = _logged_in(people, "host", accounts["host"], width=WIDTH)
    trip_path = urlsplit(student.page.url).path.removesuffix("/contacts")
    host.goto(trip_path)
    assert "Traveller: Amina Student" in host.text()
    _decide(host, "Invitation or welcome letter", "Not needed for this trip")  # no reason: refused
    assert "Say why, in a few words" in host.text(".error-summary")
    for title in ("Invitation or welcome letter", "Named supervisor", "Accommodation confirmed"):
        _decide(host, title, "Verified")
    out_of_view = host.page.evaluate(
        """(width) => [...document.querySelectorAll('main button, main summary')].filter(el => {
          const b = el.getBoundingClientRect();
          return b.width > 1 && (b.left < 0 || b.right > width);
        }).map(el => el.innerText)""",
        WIDTH,
    )
    assert out_of_view == []
    host.click(host.link("Emergency contact and travel insurance"))
    assert "Zawadi Student" in host.text()

    coordinator = _logged_in(people, "coordinator", accounts["coordinator"])
    coordinator.goto(trip_path)
    _decide(
        coordinator,
        "Visa or entry permit",
        "Not needed for this trip",
        "Kenyan e-visa arranged by the school.",
    )

    student.goto(trip_path)
    assert "cleared to travel" in student.text()
    assert "Kenyan e-visa arranged by the school." in student.text()
