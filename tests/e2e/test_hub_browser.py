"""After your visits in a browser (issue 22): a host on a phone with no JavaScript finds what waits
for them and the Confirm completion button in view; a student goes from their placements to the
visit's page. axe-core checks each page (with JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from matcher.models.impact import LogEntry
from tests.support.factories import UserFactory
from tests.support.impact import impact_scene

WIDTH = 360


@dataclass
class Site:
    host: str
    student: str
    teaching_id: int
    teaching_title: str


@pytest.fixture(scope="module")
def site(live_server) -> Site:
    with live_server.data() as make:
        scene = impact_scene(make.session, make)
        make.session.add(
            LogEntry(
                visit_id=scene.teaching.id,
                author_id=scene.physician.id,
                held_on=scene.teaching.starts_on,
                kind="lecture",
                topic="Radiation safety",
                hours=1,
                learners_present=6,
            )
        )
        make.session.commit()
        return Site(scene.host.email, scene.student.email, scene.teaching.id, scene.teaching.title)


def test_a_host_on_a_phone_finds_what_waits_for_them_without_javascript(live_server, site, people):
    person = people("host", javascript=False, width=WIDTH, height=740)
    person.log_in(site.host, UserFactory.PASSWORD)
    person.goto("/visits")
    text = person.text()
    assert "1 logbook entry to confirm" in text and "2 visitors to confirm as completed" in text
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    person.click(person.link(site.teaching_title))
    assert person.page.url.endswith(f"/visits/{site.teaching_id}")
    buttons = person.page.get_by_role("button", name="Confirm completion")
    assert buttons.count() == 2
    for n in range(2):
        box = buttons.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_student_goes_from_their_placements_to_the_visit(live_server, site, people):
    person = people("student", width=WIDTH, height=740)
    person.log_in(site.student, UserFactory.PASSWORD)
    person.goto("/placements")
    person.click(person.link("After the visit: your logbook, certificate and feedback"))
    text = person.text()
    assert "Where you stand" in text and "Write your feedback on the placement" in text
    assert "Confirm completion" not in text
