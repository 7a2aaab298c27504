"""Completions (issue 22): a host confirms that a visitor completed a visit; the placement's
"confirm attendance" records one too; the certificate's figures count confirmed entries only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import MatchStatus
from matcher.models.impact import LogEntry, VisitCompletion
from matcher.models.matching import Match
from matcher.services.errors import Conflict, NotFound, PermissionDenied
from matcher.services.impact import completions
from matcher.services.matching import placements
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _completions() -> list[tuple[int, int]]:
    rows = db.session.scalars(select(VisitCompletion).order_by(VisitCompletion.id))
    return [(c.visit_id, c.user_id) for c in rows]


def test_a_host_confirms_a_team_member_once(scene):
    completion = completions.confirm(db.session, scene.host, scene.teaching.id, scene.physician.id)
    db.session.commit()
    assert (completion.confirmed_by_id, len(completion.certificate_code)) == (scene.host.id, 20)
    again = completions.confirm(db.session, scene.coordinator, scene.teaching.id, scene.physician.id)
    db.session.commit()
    assert again.id == completion.id and again.confirmed_by_id == scene.host.id  # nothing changed
    assert _completions() == [(scene.teaching.id, scene.physician.id)]
    assert set(completions.for_visit(db.session, scene.teaching.id)) == {scene.physician.id}


def test_codes_are_random(scene):
    first = completions.confirm(db.session, scene.host, scene.teaching.id, scene.physician.id)
    second = completions.confirm(db.session, scene.host, scene.teaching.id, scene.nurse.id)
    assert first.certificate_code != second.certificate_code


def test_only_hosts_confirm_and_only_the_visits_visitors(scene):
    with pytest.raises(PermissionDenied):  # a visitor knows the visit, but is no host
        completions.confirm(db.session, scene.nurse, scene.teaching.id, scene.physician.id)
    for outsider in (scene.other_host, scene.stranger):
        with pytest.raises(NotFound):
            completions.confirm(db.session, outsider, scene.teaching.id, scene.physician.id)
    for not_a_visitor in (scene.stranger, scene.student, scene.host):
        with pytest.raises(NotFound):
            completions.confirm(db.session, scene.host, scene.teaching.id, not_a_visitor.id)
    db.session.rollback()
    assert _completions() == []


def test_not_before_the_visit_has_started(scene):
    day_before = scene.teaching.starts_on - timedelta(days=1)
    with pytest.raises(Conflict):
        completions.confirm(db.session, scene.host, scene.teaching.id, scene.nurse.id, today=day_before)
    db.session.rollback()
    assert _completions() == []
    completions.confirm(
        db.session, scene.host, scene.teaching.id, scene.nurse.id, today=scene.teaching.starts_on
    )
    assert _completions() == [(scene.teaching.id, scene.nurse.id)]


def test_confirm_attendance_records_the_completion(scene, users):
    newcomer = users.create("student", name="Newcomer")
    match = users.match(newcomer, scene.elective, MatchStatus.ACCEPTED)
    placements.confirm_attendance(db.session, scene.host, match.id, scene.today)
    db.session.commit()
    assert _completions() == [(scene.elective.id, newcomer.id)]
    assert completions.find(db.session, scene.elective.id, newcomer.id).confirmed_by_id == scene.host.id


def test_confirming_an_accepted_placement_completes_it_as_attendance_does(scene, users):
    newcomer = users.create("student", name="Newcomer")
    match = users.match(newcomer, scene.elective, MatchStatus.ACCEPTED)
    filled = scene.elective.places_filled
    completion = completions.confirm(db.session, scene.host, scene.elective.id, newcomer.id)
    db.session.commit()
    db.session.refresh(match)
    db.session.refresh(scene.elective)
    assert match.status == MatchStatus.COMPLETED and match.attendance_confirmed_at is not None
    assert scene.elective.places_filled == filled  # accepted and completed both hold the place
    assert _completions() == [(scene.elective.id, newcomer.id)]
    assert completion.user_id == newcomer.id
    # The student's completed placement gets its completion too, without changing the placement.
    completions.confirm(db.session, scene.host, scene.elective.id, scene.student.id)
    db.session.commit()
    statuses = db.session.scalars(select(Match.status).where(Match.opportunity_id == scene.elective.id))
    assert sorted(statuses) == ["completed", "completed"]
    assert len(_completions()) == 2


# -- the certificate's figures ---------------------------------------------------------------------


def _log(scene, author, kind, *, confirmed=True, visit=None, **fields):
    entry = LogEntry(
        visit_id=(visit or scene.teaching).id,
        author_id=author.id,
        held_on=scene.today - timedelta(days=6),
        kind=kind,
        learners_present=2,
        confirmed_at=utcnow() if confirmed else None,
        confirmed_by_id=scene.host.id if confirmed else None,
        **fields,
    )
    db.session.add(entry)
    return entry


def test_figures_are_the_confirmed_entries_of_that_visitor_on_that_visit(scene):
    p = scene.procedures
    mine = scene.physician
    _log(scene, mine, "procedure", procedure_id=p["abscess-drainage"].id, learner_role="assisted", cases=3)
    _log(scene, mine, "procedure", procedure_id=p["nephrostomy"].id, learner_role="supervised", cases=2)
    _log(scene, mine, "procedure", procedure_id=p["image-guided-biopsy"].id, learner_role="observed", cases=4)
    _log(scene, mine, "lecture", hours=Decimal("1.5"), topic="Safety")
    _log(scene, mine, "simulation", hours=Decimal("2"))
    # Not counted: unconfirmed, someone else's, another visit's.
    _log(
        scene,
        mine,
        "procedure",
        confirmed=False,
        procedure_id=p["nephrostomy"].id,
        learner_role="assisted",
        cases=9,
    )
    _log(scene, mine, "lecture", confirmed=False, hours=Decimal("3"))
    _log(scene, scene.nurse, "lecture", hours=Decimal("4"))
    _log(scene, mine, "lecture", visit=scene.elective, hours=Decimal("5"))
    db.session.commit()

    figures = completions.figures(db.session, scene.teaching.id, mine.id)

    assert (figures.sessions, figures.cases, figures.lectures, figures.simulations) == (5, 9, 1, 1)
    assert figures.hours == Decimal("3.5")
    assert figures.categories == [
        ("Drainage and percutaneous access", 5),
        ("Biopsy and vascular access", 4),
    ]
    # The sums equal the confirmed entries themselves.
    confirmed = select(func.sum(LogEntry.cases)).where(
        LogEntry.visit_id == scene.teaching.id,
        LogEntry.author_id == mine.id,
        LogEntry.kind == "procedure",
        LogEntry.confirmed_at.is_not(None),
    )
    assert db.session.scalar(confirmed) == figures.cases == sum(c for _, c in figures.categories)


def test_certificate_access(scene):
    with pytest.raises(NotFound):  # not confirmed yet
        completions.certificate_for(db.session, scene.physician, scene.teaching.id)
    completions.confirm(db.session, scene.host, scene.teaching.id, scene.physician.id)
    db.session.commit()
    own = completions.certificate_for(db.session, scene.physician, scene.teaching.id)
    assert own.person.id == scene.physician.id and own.weeks == 2
    for host in (scene.host, scene.coordinator):
        seen = completions.certificate_for(db.session, host, scene.teaching.id, scene.physician.id)
        assert seen.person.id == scene.physician.id
    with pytest.raises(NotFound):  # a fellow visitor does not see another's
        completions.certificate_for(db.session, scene.nurse, scene.teaching.id, scene.physician.id)
    with pytest.raises(NotFound):  # nor has one of their own yet
        completions.certificate_for(db.session, scene.nurse, scene.teaching.id)
    for outsider in (scene.stranger, scene.other_host):
        with pytest.raises(NotFound):
            completions.certificate_for(db.session, outsider, scene.teaching.id, scene.physician.id)


def test_verify_knows_only_real_codes(scene):
    completion = scene.complete(scene.elective, scene.student, code="known-code")
    assert completions.verify(db.session, "known-code").id == completion.id
    for code in ("unknown-code", "", "x" * 200):
        with pytest.raises(NotFound):
            completions.verify(db.session, code)
