"""Double-blind feedback after a visit, in a real browser at 360 px: the visitor forgets the rating
(refused, words kept), then sends; the host sees that the visitor has written, not what, writes
their own; then each reads the other's. axe-core checks every page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.browser import Person
from tests.support.factories import UserFactory

WIDTH = 360
VISITOR_WORDS = "Patient teachers and a busy list."
HOST_WORDS = "Careful, curious, always on time."


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        org = make.organisation(name="Mbeya IR partners", slug="mbeya-feedback")
        host = make.create("org_member", name="Neema Host", organisation=org)
        student = make.create("student", name="Amina Student", profession_code="medical-student")
        ended = date.today() - timedelta(days=2)
        visit = make.opportunity(
            org,
            title="IR elective in Mbeya",
            status="closed",
            starts_on=ended - timedelta(days=27),
            ends_on=ended,
            deadline=None,
        )
        make.match(student, visit, "completed")
        return {"host": host.email, "student": student.email, "visit": visit.id, "student_id": student.id}


def _logged_in(people, name: str, email: str) -> Person:
    person = people(name, width=WIDTH)
    person.log_in(email, UserFactory.PASSWORD)
    return person


def _all_in_view(person: Person) -> None:
    out_of_view = person.page.evaluate(
        """(width) => [...document.querySelectorAll('main button, main a, main input')].filter(el => {
          const b = el.getBoundingClientRect();
          return b.width > 1 && (b.left < 0 || b.right > width);
        }).map(el => el.outerHTML)""",
        WIDTH,
    )
    assert out_of_view == []


def test_each_side_reads_the_other_once_both_have_written(people, accounts):
    page = f"/visits/{accounts['visit']}/feedback"
    student = _logged_in(people, "student", accounts["student"])
    student.goto(page)
    assert "Once you send it, you cannot change it." in student.text()
    _all_in_view(student)
    student.page.get_by_label("What went well, and what could be better?").fill(VISITOR_WORDS)
    student.click(student.button("Send your feedback"), expect_status=422)
    assert "Choose a rating from 1 to 5." in student.text(".error-summary")
    student.page.get_by_role("group", name="How was your placement").get_by_label("5").check()
    student.page.get_by_role("group", name="Would you recommend").get_by_label("Yes").check()
    assert (
        student.page.get_by_label("What went well, and what could be better?").input_value() == VISITOR_WORDS
    )
    student.click(student.button("Send your feedback"))
    assert VISITOR_WORDS in student.text() and "The host has not written theirs yet" in student.text()

    host = _logged_in(people, "host", accounts["host"])
    host.goto(page)
    assert "Amina Student" in host.text()
    _all_in_view(host)
    host.click(host.link("Write your feedback on Amina Student"))
    assert "Amina Student has written their feedback. You will see it once you write yours." in host.text()
    assert VISITOR_WORDS not in host.text()
    host.page.get_by_role("group", name="How was this visitor").get_by_label("4").check()
    host.page.get_by_role("group", name="Would you welcome").get_by_label("Yes").check()
    host.page.get_by_label("What did they do well, and what could they do better?").fill(HOST_WORDS)
    host.click(host.button("Send your feedback"))
    assert VISITOR_WORDS in host.text() and HOST_WORDS in host.text()

    student.goto(page)
    assert HOST_WORDS in student.text()
