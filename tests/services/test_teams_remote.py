"""Remote teaching: time-zone overlap of a request's hours with volunteers' working day, and
mentees shared among mentors up to each one's capacity."""

from __future__ import annotations

from datetime import date, time

import pytest

from matcher.extensions import db
from matcher.models import Profile, TeachingRequest, TeachingWish
from matcher.services.errors import DomainError
from matcher.services.teams import remote, visits
from tests.support.teams import build_scene

WINTER = date(2027, 1, 13)  # a Wednesday: no summer time in Lisbon or New York


@pytest.mark.parametrize(
    ("zone", "minutes"),
    [("Europe/Lisbon", 60), ("Asia/Tokyo", 180), ("Africa/Nairobi", 180), ("America/New_York", 0)],
)
def test_overlap_of_the_sites_hours_with_a_working_day_elsewhere(zone, minutes):
    # 09:00-12:00 in Dar es Salaam is 06:00-09:00 UTC.
    assert remote.overlap_minutes("Africa/Dar_es_Salaam", time(9), time(12), zone, WINTER) == minutes


def test_mentors_needed_rounds_up():
    assert [remote.mentors_needed(m, 2) for m in (0, 1, 2, 5)] == [0, 1, 1, 3]


def test_mentees_go_to_the_mentors_with_most_shared_hours_up_to_their_capacity(app, users):
    scene = build_scene(db.session, users)
    scene.site.timezone = "Africa/Dar_es_Salaam"
    request = TeachingRequest(
        site_id=scene.site.id,
        mode="remote",
        status="open",
        title="Mentoring residents",
        learners=5,
        remote_format="mentorship",
        remote_from=time(9),
        remote_until=time(12),
        mentees=5,
    )
    db.session.add(request)
    made = {}
    for name, zone, mentees in [
        ("Lia Lisbon", "Europe/Lisbon", 2),
        ("Tak Tokyo", "Asia/Tokyo", 2),
        ("Nuru Nairobi", "Africa/Nairobi", 4),
        ("Ned NewYork", "America/New_York", 5),
    ]:
        user = users.create("professional", name=name, profession_code="ir-physician", timezone=zone)
        db.session.add(Profile(user_id=user.id, institution="", statement="", teaches_remotely=True))
        db.session.add(TeachingWish(user_id=user.id, months=[1], region="Africa", mentees=mentees))
        made[name] = user
    db.session.commit()
    plan = remote.plan(db.session, request, date(2027, 1, 12))
    assert [f.volunteer.name for f in plan.fits] == ["Nuru Nairobi", "Tak Tokyo", "Lia Lisbon"]
    assert [(u.name, n) for u, n in plan.mentors] == [("Nuru Nairobi", 4), ("Tak Tokyo", 1)]
    assert plan.mentees_left == 0


def test_mentees_a_volunteer_takes_are_from_1_to_20(app, users):
    scene = build_scene(db.session, users)
    nurse = scene.volunteer("Nia Nurse", "ir-nurse", apply=())
    with pytest.raises(DomainError) as refused:
        visits.set_wish(db.session, nurse, [3], "Africa", mentees=0)
    assert refused.value.field == "mentees"
    assert visits.set_wish(db.session, nurse, [3], "Africa", mentees=3).mentees == 3
