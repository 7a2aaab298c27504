"""Who a visit's people are, who may see its after-pages, and the schema's guards (issue 22)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import MemberStatus, TeamMember
from matcher.models.impact import LearnerResponse, LocalLearner, LogEntry, VisitCompletion, VisitFeedback
from matcher.services.errors import NotFound
from matcher.services.impact import visits
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def test_visitors_are_placements_then_accepted_team_members(scene):
    assert visits.visitor_ids(db.session, scene.elective.id) == [scene.student.id]
    assert visits.visitor_ids(db.session, scene.teaching.id) == [scene.physician.id, scene.nurse.id]
    assert [u.name for u in visits.visitors_of(db.session, scene.teaching.id)] == [
        "Physician Visitor",
        "Nurse Visitor",
    ]


def test_a_declined_team_place_is_not_a_visitor(scene):
    member = db.session.query(TeamMember).filter_by(user_id=scene.nurse.id).one()
    member.status = MemberStatus.DECLINED
    db.session.commit()
    assert visits.visitor_ids(db.session, scene.teaching.id) == [scene.physician.id]
    assert not visits.is_visitor(db.session, scene.nurse, scene.teaching.id)


@pytest.mark.parametrize(
    ("who", "visitor", "host"),
    [
        ("student", True, False),
        ("host", False, True),
        ("coordinator", False, True),
        ("other_host", False, False),
        ("stranger", False, False),
    ],
)
def test_standing_on_the_elective(scene, who, visitor, host):
    found = visits.standing(db.session, getattr(scene, who), scene.elective)
    assert (found.visitor, found.host) == (visitor, host)


def test_strangers_and_other_hosts_are_told_there_is_no_such_visit(scene):
    for person in (scene.stranger, scene.other_host, scene.nurse):
        with pytest.raises(NotFound):
            visits.visit_for(db.session, person, scene.elective.id)
    with pytest.raises(NotFound):
        visits.visit_for(db.session, scene.host, 999_999)
    visit, standing = visits.visit_for(db.session, scene.nurse, scene.teaching.id)
    assert visit.id == scene.teaching.id and standing.visitor and not standing.host


def test_an_unverified_member_is_not_a_host(scene):
    scene.host.email_verified_at = None
    db.session.commit()
    assert not visits.is_host(db.session, scene.host, scene.elective)


def test_started_and_ended(scene):
    visit = scene.elective
    assert visits.has_started(visit, visit.starts_on) and not visits.has_started(visit, date(2000, 1, 1))
    assert not visits.has_ended(visit, visit.ends_on) and visits.has_ended(visit, scene.today)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "procedure"},  # no procedure, no role
        {"kind": "lecture", "learner_role": "observed"},
        {"kind": "procedure", "learner_role": "assisted", "cases": 0},
        {"kind": "procedure", "learner_role": "assisted", "cases": 201},
        {"kind": "lecture", "learners_present": -1},
        {"kind": "lecture", "hours": 0},
        {"kind": "juggling"},
    ],
)
def test_the_logbook_refuses_impossible_entries(scene, fields):
    procedure = scene.procedures["nephrostomy"]
    fields = dict(fields)
    if fields.get("learner_role"):
        fields.setdefault("procedure_id", procedure.id)
    db.session.add(
        LogEntry(visit_id=scene.elective.id, author_id=scene.student.id, held_on=scene.today, **fields)
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_completion_and_one_feedback_per_side(scene):
    db.session.add_all(
        [
            VisitCompletion(visit_id=scene.elective.id, user_id=scene.student.id, certificate_code="a"),
            VisitFeedback(visit_id=scene.elective.id, visitor_id=scene.student.id, side="visitor", rating=5),
            VisitFeedback(visit_id=scene.elective.id, visitor_id=scene.student.id, side="host", rating=4),
            LocalLearner(site_id=scene.site.id, name="J. K."),
            LearnerResponse(visit_id=scene.elective.id, usefulness=4, answered_on=scene.today),
        ]
    )
    db.session.commit()
    for duplicate in (
        VisitCompletion(visit_id=scene.elective.id, user_id=scene.student.id, certificate_code="b"),
        VisitFeedback(visit_id=scene.elective.id, visitor_id=scene.student.id, side="visitor", rating=3),
        LocalLearner(site_id=scene.site.id, name="J. K."),
        VisitFeedback(visit_id=scene.elective.id, visitor_id=scene.student.id, side="neither", rating=3),
        LearnerResponse(visit_id=scene.elective.id, usefulness=6, answered_on=scene.today),
    ):
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
