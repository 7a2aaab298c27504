"""A host's first cases entered by hand (issue 22, QA): no date before 2000, and one entered by
mistake can be removed (one from the confirmed logbook cannot; removing a hand-entered one that
had replaced a logbook one brings the logbook's back)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher import audit
from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.impact import LogEntry, Milestone
from matcher.services.errors import Conflict, DomainError, NotFound
from matcher.services.impact import learners
from matcher.services.impact.learners import LearnerData
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


@pytest.fixture
def learner(scene):
    found = learners.register(db.session, scene.host, scene.site, LearnerData(name="A. M."))
    db.session.commit()
    return found


@pytest.fixture
def audited(monkeypatch):
    entries = []
    monkeypatch.setattr(
        audit, "on_commit", lambda session, action, actor=None, **d: entries.append((action, d))
    )
    return entries


def _url(scene, learner, suffix=""):
    return f"/sites/{scene.site.id}/learners/{learner.id}{suffix}"


def _add(scene, learner, on: date, kind="first_supervised", code="abscess-drainage"):
    return learners.add_milestone(
        db.session, scene.host, learner, scene.procedures[code].id, kind, on, scene.today
    )


def _rows(learner) -> list[tuple[str, str, date, int | None]]:
    db.session.expire_all()
    found = db.session.scalars(
        select(Milestone).where(Milestone.learner_id == learner.id).order_by(Milestone.id)
    )
    return [(m.procedure.code, m.kind, m.achieved_on, m.entry_id) for m in found]


def _confirmed_entry(scene, learner, days_ago, role="supervised", code="abscess-drainage", milestone=True):
    entry = LogEntry(
        visit_id=scene.elective.id,
        author_id=scene.student.id,
        held_on=scene.today - timedelta(days=days_ago),
        kind="procedure",
        procedure_id=scene.procedures[code].id,
        learner_role=role,
        cases=1,
        learners_present=1,
        local_learner_id=learner.id,
        confirmed_at=utcnow(),
        confirmed_by_id=scene.host.id,
    )
    db.session.add(entry)
    db.session.flush()
    if not milestone:
        db.session.commit()
        return entry, None
    milestone = Milestone(
        learner_id=learner.id,
        procedure_id=entry.procedure_id,
        kind="first_supervised" if role == "supervised" else "first_independent",
        achieved_on=entry.held_on,
        visit_id=entry.visit_id,
        entry_id=entry.id,
    )
    db.session.add(milestone)
    db.session.commit()
    return entry, milestone


# -- no date before 2000 ---------------------------------------------------------------------------


@pytest.mark.parametrize("on", [date(1890, 1, 1), date(1999, 12, 31)])
def test_a_date_before_2000_is_refused_at_its_field(scene, learner, on):
    with pytest.raises(DomainError) as refused:
        _add(scene, learner, on)
    db.session.rollback()
    assert refused.value.field == "achieved_on"
    assert "2000" in refused.value.message
    assert _rows(learner) == []
    _add(scene, learner, date(2000, 1, 1))  # the first day allowed
    db.session.commit()
    assert _rows(learner) == [("abscess-drainage", "first_supervised", date(2000, 1, 1), None)]


def test_the_page_refuses_1890_with_422_and_keeps_the_input(scene, learner, auth, client):
    auth.login_as(scene.host)
    response = client.post(
        _url(scene, learner, "/milestones"),
        data={
            "milestone-procedure": str(scene.procedures["nephrostomy"].id),
            "milestone-kind": "first_supervised",
            "milestone-achieved_on": "1890-01-01",
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "There is a problem" in text and "The date cannot be before" in text
    assert 'id="milestone-achieved_on-error"' in text and 'value="1890-01-01"' in text
    assert _rows(learner) == []


# -- removing one entered by hand ------------------------------------------------------------------


def test_the_host_removes_a_wrong_date_and_can_then_enter_the_right_one(scene, learner, audited):
    wrong = _add(scene, learner, date(2001, 5, 1))
    kept = _add(scene, learner, date(2010, 1, 1), code="image-guided-biopsy")
    db.session.commit()
    # The wrong early date blocks the right, later one...
    with pytest.raises(DomainError):
        _add(scene, learner, date(2020, 3, 1))
    db.session.rollback()
    audited.clear()
    assert learners.remove_milestone(db.session, scene.coordinator, learner, wrong.id) is None
    db.session.commit()
    assert audited == [
        (
            "milestone_removed",
            {
                "learner_id": learner.id,
                "procedure_id": scene.procedures["abscess-drainage"].id,
                "kind": "first_supervised",
                "achieved_on": "2001-05-01",
            },
        )
    ]
    assert _rows(learner) == [("image-guided-biopsy", "first_supervised", date(2010, 1, 1), None)]
    # ...until it is removed.
    _add(scene, learner, date(2020, 3, 1))
    db.session.commit()
    assert [r[2] for r in _rows(learner)] == [date(2010, 1, 1), date(2020, 3, 1)]
    assert db.session.get(Milestone, kept.id) is not None


def test_a_milestone_from_the_confirmed_logbook_is_not_removed(scene, learner):
    _entry, milestone = _confirmed_entry(scene, learner, 10)
    with pytest.raises(Conflict) as refused:
        learners.remove_milestone(db.session, scene.host, learner, milestone.id)
    db.session.rollback()
    assert "confirmed logbook" in refused.value.message
    assert _rows(learner) == [("abscess-drainage", "first_supervised", milestone.achieved_on, _entry.id)]


def test_removing_a_date_that_replaced_a_logbook_one_brings_the_logbook_one_back(scene, learner):
    _confirmed_entry(scene, learner, 10, milestone=False)
    earliest, _ = _confirmed_entry(scene, learner, 30)  # the logbook's first case
    _confirmed_entry(scene, learner, 40, role="independent")  # another kind: untouched
    hand = _add(scene, learner, date(2005, 6, 1))  # replaces the supervised one from the logbook
    db.session.commit()
    assert (hand.entry_id, hand.achieved_on) == (None, date(2005, 6, 1))

    restored = learners.remove_milestone(db.session, scene.host, learner, hand.id)
    db.session.commit()

    assert (restored.entry_id, restored.visit_id) == (earliest.id, scene.elective.id)
    rows = _rows(learner)
    assert ("abscess-drainage", "first_supervised", earliest.held_on, earliest.id) in rows
    assert len(rows) == 2 and {r[1] for r in rows} == {"first_supervised", "first_independent"}


def test_only_the_sites_people_remove_and_only_this_learners_milestones(scene, learner):
    hand = _add(scene, learner, date(2005, 6, 1))
    other = learners.register(db.session, scene.host, scene.site, LearnerData(name="B"))
    db.session.commit()
    for who in (scene.other_host, scene.student, scene.stranger):
        with pytest.raises(NotFound):
            learners.remove_milestone(db.session, who, learner, hand.id)
        db.session.rollback()
    with pytest.raises(NotFound):
        learners.remove_milestone(db.session, scene.host, other, hand.id)
    db.session.rollback()
    assert len(_rows(learner)) == 1


def test_the_page_shows_a_button_for_hand_entered_ones_only_and_removes(scene, learner, auth, client):
    _entry, from_log = _confirmed_entry(scene, learner, 10, code="nephrostomy")
    hand = _add(scene, learner, date(2005, 6, 1))
    db.session.commit()
    auth.login_as(scene.host)
    page = client.get(_url(scene, learner)).get_data(as_text=True)
    assert page.count("Remove this first case") == 1
    assert f"/milestones/{hand.id}/delete" in page and f"/milestones/{from_log.id}/delete" not in page

    refused = client.post(_url(scene, learner, f"/milestones/{from_log.id}/delete"))
    assert refused.status_code == 409
    assert "confirmed logbook" in refused.get_data(as_text=True)
    assert client.post(_url(scene, learner, "/milestones/999999/delete")).status_code == 404

    response = client.post(_url(scene, learner, f"/milestones/{hand.id}/delete"))
    assert response.status_code == 302
    assert "The first case you entered is removed." in client.get(_url(scene, learner)).get_data(as_text=True)
    assert [r[3] for r in _rows(learner)] == [_entry.id]


@pytest.mark.parametrize("who", ["other_host", "student", "stranger"])
def test_others_get_404_when_removing(scene, learner, auth, client, who):
    hand = _add(scene, learner, date(2005, 6, 1))
    db.session.commit()
    auth.login_as(getattr(scene, who))
    assert client.post(_url(scene, learner, f"/milestones/{hand.id}/delete")).status_code == 404
    assert len(_rows(learner)) == 1
