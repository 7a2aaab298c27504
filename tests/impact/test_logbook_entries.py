"""The logbook (issue 22): visitors add sessions, every field's refusal at its field, authors
change or delete their own waiting entries, confirmed ones are locked."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.impact import LocalLearner, LogEntry
from matcher.services.errors import DomainError, NotFound, PermissionDenied
from matcher.services.impact import logbook
from tests.support.impact import impact_scene
from tests.support.teaching import make_site


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(LogEntry))


def _procedure(scene, **changes) -> dict:
    data = {
        "held_on": (scene.elective.starts_on + timedelta(days=2)).isoformat(),
        "kind": "procedure",
        "procedure_id": str(scene.procedures["nephrostomy"].id),
        "learner_role": "supervised",
        "cases": "3",
        "learners_present": "4",
        "hours": "",
        "topic": "",
        "local_learner_id": "",
    }
    data.update(changes)
    return data


def _lecture(scene, **changes) -> dict:
    data = {
        "held_on": (scene.elective.starts_on + timedelta(days=3)).isoformat(),
        "kind": "lecture",
        "procedure_id": "",
        "learners_present": "12",
        "hours": "1.5",
        "topic": "Biliary drainage: indications",
    }
    data.update(changes)
    return data


def _error_at(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error at {field}"
    return found.group(1)


def _entry(scene, author, visit=None, **values) -> LogEntry:
    visit = visit or scene.elective
    entry = LogEntry(
        visit_id=visit.id,
        author_id=author.id,
        held_on=visit.starts_on + timedelta(days=1),
        kind="lecture",
        hours=Decimal(1),
        topic="Radiation safety",
        learners_present=5,
        **values,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def test_a_visitor_adds_a_procedure_with_a_registered_learner(client, auth, scene):
    learner = LocalLearner(site_id=scene.site.id, name="J. K.", level="radiology-residents")
    db.session.add(learner)
    db.session.commit()
    auth.login_as(scene.student)
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert "never write patient names" in page.lower() or "Never write patient names" in page
    assert f'<option value="{learner.id}">J. K.</option>' in page
    response = client.post(
        f"/visits/{scene.elective.id}/log",
        data=_procedure(scene, local_learner_id=str(learner.id), hours="2", topic="ignored"),
    )
    assert response.status_code == 302
    entry = db.session.scalars(select(LogEntry)).one()
    assert (entry.visit_id, entry.author_id, entry.kind, entry.learner_role) == (
        scene.elective.id,
        scene.student.id,
        "procedure",
        "supervised",
    )
    assert (entry.cases, entry.learners_present, entry.local_learner_id) == (3, 4, learner.id)
    assert entry.hours is None and entry.topic == "" and entry.confirmed_at is None
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert "Percutaneous nephrostomy" in page and "waiting for the host" in page


def test_a_lecture_keeps_no_role_and_counts_one(client, auth, scene):
    auth.login_as(scene.physician)
    response = client.post(
        f"/visits/{scene.teaching.id}/log",
        data=_lecture(
            scene, held_on=scene.teaching.starts_on.isoformat(), learner_role="independent", hours="1,5"
        ),
    )
    assert response.status_code == 302
    entry = db.session.scalars(select(LogEntry)).one()
    assert (entry.kind, entry.learner_role, entry.cases, entry.hours) == ("lecture", None, 1, Decimal("1.5"))
    assert entry.topic == "Biliary drainage: indications"


REFUSALS = [
    ("procedure", {"held_on": ""}, "held_on", "Give the day of the session."),
    ("procedure", {"held_on": "2001-01-01"}, "held_on", "Give a day within the visit"),
    ("procedure", {"held_on": "not a day"}, "held_on", "Enter a real date"),
    ("procedure", {"kind": ""}, "kind", "Choose what kind of session it was."),
    ("procedure", {"kind": "surgery"}, "kind", "Choose one of the options in the list."),
    ("procedure", {"procedure_id": ""}, "procedure_id", "Choose the procedure."),
    ("procedure", {"procedure_id": "999999"}, "procedure_id", "Choose a procedure from the list."),
    ("procedure", {"learner_role": ""}, "learner_role", "Choose what the local learner did."),
    ("procedure", {"learner_role": "taught"}, "learner_role", "Choose one of the options in the list."),
    ("procedure", {"cases": ""}, "cases", "Say how many cases."),
    ("procedure", {"cases": "0"}, "cases", "Enter a number from 1 to 200."),
    ("procedure", {"cases": "201"}, "cases", "Enter a number from 1 to 200."),
    ("procedure", {"cases": "three"}, "cases", "Enter a whole number"),
    ("procedure", {"learners_present": ""}, "learners_present", "Say how many local learners were there"),
    ("procedure", {"learners_present": "-1"}, "learners_present", "Enter a number from 0 to 500."),
    ("procedure", {"learners_present": "501"}, "learners_present", "Enter a number from 0 to 500."),
    (
        "procedure",
        {"local_learner_id": "999999"},
        "local_learner_id",
        "Choose a local learner from the list.",
    ),
    ("lecture", {"hours": ""}, "hours", "Say how many hours it lasted."),
    ("lecture", {"hours": "0.4"}, "hours", "Enter a number of hours from 0.5 to 24."),
    ("lecture", {"hours": "24.5"}, "hours", "Enter a number of hours from 0.5 to 24."),
    ("lecture", {"topic": "Drain care, patient 12345678"}, "topic", "patient identifier"),
    ("lecture", {"topic": "Review of 12/03/1990 case"}, "topic", "patient identifier"),
    ("lecture", {"topic": "MRN AB-77 follow-up"}, "topic", "patient identifier"),
    ("lecture", {"topic": "x" * 201}, "topic", "Keep the topic to 200 characters."),
    ("lecture", {"topic": ""}, "topic", "Give the topic, or choose a subject from the list."),
]


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"), REFUSALS, ids=[f"{r[2]}-{n}" for n, r in enumerate(REFUSALS)]
)
def test_each_refusal_is_at_its_field_and_nothing_is_saved(
    client, auth, scene, kind, changes, field, message
):
    auth.login_as(scene.student)
    data = (_procedure if kind == "procedure" else _lecture)(scene, **changes)
    response = client.post(f"/visits/{scene.elective.id}/log", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _error_at(page, field)
    assert f'href="#{field}' in page  # the summary links to it (a radio group: its first option)
    assert _count() == 0
    kept = changes.get(field, "")
    if field in {"topic", "cases", "learners_present", "hours"} and kept:
        assert f'value="{kept}"' in page  # the input is kept


def test_a_retired_procedure_is_neither_offered_nor_taken(client, auth, scene):
    retired = scene.procedures["abscess-drainage"]
    retired.retired_at = utcnow()
    db.session.commit()
    auth.login_as(scene.student)
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert f'<option value="{retired.id}">' not in page
    response = client.post(
        f"/visits/{scene.elective.id}/log", data=_procedure(scene, procedure_id=str(retired.id))
    )
    assert response.status_code == 422
    assert "Choose a procedure from the list." in _error_at(response.get_data(as_text=True), "procedure_id")
    assert _count() == 0


def test_learners_of_another_site_or_inactive_are_refused(client, auth, scene):
    elsewhere = make_site(db.session, scene.org, name="Another hospital", slug="another", city="Dodoma")
    away = LocalLearner(site_id=elsewhere.id, name="Away")
    gone = LocalLearner(site_id=scene.site.id, name="Gone", active=False)
    db.session.add_all([away, gone])
    db.session.commit()
    auth.login_as(scene.student)
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert "Away" not in page and ">Gone<" not in page
    for learner in (away, gone):
        response = client.post(
            f"/visits/{scene.elective.id}/log", data=_procedure(scene, local_learner_id=str(learner.id))
        )
        assert response.status_code == 422
        assert "Choose a local learner" in _error_at(response.get_data(as_text=True), "local_learner_id")
    assert _count() == 0


def test_a_day_still_to_come_is_refused(client, auth, users):
    scene = impact_scene(db.session, users, ended_days_ago=-5)  # under way, ends in five days
    auth.login_as(scene.student)
    tomorrow = (scene.today + timedelta(days=1)).isoformat()
    response = client.post(f"/visits/{scene.elective.id}/log", data=_procedure(scene, held_on=tomorrow))
    assert response.status_code == 422
    assert "Give a day that has come" in _error_at(response.get_data(as_text=True), "held_on")
    assert _count() == 0


def test_nothing_is_recorded_before_the_visit_starts(client, auth, users):
    scene = impact_scene(db.session, users, ended_days_ago=-40)  # starts in twelve days
    auth.login_as(scene.student)
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert "once the visit has started" in page and 'name="held_on"' not in page
    response = client.post(
        f"/visits/{scene.elective.id}/log",
        data=_procedure(scene, held_on=scene.elective.starts_on.isoformat()),
    )
    assert response.status_code == 422
    assert _count() == 0


def test_hosts_do_not_add_entries_and_strangers_find_nothing(client, auth, scene):
    auth.login_as(scene.host)
    page = client.get(f"/visits/{scene.elective.id}/log")
    assert page.status_code == 200 and 'name="held_on"' not in page.get_data(as_text=True)
    assert client.post(f"/visits/{scene.elective.id}/log", data=_procedure(scene)).status_code == 403
    for person in (scene.stranger, scene.other_host, scene.nurse):
        auth.logout()
        auth.login_as(person)
        assert client.get(f"/visits/{scene.elective.id}/log").status_code == 404
        assert client.post(f"/visits/{scene.elective.id}/log", data=_procedure(scene)).status_code == 404
    assert _count() == 0


def test_the_author_changes_a_waiting_entry(client, auth, scene):
    entry = _entry(scene, scene.student)
    auth.login_as(scene.student)
    page = client.get(f"/visits/{scene.elective.id}/log/{entry.id}/edit").get_data(as_text=True)
    assert 'value="Radiation safety"' in page
    response = client.post(
        f"/visits/{scene.elective.id}/log/{entry.id}/edit", data=_lecture(scene, hours="2", topic="Sedation")
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.hours, entry.topic, entry.learners_present) == (Decimal(2), "Sedation", 12)


def test_a_refused_change_keeps_the_entry_as_it_was(client, auth, scene):
    entry = _entry(scene, scene.student)
    auth.login_as(scene.student)
    response = client.post(
        f"/visits/{scene.elective.id}/log/{entry.id}/edit", data=_lecture(scene, hours="30", topic="Sedation")
    )
    assert response.status_code == 422
    assert "from 0.5 to 24" in _error_at(response.get_data(as_text=True), "hours")
    db.session.refresh(entry)
    assert (entry.hours, entry.topic) == (Decimal(1), "Radiation safety")


def test_only_the_author_changes_or_deletes_an_entry(client, auth, scene):
    entry = _entry(scene, scene.physician, scene.teaching)
    for person in (scene.nurse, scene.host, scene.coordinator, scene.stranger):
        auth.login_as(person)
        base = f"/visits/{scene.teaching.id}/log/{entry.id}"
        assert client.get(base + "/edit").status_code == 404
        assert client.post(base + "/edit", data=_lecture(scene, topic="Taken over")).status_code == 404
        assert client.post(base + "/delete").status_code == 404
        auth.logout()
    # Nor through another visit's address.
    auth.login_as(scene.physician)
    assert client.get(f"/visits/{scene.elective.id}/log/{entry.id}/edit").status_code == 404
    db.session.refresh(entry)
    assert entry.topic == "Radiation safety"


def test_the_author_deletes_a_waiting_entry_and_nothing_else(client, auth, scene):
    mine = _entry(scene, scene.physician, scene.teaching)
    theirs = _entry(scene, scene.nurse, scene.teaching)
    other_visit = _entry(scene, scene.student)
    auth.login_as(scene.physician)
    response = client.post(f"/visits/{scene.teaching.id}/log/{mine.id}/delete")
    assert response.status_code == 302
    assert set(db.session.scalars(select(LogEntry.id))) == {theirs.id, other_visit.id}


def test_a_confirmed_entry_is_locked(client, auth, scene):
    entry = _entry(scene, scene.student, confirmed_at=utcnow(), confirmed_by_id=scene.host.id)
    auth.login_as(scene.student)
    base = f"/visits/{scene.elective.id}/log/{entry.id}"
    response = client.get(base + "/edit")
    assert response.status_code == 409
    assert "The host has confirmed this entry" in response.get_data(as_text=True)
    assert client.post(base + "/edit", data=_lecture(scene, topic="Changed")).status_code == 409
    assert client.post(base + "/delete").status_code == 409
    db.session.refresh(entry)
    assert entry.topic == "Radiation safety" and _count() == 1
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert "/edit" not in page and "confirmed" in page


def test_the_service_refuses_hosts_and_checks_again_what_the_form_checked(scene):
    data = logbook.EntryData(
        held_on=scene.elective.starts_on, kind="lecture", learners_present=3, hours=Decimal(1), topic="Wires"
    )
    with pytest.raises(PermissionDenied):
        logbook.add(db.session, scene.host, scene.elective.id, data)
    with pytest.raises(NotFound):
        logbook.add(db.session, scene.stranger, scene.elective.id, data)
    with pytest.raises(DomainError) as refused:
        logbook.add(db.session, scene.student, scene.elective.id, replace(data, topic="Bed 4, 0712 345 678"))
    assert refused.value.field == "topic"
    entry = logbook.add(db.session, scene.student, scene.elective.id, data)
    db.session.commit()
    assert (entry.author_id, entry.cases, entry.topic) == (scene.student.id, 1, "Wires")
    assert logbook.entries(db.session, scene.elective.id) == [entry]


@pytest.mark.parametrize("hours", ["nan", "NaN", "snan", "inf", "-Infinity"])
def test_hours_that_are_not_a_number_get_the_field_message_not_a_500(client, auth, scene, hours):
    auth.login_as(scene.student)
    response = client.post(f"/visits/{scene.elective.id}/log", data=_lecture(scene, hours=hours))
    assert response.status_code == 422
    assert "from 0.5 to 24" in _error_at(response.get_data(as_text=True), "hours")
    assert _count() == 0


def test_hours_in_words_get_the_hours_message(client, auth, scene):
    auth.login_as(scene.student)
    response = client.post(f"/visits/{scene.elective.id}/log", data=_lecture(scene, hours="abc"))
    assert response.status_code == 422
    assert "Enter a number of hours from 0.5 to 24." in _error_at(response.get_data(as_text=True), "hours")
    assert _count() == 0
