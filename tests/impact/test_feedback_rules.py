"""Double-blind feedback, the rules (services.impact.feedback): when it opens, who writes which side,
once only, validation, and the release (both written, or 30 days after the visit's end)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.formatting import long_day
from matcher.models.impact import FEEDBACK_WINDOW_DAYS, FeedbackSide, VisitFeedback
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.impact import feedback
from tests.support.impact import impact_scene
from tests.support.querycount import counting_queries

VISITOR, HOST = FeedbackSide.VISITOR, FeedbackSide.HOST


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def write(scene, author, visitor, side, *, rating=4, comments="Good.", today=None, visit=None):
    row = feedback.write(
        db.session,
        author,
        (visit or scene.elective).id,
        visitor.id,
        side,
        rating=rating,
        would_return=True,
        comments=comments,
        today=today or scene.today,
    )
    db.session.commit()
    return row


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(VisitFeedback))


def test_the_visitor_and_a_host_member_each_write_their_side_once(scene):
    mine = write(scene, scene.student, scene.student, VISITOR, rating=5, comments="  Great teaching.  ")
    theirs = write(scene, scene.host, scene.student, HOST, rating=4, comments="")
    assert (mine.side, mine.author_id, mine.rating, mine.comments) == (
        "visitor",
        scene.student.id,
        5,
        "Great teaching.",
    )
    assert (theirs.side, theirs.author_id, theirs.visitor_id) == ("host", scene.host.id, scene.student.id)
    for author, side in ((scene.student, VISITOR), (scene.host, HOST)):
        with pytest.raises(Conflict, match="cannot be changed"):
            write(scene, author, scene.student, side, rating=1, comments="Changed my mind.")
        db.session.rollback()
    assert count() == 2
    assert {r.rating for r in db.session.scalars(select(VisitFeedback))} == {5, 4}


def test_feedback_opens_the_day_after_the_visit_ends(users):
    scene = impact_scene(db.session, users, ended_days_ago=0)  # ends today
    with pytest.raises(Conflict, match="Feedback opens on"):
        write(scene, scene.student, scene.student, VISITOR)
    db.session.rollback()
    with pytest.raises(Conflict, match="Feedback opens on"):
        write(scene, scene.host, scene.student, HOST)
    db.session.rollback()
    assert count() == 0
    write(scene, scene.student, scene.student, VISITOR, today=scene.today + timedelta(days=1))
    assert count() == 1


@pytest.mark.parametrize("rating", [None, 0, 6])
def test_a_rating_runs_from_one_to_five(scene, rating):
    with pytest.raises(DomainError) as refused:
        write(scene, scene.student, scene.student, VISITOR, rating=rating)
    assert refused.value.field == "rating"
    db.session.rollback()
    assert count() == 0


def test_comments_over_five_thousand_characters_are_refused_not_cut(scene):
    with pytest.raises(DomainError) as refused:
        write(scene, scene.student, scene.student, VISITOR, comments="x" * 5001)
    assert refused.value.field == "comments"
    db.session.rollback()
    assert count() == 0
    assert write(scene, scene.student, scene.student, VISITOR, comments="x" * 5000).comments == "x" * 5000


def test_only_the_visitor_writes_their_side_and_only_a_host_member_the_host_side(scene):
    refusals = [
        (scene.host, scene.student, VISITOR, PermissionDenied),  # the host cannot write as the visitor
        (scene.coordinator, scene.student, HOST, PermissionDenied),  # staff read, they do not write
        (scene.coordinator, scene.student, VISITOR, PermissionDenied),
        (scene.student, scene.student, HOST, PermissionDenied),  # the visitor cannot rate themselves
        (scene.stranger, scene.student, VISITOR, NotFound),  # not even told the visit exists
        (scene.other_host, scene.student, HOST, NotFound),
        (scene.host, scene.stranger, HOST, NotFound),  # not a visitor of this visit
        (scene.host, scene.physician, HOST, NotFound),  # a visitor of the other visit
    ]
    for author, visitor, side, error in refusals:
        with pytest.raises(error):
            write(scene, author, visitor, side)
        db.session.rollback()
    assert count() == 0


def test_a_team_visit_has_one_pair_per_visitor(scene):
    nothing = feedback.pairs(db.session, scene.teaching, scene.today)  # a pair even with no row
    assert [(p.visitor.id, p.mine, p.theirs, p.released) for p in nothing] == [
        (scene.physician.id, None, None, False),
        (scene.nurse.id, None, None, False),
    ]
    write(scene, scene.host, scene.physician, HOST, visit=scene.teaching)
    write(scene, scene.nurse, scene.nurse, VISITOR, visit=scene.teaching)
    pairs = feedback.pairs(db.session, scene.teaching, scene.today)
    assert [(p.visitor.id, bool(p.mine), bool(p.theirs), p.released) for p in pairs] == [
        (scene.physician.id, False, True, False),
        (scene.nurse.id, True, False, False),
    ]
    for pair in pairs:
        assert (pair.side(VISITOR), pair.side(HOST)) == (pair.mine, pair.theirs)
    assert pairs[0].side(HOST).author_id == scene.host.id and pairs[1].side(VISITOR).rating == 4


def test_written_by_visitor_gives_the_visitors_own_side_by_visit(scene):
    write(scene, scene.host, scene.student, HOST)  # the host's side on the student: not theirs
    assert feedback.written_by_visitor(db.session, scene.student.id, [scene.elective.id]) == {}
    mine = write(scene, scene.student, scene.student, VISITOR, rating=5)
    write(scene, scene.nurse, scene.nurse, VISITOR, visit=scene.teaching)  # another visitor's
    ids = [scene.elective.id, scene.teaching.id]
    assert feedback.written_by_visitor(db.session, scene.student.id, ids) == {scene.elective.id: mine}
    assert feedback.written_by_visitor(db.session, scene.student.id, [scene.teaching.id]) == {}
    nurse = feedback.written_by_visitor(db.session, scene.nurse.id, iter(ids))  # any iterable
    assert [(k, v.author_id) for k, v in nurse.items()] == [(scene.teaching.id, scene.nurse.id)]
    with counting_queries() as none:
        assert feedback.written_by_visitor(db.session, scene.student.id, []) == {}
    assert none.count == 0


def test_a_pair_is_released_once_both_have_written(scene):
    def released():
        return feedback.pair_for(db.session, scene.elective, scene.student, scene.today).released

    assert not released()
    write(scene, scene.host, scene.student, HOST)
    assert not released()
    assert feedback.readable_by_host(db.session, scene.elective, scene.today) == {}
    write(scene, scene.student, scene.student, VISITOR, rating=2)
    assert released()
    readable = feedback.readable_by_host(db.session, scene.elective, scene.today)
    assert {k: v.rating for k, v in readable.items()} == {scene.student.id: 2}


def test_a_pair_is_released_thirty_days_after_the_end_even_with_one_side(scene):
    write(scene, scene.student, scene.student, VISITOR)
    rows = db.session.scalars(select(VisitFeedback)).all()
    end = scene.elective.ends_on
    day_before = end + timedelta(days=FEEDBACK_WINDOW_DAYS - 1)
    window = end + timedelta(days=FEEDBACK_WINDOW_DAYS)
    assert feedback.release_on(scene.elective) == window
    assert not feedback.released(scene.elective, scene.student.id, rows, day_before)
    assert feedback.released(scene.elective, scene.student.id, rows, window)
    assert feedback.readable_by_host(db.session, scene.elective, day_before) == {}
    assert list(feedback.readable_by_host(db.session, scene.elective, window)) == [scene.student.id]


def test_release_counts_only_the_pairs_own_rows(scene):
    other = VisitFeedback(visit_id=scene.teaching.id, visitor_id=scene.student.id, side="host", rating=3)
    mine = VisitFeedback(visit_id=scene.elective.id, visitor_id=scene.student.id, side="visitor", rating=3)
    assert not feedback.released(scene.elective, scene.student.id, [other, mine], scene.today)
    host = VisitFeedback(visit_id=scene.elective.id, visitor_id=scene.physician.id, side="host", rating=3)
    assert not feedback.released(scene.elective, scene.student.id, [host, mine], scene.today)


def test_each_refusal_says_why(scene):
    refusals = [
        (
            scene.host,
            scene.student,
            VISITOR,
            {},
            "Only the visitor writes their own feedback on the placement.",
        ),
        (
            scene.student,
            scene.student,
            HOST,
            {},
            "Only a member of the host organisation writes the host's feedback.",
        ),
        (scene.host, scene.stranger, HOST, {}, "This person did not take part in this visit."),
        (scene.student, scene.student, VISITOR, {"rating": 0}, "Choose a rating from 1 to 5."),
        (
            scene.student,
            scene.student,
            VISITOR,
            {"comments": "x" * 5001},
            "Keep your comments to 5,000 characters or fewer.",
        ),
    ]
    for author, visitor, side, values, message in refusals:
        with pytest.raises(DomainError) as refused:
            write(scene, author, visitor, side, **values)
        db.session.rollback()
        assert refused.value.message == message
    assert count() == 0


def test_a_visitor_cannot_write_the_visitor_side_for_another_visitor(scene):
    with pytest.raises(PermissionDenied):
        write(scene, scene.nurse, scene.physician, VISITOR, visit=scene.teaching)
    db.session.rollback()
    assert count() == 0


def test_no_comments_are_kept_as_an_empty_text(scene):
    assert feedback.check_answer(3, None) == ""
    assert feedback.check_answer(3, "  \n ") == ""


def test_the_refusals_of_a_second_answer_and_of_an_early_one_say_why(users):
    scene = impact_scene(db.session, users, ended_days_ago=0)  # ends today
    with pytest.raises(Conflict) as early:
        write(scene, scene.student, scene.student, VISITOR)
    db.session.rollback()
    opens = long_day(scene.elective.ends_on + timedelta(days=1))
    assert early.value.message == f"Feedback opens on {opens}, once the visit has ended."
    tomorrow = scene.today + timedelta(days=1)
    write(scene, scene.student, scene.student, VISITOR, today=tomorrow)
    write(scene, scene.host, scene.student, HOST, today=tomorrow)
    again = []
    for author, side in ((scene.student, VISITOR), (scene.host, HOST)):
        with pytest.raises(Conflict) as refused:
            write(scene, author, scene.student, side, today=tomorrow)
        db.session.rollback()
        again.append(refused.value.message)
    assert again == [
        "You have already sent your feedback; it cannot be changed.",
        "Your organisation has already sent its feedback on this visitor; it cannot be changed.",
    ]


@pytest.mark.parametrize("would_return", [True, False, None])
def test_would_return_is_kept_as_given(scene, would_return):
    row = feedback.write(
        db.session,
        scene.student,
        scene.elective.id,
        scene.student.id,
        VISITOR,
        rating=3,
        would_return=would_return,
        comments="",
        today=scene.today,
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(VisitFeedback, row.id).would_return is would_return
