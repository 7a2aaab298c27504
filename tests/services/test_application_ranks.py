"""The applicant's order: any reordering works within the database's rank constraints."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import MAX_APPLICATIONS, Application
from matcher.services import applications
from matcher.services.errors import Conflict

TODAY = date.today()


@pytest.fixture
def ten(users):
    """A student with ten applications, ranked 1 to 10 in order of creation."""
    student = users.create(role="student")
    organisation = users.organisation()
    apps = [
        users.application(student, users.opportunity(organisation, title=f"Choice {n}"))
        for n in range(1, MAX_APPLICATIONS + 1)
    ]
    return student, [a.id for a in apps]


def _order(student) -> list[int]:
    return list(
        db.session.scalars(
            select(Application.id).where(Application.applicant_id == student.id).order_by(Application.rank)
        )
    )


def test_a_full_list_of_ten_can_be_reversed(app, ten):
    student, ids = ten
    with app.test_request_context():
        applications.reorder(db.session, student, list(reversed(ids)), TODAY)
        db.session.commit()
    assert _order(student) == list(reversed(ids))
    ranks = db.session.scalars(select(Application.rank).where(Application.applicant_id == student.id))
    assert sorted(ranks) == list(range(1, 11))


def test_reordering_keeps_ids_motivation_and_the_hosts_order(app, ten):
    student, ids = ten
    moved = db.session.get(Application, ids[0])
    moved.motivation, moved.host_rank = "Kept", 3
    db.session.commit()
    with app.test_request_context():
        applications.reorder(db.session, student, ids[1:] + ids[:1], TODAY)
        db.session.commit()
    again = db.session.get(Application, ids[0])
    assert (again.rank, again.motivation, again.host_rank) == (10, "Kept", 3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_permutation_of_any_list_is_stored_exactly(app, users, data):
    student = users.create(role="student")
    organisation = users.organisation()
    count = data.draw(st.integers(min_value=1, max_value=MAX_APPLICATIONS), label="count")
    ranks = data.draw(st.permutations(range(1, MAX_APPLICATIONS + 1)), label="ranks")[:count]
    ids = [
        users.application(student, users.opportunity(organisation), rank=rank).id
        for rank in ranks  # gaps and any starting order, as after deleted opportunities
    ]
    wanted = data.draw(st.permutations(ids), label="wanted")
    with app.test_request_context():
        applications.reorder(db.session, student, list(wanted), TODAY)
        db.session.commit()
    assert _order(student) == list(wanted)
    ranks_now = db.session.scalars(select(Application.rank).where(Application.applicant_id == student.id))
    assert sorted(ranks_now) == list(range(1, count + 1))


def test_a_reorder_that_leaves_one_out_is_refused(app, ten):
    student, ids = ten
    with app.test_request_context(), pytest.raises(Conflict):
        applications.reorder(db.session, student, ids[1:], TODAY)
    db.session.rollback()
    assert _order(student) == ids


def test_a_reorder_that_moves_an_application_past_its_deadline_is_refused(app, users):
    student = users.create(role="student")
    late = users.application(student, users.opportunity(deadline=TODAY - timedelta(days=1)))
    other = users.application(student, users.opportunity())
    with app.test_request_context(), pytest.raises(Conflict, match="can no longer change"):
        applications.reorder(db.session, student, [other.id, late.id], TODAY)
    db.session.rollback()
    assert _order(student) == [late.id, other.id]


def test_the_database_refuses_an_eleventh_rank_and_a_shared_rank(users):
    student = users.create(role="student")
    organisation = users.organisation()
    users.application(student, users.opportunity(organisation), rank=1)
    with pytest.raises(IntegrityError):
        users.application(student, users.opportunity(organisation), rank=MAX_APPLICATIONS + 1)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        users.application(student, users.opportunity(organisation), rank=1)
    db.session.rollback()


def test_the_database_refuses_two_applications_to_one_opportunity(users):
    student = users.create(role="student")
    opportunity = users.opportunity()
    users.application(student, opportunity, rank=1)
    with pytest.raises(IntegrityError):
        users.application(student, opportunity, rank=2)
    db.session.rollback()
