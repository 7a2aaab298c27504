"""The host confirms the logbook (issue 22), and confirmed procedure entries record the local
learners' first supervised and first independent cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.impact import LocalLearner, LogEntry, Milestone
from matcher.services.errors import PermissionDenied
from matcher.services.impact import logbook, milestones
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


@pytest.fixture
def learner(scene) -> LocalLearner:
    found = LocalLearner(site_id=scene.site.id, name="R. N.", level="radiology-residents")
    db.session.add(found)
    db.session.commit()
    return found


def _entry(scene, author=None, visit=None, day: int = 1, **values) -> LogEntry:
    visit = visit or scene.elective
    fields = {"kind": "lecture", "hours": Decimal(1), "topic": "Radiation safety", "learners_present": 5}
    if values.get("kind") == "procedure":
        fields = {"procedure_id": scene.procedures["nephrostomy"].id, "cases": 2, "learners_present": 3}
    fields.update(values)
    entry = LogEntry(
        visit_id=visit.id,
        author_id=(author or scene.student).id,
        held_on=visit.starts_on + timedelta(days=day),
        **fields,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def _state(*entries: LogEntry) -> list[tuple[int, datetime | None, int | None]]:
    for entry in entries:
        db.session.refresh(entry)
    return [(e.id, e.confirmed_at, e.confirmed_by_id) for e in entries]


def test_the_host_confirms_the_ticked_entries(client, auth, scene):
    first, second, left = _entry(scene), _entry(scene, day=2), _entry(scene, day=3)
    auth.login_as(scene.host)
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert f'name="entry" value="{first.id}" form="confirm-form"' in page
    response = client.post(
        f"/visits/{scene.elective.id}/log/confirm",
        data={"entry": [first.id, second.id]},
        follow_redirects=True,
    )
    assert "2 entries confirmed." in response.get_data(as_text=True)
    for entry in (first, second):
        db.session.refresh(entry)
        assert entry.confirmed_at is not None and entry.confirmed_by_id == scene.host.id
    db.session.refresh(left)
    assert left.confirmed_at is None


def test_other_visits_and_confirmed_entries_are_ignored_and_counted(client, auth, scene):
    waiting = _entry(scene)
    earlier = datetime(2026, 1, 2, 3, 4, 5)
    done = _entry(scene, day=2, confirmed_at=earlier, confirmed_by_id=scene.coordinator.id)
    elsewhere = _entry(scene, scene.physician, scene.teaching)
    auth.login_as(scene.host)
    response = client.post(
        f"/visits/{scene.elective.id}/log/confirm",
        data={"entry": [waiting.id, done.id, elsewhere.id, 999999]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "1 entry confirmed." in page
    assert "3 were already confirmed or are not in this logbook" in page
    assert _state(done, elsewhere) == [
        (done.id, earlier, scene.coordinator.id),
        (elsewhere.id, None, None),
    ]
    assert _state(waiting)[0][1] is not None


def test_all_confirms_every_waiting_entry_of_this_visit_only(client, auth, scene):
    entries = [_entry(scene, day=n) for n in range(1, 4)]
    elsewhere = _entry(scene, scene.nurse, scene.teaching)
    auth.login_as(scene.coordinator)  # staff act as hosts
    response = client.post(
        f"/visits/{scene.elective.id}/log/confirm", data={"all": "1"}, follow_redirects=True
    )
    assert "3 entries confirmed." in response.get_data(as_text=True)
    assert all(confirmed_at is not None for _id, confirmed_at, _by in _state(*entries))
    assert _state(elsewhere) == [(elsewhere.id, None, None)]


def test_nothing_ticked_changes_nothing(client, auth, scene):
    entry = _entry(scene)
    auth.login_as(scene.host)
    response = client.post(f"/visits/{scene.elective.id}/log/confirm", data={}, follow_redirects=True)
    assert "Tick the entries to confirm." in response.get_data(as_text=True)
    assert _state(entry) == [(entry.id, None, None)]


def test_visitors_do_not_confirm_and_strangers_find_nothing(client, auth, scene):
    entry = _entry(scene)
    auth.login_as(scene.student)
    assert client.post(f"/visits/{scene.elective.id}/log/confirm", data={"all": "1"}).status_code == 403
    auth.logout()
    for person in (scene.other_host, scene.stranger):
        auth.login_as(person)
        assert client.post(f"/visits/{scene.elective.id}/log/confirm", data={"all": "1"}).status_code == 404
        auth.logout()
    assert _state(entry) == [(entry.id, None, None)]
    with pytest.raises(PermissionDenied):
        logbook.confirm(db.session, scene.student, scene.elective.id, None, utcnow())


def test_totals_add_up_each_kind(scene):
    _entry(scene, kind="procedure", learner_role="observed", cases=3, learners_present=4)
    _entry(scene, kind="procedure", learner_role="assisted", cases=2, learners_present=1)
    _entry(scene, hours=Decimal("1.5"), learners_present=10)
    _entry(scene, kind="simulation", hours=Decimal(2), topic="Wire skills", learners_present=6)
    found = logbook.totals(logbook.entries(db.session, scene.elective.id))
    assert [(k.value, t.entries, t.cases, t.hours, t.learners_present) for k, t in found.items()] == [
        ("procedure", 2, 5, Decimal(0), 5),
        ("lecture", 1, 0, Decimal("1.5"), 10),
        ("simulation", 1, 0, Decimal(2), 6),
    ]


# -- milestones ------------------------------------------------------------------------------------


def _milestones(learner) -> list[tuple[str, str, date, int | None]]:
    rows = db.session.scalars(
        select(Milestone).where(Milestone.learner_id == learner.id).order_by(Milestone.kind)
    )
    return [(m.kind, m.procedure.code, m.achieved_on, m.entry_id) for m in rows]


@pytest.mark.parametrize(
    ("role", "kind"), [("supervised", "first_supervised"), ("independent", "first_independent")]
)
def test_confirming_records_the_milestone_of_the_role_given(scene, learner, role, kind):
    entry = _entry(scene, kind="procedure", learner_role=role, local_learner_id=learner.id, day=4)
    assert logbook.confirm(db.session, scene.host, scene.elective.id, [entry.id], utcnow()) == 1
    db.session.commit()
    assert _milestones(learner) == [(kind, "nephrostomy", entry.held_on, entry.id)]  # only that one
    milestone = db.session.scalars(select(Milestone)).one()
    assert (milestone.visit_id, milestone.recorded_by_id) == (scene.elective.id, scene.host.id)


@pytest.mark.parametrize("role", ["observed", "assisted"])
def test_observing_or_assisting_records_no_milestone(scene, learner, role):
    entry = _entry(scene, kind="procedure", learner_role=role, local_learner_id=learner.id)
    assert logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow()) == 1
    db.session.commit()
    assert _milestones(learner) == []
    assert milestones.record_from_entry(db.session, entry) == []


def test_no_milestone_without_a_named_learner_or_before_confirmation(scene, learner):
    unnamed = _entry(scene, kind="procedure", learner_role="independent")
    waiting = _entry(scene, kind="procedure", learner_role="independent", local_learner_id=learner.id)
    assert milestones.record_from_entry(db.session, waiting) == []  # not confirmed yet
    logbook.confirm(db.session, scene.host, scene.elective.id, [unnamed.id], utcnow())
    db.session.commit()
    assert db.session.scalars(select(Milestone)).all() == []


def test_an_earlier_confirmed_case_moves_the_milestone_earlier(scene, learner):
    later = _entry(
        scene,
        scene.physician,
        scene.teaching,
        day=10,
        kind="procedure",
        learner_role="supervised",
        local_learner_id=learner.id,
    )
    logbook.confirm(db.session, scene.coordinator, scene.teaching.id, None, utcnow())
    db.session.commit()
    assert _milestones(learner) == [("first_supervised", "nephrostomy", later.held_on, later.id)]
    earlier = _entry(scene, kind="procedure", learner_role="supervised", local_learner_id=learner.id, day=1)
    assert earlier.held_on < later.held_on
    logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow())
    db.session.commit()
    milestone = db.session.scalars(select(Milestone)).one()
    assert (milestone.achieved_on, milestone.entry_id, milestone.visit_id, milestone.recorded_by_id) == (
        earlier.held_on,
        earlier.id,
        scene.elective.id,
        scene.host.id,
    )


def test_a_later_case_leaves_the_milestone_where_it_was(scene, learner):
    manual = Milestone(
        learner_id=learner.id,
        procedure_id=scene.procedures["nephrostomy"].id,
        kind="first_independent",
        achieved_on=date(2020, 5, 1),
        recorded_by_id=scene.host.id,
    )
    db.session.add(manual)
    db.session.commit()
    entry = _entry(scene, kind="procedure", learner_role="independent", local_learner_id=learner.id)
    logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow())
    db.session.commit()
    assert entry.confirmed
    assert _milestones(learner) == [("first_independent", "nephrostomy", date(2020, 5, 1), None)]


def test_milestones_are_per_procedure(scene, learner):
    _entry(scene, kind="procedure", learner_role="supervised", local_learner_id=learner.id)
    _entry(
        scene,
        kind="procedure",
        learner_role="supervised",
        local_learner_id=learner.id,
        procedure_id=scene.procedures["image-guided-biopsy"].id,
        day=2,
    )
    assert logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow()) == 2
    db.session.commit()
    assert sorted(code for _kind, code, _day, _entry_id in _milestones(learner)) == [
        "image-guided-biopsy",
        "nephrostomy",
    ]


def test_milestones_are_per_learner(scene, learner):
    other = LocalLearner(site_id=scene.site.id, name="O. K.", level="radiology-residents")
    db.session.add(other)
    db.session.commit()
    first = _entry(scene, kind="procedure", learner_role="supervised", local_learner_id=other.id, day=1)
    logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow())
    db.session.commit()
    # The other learner's earlier case neither stands for this one's nor is moved by it.
    mine = _entry(scene, kind="procedure", learner_role="supervised", local_learner_id=learner.id, day=5)
    logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow())
    db.session.commit()
    assert _milestones(other) == [("first_supervised", "nephrostomy", first.held_on, first.id)]
    assert _milestones(learner) == [("first_supervised", "nephrostomy", mine.held_on, mine.id)]


@pytest.mark.parametrize("missing", ["procedure_id", "learner_role", "local_learner_id"])
def test_no_milestone_from_a_confirmed_case_missing_a_part(scene, learner, missing):
    fields = {
        "procedure_id": scene.procedures["nephrostomy"].id,
        "learner_role": "supervised",
        "local_learner_id": learner.id,
    }
    fields[missing] = None
    entry = LogEntry(
        visit_id=scene.elective.id,
        author_id=scene.student.id,
        held_on=scene.elective.starts_on,
        kind="procedure",
        cases=1,
        learners_present=1,
        confirmed_at=utcnow(),
        confirmed_by_id=scene.host.id,
        **fields,
    )
    assert milestones.record_from_entry(db.session, entry) == []
    assert db.session.scalars(select(Milestone)).all() == []


def test_a_case_on_the_milestones_own_day_leaves_it_as_it_was(scene, learner):
    entry = _entry(scene, kind="procedure", learner_role="supervised", local_learner_id=learner.id)
    manual = Milestone(
        learner_id=learner.id,
        procedure_id=entry.procedure_id,
        kind="first_supervised",
        achieved_on=entry.held_on,
        recorded_by_id=scene.coordinator.id,
    )
    db.session.add(manual)
    db.session.commit()
    logbook.confirm(db.session, scene.host, scene.elective.id, None, utcnow())
    db.session.commit()
    assert _milestones(learner) == [("first_supervised", "nephrostomy", entry.held_on, None)]
    assert manual.recorded_by_id == scene.coordinator.id


@pytest.mark.parametrize("days_later", [-1, 1])
def test_a_milestone_recorded_meanwhile_is_found_again_and_moved_only_earlier(
    scene, learner, monkeypatch, days_later
):
    """Another confirmation records the milestone between the lookup and the insert: the insert
    fails on the unique constraint, and the milestone found then is moved earlier if needed."""
    entry = _entry(scene, kind="procedure", learner_role="independent", local_learner_id=learner.id, day=3)
    entry.confirmed_at, entry.confirmed_by_id = utcnow(), scene.host.id
    theirs = Milestone(
        learner_id=learner.id,
        procedure_id=entry.procedure_id,
        kind="first_independent",
        achieved_on=entry.held_on + timedelta(days=days_later),
        recorded_by_id=scene.coordinator.id,
    )
    db.session.add(theirs)
    db.session.commit()
    lookups = []
    real = milestones._existing

    def not_yet_then_found(*args):
        lookups.append(args[1:])
        return None if len(lookups) == 1 else real(*args)

    monkeypatch.setattr(milestones, "_existing", not_yet_then_found)
    moved = milestones.record_from_entry(db.session, entry)
    db.session.commit()
    key = (learner.id, entry.procedure_id, "first_independent")
    assert lookups == [key, key]
    if days_later > 0:
        assert moved == [theirs]
        assert _milestones(learner) == [("first_independent", "nephrostomy", entry.held_on, entry.id)]
        assert theirs.recorded_by_id == scene.host.id
    else:
        assert moved == []
        assert _milestones(learner) == [("first_independent", "nephrostomy", theirs.achieved_on, None)]
    assert len(db.session.scalars(select(Milestone)).all()) == 1
