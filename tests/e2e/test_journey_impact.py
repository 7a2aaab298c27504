"""Journey (issue 22): from a finished teaching visit to the organisation's public impact page, at
360 px, through the pages' own links. The host registers a local learner; the physician records a
nephrostomy (the learner performed it under supervision) and a lecture in the logbook, after one
refused entry; the host confirms the entries and the physician's completion; both write feedback,
each reading the other's only once both have written; the physician opens the certificate, whose
check address works for anyone; and anyone reads the figures on the public impact page, where no
person is named. axe-core checks every page (the `people` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.models.impact import (
    LocalLearner,
    LogEntry,
    Milestone,
    MilestoneKind,
    VisitCompletion,
    VisitFeedback,
)
from tests.e2e.browser import Person
from tests.support.factories import UserFactory
from tests.support.impact import impact_scene

WIDTH = 360
HEIGHT = 740
PASSWORD = UserFactory.PASSWORD
ORG = "Mbeya Outreach"
SITE = "Mbeya Zonal Referral Hospital"
TEACHING = "Teaching visit to Mbeya"
LEARNER = "Zawadi M."
NEPHROSTOMY = "Percutaneous nephrostomy"
GROUP = "Drainage and percutaneous access"
TOPIC = "Radiation safety in the IR suite"
VISITOR_WORDS = "Keen residents and a well-run list."
HOST_WORDS = "Clear teacher, patient with the residents."
NAMES = ("Physician Visitor", "Nurse Visitor", "Student Visitor", "Host Member", LEARNER)


@dataclass
class Cast:
    host: str
    physician: str
    physician_id: int
    teaching_id: int
    elective_id: int
    session_day: date


@pytest.fixture(scope="module")
def cast(live_server) -> Cast:
    with live_server.data() as make:
        scene = impact_scene(make.session, make)
        return Cast(
            host=scene.host.email,
            physician=scene.physician.email,
            physician_id=scene.physician.id,
            teaching_id=scene.teaching.id,
            elective_id=scene.elective.id,
            session_day=scene.teaching.starts_on + timedelta(days=1),
        )


@dataclass(frozen=True)
class Counts:
    learners: int
    entries: int
    confirmed: int
    milestones: int
    supervised: int
    completions: int
    feedback: int


def _counts(live_server) -> Counts:
    with live_server.data() as make:
        s = make.session

        def count(model, *where) -> int:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

        return Counts(
            learners=count(LocalLearner),
            entries=count(LogEntry),
            confirmed=count(LogEntry, LogEntry.confirmed_at.is_not(None)),
            milestones=count(Milestone),
            supervised=count(Milestone, Milestone.kind == MilestoneKind.FIRST_SUPERVISED),
            completions=count(VisitCompletion),
            feedback=count(VisitFeedback),
        )


def _logged_in(people, name: str, email: str) -> Person:
    person = people(name, width=WIDTH, height=HEIGHT)
    person.log_in(email, PASSWORD)
    return person


def _menu(person: Person, name: str) -> None:
    """Follow a link of the main menu, which folds into "Menu" at 360 px."""
    nav = person.page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator("summary").click()
    person.click(link)


def _fits(person: Person) -> None:
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _open_teaching_visit(person: Person) -> None:
    _menu(person, "Your visits")
    assert person.heading == "Your visits"
    person.click(person.page.locator("main").get_by_role("link", name=TEACHING, exact=True))
    assert person.heading == TEACHING


def _host_registers_a_learner(host: Person, cast: Cast) -> None:
    _open_teaching_visit(host)
    host.click(host.link(f"Local learners at {SITE}"))
    assert host.heading == f"Local learners at {SITE}"
    assert "No learner yet." in host.text()
    host.page.get_by_label("Name or initials").fill(LEARNER)
    host.page.get_by_label("Level").select_option("radiology-residents")
    host.click(host.button("Add the learner"))
    assert f"{LEARNER} is on the list." in host.flashes
    assert host.page.locator("main table").get_by_role("link", name=LEARNER).count() == 1
    _fits(host)


def _fill_session(page, day: date, kind: str, present: int) -> None:
    page.get_by_label("Day of the session").fill(day.isoformat())
    page.get_by_role("group", name="Kind of session").get_by_label(kind, exact=True).check()
    page.get_by_label("Local learners present").fill(str(present))


def _physician_records_the_logbook(physician: Person, cast: Cast, live_server) -> None:
    _open_teaching_visit(physician)
    assert "Logbook: 0 entries recorded, 0 confirmed by the host." in physician.text()
    physician.click(
        physician.page.get_by_role("region", name="Where you stand").get_by_role(
            "link", name="Open the logbook"
        )
    )
    assert physician.heading == f"Logbook: {TEACHING}"
    page = physician.page
    assert "Never write patient names, dates of birth, hospital numbers or images here." in physician.text()

    # A lecture whose topic carries a hospital-number-like run of digits: refused, the words kept.
    bad_topic = "Drain care for patient 20417733"
    _fill_session(page, cast.session_day, "lecture", 10)
    page.get_by_label("Hours", exact=True).fill("1.5")
    page.get_by_label("Topic", exact=True).fill(bad_topic)
    physician.click(physician.button("Add the session"), expect_status=422)
    summary = physician.text(".error-summary")
    assert "There is a problem" in summary and "patient identifier" in summary
    assert "patient identifier" in physician.text("#topic-error")
    assert page.get_by_label("Topic", exact=True).get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Topic", exact=True).input_value() == bad_topic
    assert page.get_by_label("Hours", exact=True).input_value() == "1.5"
    assert _counts(live_server).entries == 0, "a refused entry is not saved"

    # The same lecture with a topic only.
    page.get_by_label("Topic", exact=True).fill(TOPIC)
    physician.click(physician.button("Add the session"))
    assert "The session is in the logbook. The host will confirm it." in physician.flashes

    # A nephrostomy the registered learner performed under supervision: 3 cases, 4 present.
    _fill_session(page, cast.session_day, "procedure", 4)
    page.get_by_label("Procedure or subject").select_option(label=NEPHROSTOMY)
    role = page.get_by_role("group", name="What the local learner did")
    role.get_by_label("performed under supervision", exact=True).check()
    page.get_by_label("Cases", exact=True).fill("3")
    page.get_by_label("Registered local learner (optional)").select_option(label=LEARNER)
    physician.click(physician.button("Add the session"))
    assert "The session is in the logbook. The host will confirm it." in physician.flashes

    rows = page.locator("table.stack", has_text="Sessions recorded").locator("tbody tr")
    assert rows.count() == 2
    procedure = rows.filter(has_text=NEPHROSTOMY)
    assert procedure.locator("[data-label='Cases']").inner_text() == "3"
    assert procedure.locator("[data-label='Registered local learner']").inner_text() == LEARNER
    lecture = rows.filter(has_text=TOPIC)
    assert lecture.locator("[data-label='Hours']").inner_text() == "1.5"
    assert page.locator("table.stack .badge", has_text="waiting for the host").count() == 2
    assert "2 entries are waiting for the host." in physician.text()
    _fits(physician)


def _host_confirms(host: Person, cast: Cast) -> None:
    _menu(host, "Your visits")
    host.click(host.link("2 logbook entries to confirm"))
    assert host.heading == f"Logbook: {TEACHING}"
    host.click(host.button("Confirm every waiting entry"))
    assert "2 entries confirmed." in host.flashes
    assert host.page.locator("table.stack .badge", has_text="confirmed").count() == 2
    assert host.button("Confirm every waiting entry").count() == 0

    _open_teaching_visit(host)
    assert "2 entries recorded: 2 confirmed by the host, 0 waiting." in host.text()
    row = host.page.locator("#visitors ~ div table tbody tr", has_text="Physician Visitor")
    host.click(row.get_by_role("button", name="Confirm completion"))
    assert (
        "Physician Visitor's visit is confirmed as completed: they can print the certificate." in host.flashes
    )
    row = host.page.locator("#visitors ~ div table tbody tr", has_text="Physician Visitor")
    assert row.locator("[data-label='Completion']").inner_text().strip() == "completed"
    nurse = host.page.locator("#visitors ~ div table tbody tr", has_text="Nurse Visitor")
    assert nurse.get_by_role("button", name="Confirm completion").count() == 1


def _feedback_both_ways(physician: Person, host: Person) -> None:
    _open_teaching_visit(physician)
    physician.click(physician.link("Write your feedback on the placement"))
    assert physician.heading == f"Feedback on {TEACHING}"
    page = physician.page
    page.get_by_role("group", name="How was your placement").get_by_label("5").check()
    page.get_by_role("group", name="Would you recommend").get_by_label("Yes").check()
    page.get_by_label("What went well, and what could be better?").fill(VISITOR_WORDS)
    physician.click(physician.button("Send your feedback"))
    assert "Thank you: your feedback is saved." in physician.flashes
    assert VISITOR_WORDS in physician.text()
    assert "The host has not written theirs yet." in physician.text()

    # Before the host writes: that the visitor wrote shows, what they wrote does not.
    _open_teaching_visit(host)
    row = host.page.locator("#visitors ~ div table tbody tr", has_text="Physician Visitor")
    assert "The visitor has written theirs." in row.locator("[data-label='Feedback']").inner_text()
    assert VISITOR_WORDS not in host.text()
    host.click(row.get_by_role("link", name="Write your feedback on Physician Visitor"))
    assert host.heading == "Feedback on Physician Visitor"
    assert (
        "Physician Visitor has written their feedback. You will see it once you write yours." in host.text()
    )
    assert VISITOR_WORDS not in host.text()
    page = host.page
    page.get_by_role("group", name="How was this visitor").get_by_label("4").check()
    page.get_by_role("group", name="Would you welcome").get_by_label("Yes").check()
    page.get_by_label("What did they do well, and what could they do better?").fill(HOST_WORDS)
    host.click(host.button("Send your feedback"))
    assert "Thank you: your feedback on Physician Visitor is saved." in host.flashes
    assert HOST_WORDS in host.text() and VISITOR_WORDS in host.text()
    _fits(host)  # both answers, long questions and all, within the phone's width

    # Both have written: the physician reads the host's words.
    _open_teaching_visit(physician)
    assert "The host's feedback on you is ready to read." in physician.text()
    physician.click(physician.link("You wrote your feedback."))
    assert HOST_WORDS in physician.text() and VISITOR_WORDS in physician.text()
    _fits(physician)


def _figures(person: Person, selector: str) -> dict[str, str]:
    rows = person.page.locator(selector).locator("tbody tr")
    return {
        rows.nth(i).locator("th").inner_text().strip(): rows.nth(i).locator("td").inner_text().strip()
        for i in range(rows.count())
    }


def _certificate(physician: Person) -> str:
    _open_teaching_visit(physician)
    physician.click(physician.link("Print your certificate"))
    certificate = physician.page.locator("article.certificate")
    text = certificate.inner_text()
    assert "Physician Visitor" in text and TEACHING in text and ORG in text and "Host Member" in text
    assert "From 2 confirmed logbook entries" in text
    assert _figures(physician, "table.certificate-figures") == {
        "Sessions": "2",
        "Procedures taught (cases)": "3",
        GROUP: "3",
        "Lectures": "1",
        "Simulation sessions": "0",
        "Hours of lectures and simulation": "1.5",
    }
    _fits(physician)
    check_url = certificate.locator(".certificate-url").inner_text().strip()
    assert check_url.startswith(physician.base_url + "/certificates/")
    return check_url


def _anyone_checks_the_certificate(people, check_url: str) -> None:
    anyone = people("checker", width=WIDTH, height=HEIGHT)
    anyone.goto(check_url)  # the address printed on the certificate
    assert anyone.heading == "Check a certificate"
    text = anyone.text()
    assert "This certificate is genuine" in text
    assert "Physician Visitor" in text and TEACHING in text and ORG in text and "2 weeks" in text


def _anyone_reads_the_impact_page(people) -> None:
    anyone = people("public", width=WIDTH, height=HEIGHT)
    anyone.goto("/")
    _menu(anyone, "Organisations")
    anyone.click(anyone.page.locator("main").get_by_role("link", name=ORG, exact=True))
    anyone.click(anyone.link("What visits with this organisation taught: its impact"))
    assert anyone.heading == f"Impact of {ORG}"
    _fits(anyone)
    figures = anyone.page.locator("dl.impact-figures")
    terms = figures.locator("dt").all_inner_texts()
    values = figures.locator("dd").all_inner_texts()
    # As services.impact.figures defines them: only the teaching visit has anything the host
    # confirmed (the elective's completed student has no confirmed completion, no entry).
    assert dict(zip(terms, values, strict=True)) == {
        "Visits": "1",
        "Visitors": "1",  # the physician's completion; the nurse's is not confirmed
        "Visit weeks": "2.0",  # 14 days, first to last
        "Person-weeks": "2.0",
        "Procedures taught": "3",
        "Local learners trained": "1",
        "Independent milestones": "0",
        "Supervised milestones": "1",
        "Lectures": "1",
        "Simulation sessions": "0",
        "Learners present": "14",  # 4 at the nephrostomy, 10 at the lecture
    }
    text = anyone.text()
    assert "Lectures: 1 (1.5 hours). Simulation sessions: 0 (0.0 hours)." in text
    group = anyone.page.locator("#table-procedures tbody tr", has_text=GROUP)
    assert group.count() == 1
    assert group.locator("[data-label='Performed under supervision']").inner_text() == "3"
    assert group.locator("[data-label='Total']").inner_text() == "3"
    assert anyone.page.locator("#table-procedures tbody tr").count() == 1
    assert "1 first case under supervision." in text
    body = anyone.text("body")
    for name in NAMES:
        assert name not in body, f"{name} is named on the public impact page"


def test_from_a_finished_visit_to_the_public_impact_page(people, cast, live_server):
    start = _counts(live_server)
    assert start == Counts(0, 0, 0, 0, 0, 0, 0)

    host = _logged_in(people, "host", cast.host)
    _host_registers_a_learner(host, cast)
    assert _counts(live_server) == Counts(1, 0, 0, 0, 0, 0, 0)

    physician = _logged_in(people, "physician", cast.physician)
    _physician_records_the_logbook(physician, cast, live_server)
    assert _counts(live_server) == Counts(1, 2, 0, 0, 0, 0, 0)
    with live_server.data() as make:
        authors = set(make.session.scalars(select(LogEntry.author_id)))
        visits = set(make.session.scalars(select(LogEntry.visit_id)))
    assert authors == {cast.physician_id} and visits == {cast.teaching_id}

    _host_confirms(host, cast)
    assert _counts(live_server) == Counts(1, 2, 2, 1, 1, 1, 0)
    with live_server.data() as make:
        completion = make.session.scalars(select(VisitCompletion)).one()
    assert (completion.visit_id, completion.user_id) == (cast.teaching_id, cast.physician_id)

    _feedback_both_ways(physician, host)
    assert _counts(live_server) == Counts(1, 2, 2, 1, 1, 1, 2)

    check_url = _certificate(physician)
    _anyone_checks_the_certificate(people, check_url)
    _anyone_reads_the_impact_page(people)
    assert _counts(live_server) == Counts(1, 2, 2, 1, 1, 1, 2), "reading moved nothing"
