"""The teams' pages end to end through HTTP: build, review, adjust, approve; the host confirms; a
member answers; volunteers apply and say their wish. Bad input gets the summary and the message
at the field, and saves nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import MemberStatus, TeachingWish, Team, TeamBuild, TeamMember, VisitApplication
from matcher.models.teams import HOLDING
from tests.support.jobs import run_queued_jobs
from tests.support.teams import TeamScene, build_scene


@pytest.fixture
def scene(app, users) -> TeamScene:
    scene = build_scene(db.session, users, date.today())
    y = scene.year
    in_march = [(date(y, 2, 15), date(y, 3, 31))]
    scene.volunteer("Pia Physician", "ir-physician", {"pph-embolisation": "teach"}, windows=in_march)
    scene.volunteer("Tia Trainee", "ir-trainee", {"ultrasound-skills": "assist"}, windows=in_march)
    scene.volunteer("Ted Trainee", "ir-trainee", windows=in_march)
    scene.volunteer("Sam Trainee", "ir-trainee", windows=in_march)
    return scene


def summary_and_field(page: str, field_id: str) -> tuple[str, str]:
    summary = re.search(r'<div class="form-errors error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    at_field = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    assert summary is not None and at_field is not None, page[:3000]
    assert f'href="#{field_id}' in summary.group(1)
    return summary.group(1), at_field.group(1)


def _build(auth, app, scene) -> Team:
    auth.login_as(scene.coordinator)
    response = auth.client.post(
        "/coordination/teams/builds", data={"name": "Spring", "visits": [str(scene.visits[0].id)]}
    )
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    assert run_queued_jobs(app) == 1
    db.session.expire_all()
    return db.session.scalar(select(Team).where(Team.visit_id == scene.visits[0].id))


def test_a_build_without_a_name_or_visits_is_refused_at_its_fields_and_saves_nothing(auth, scene):
    auth.login_as(scene.coordinator)
    response = auth.client.post("/coordination/teams/builds", data={"name": "", "visits": []})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary_and_field(page, "name")
    assert "Choose one or more teaching visits." in page
    assert db.session.scalar(select(func.count(TeamBuild.id))) == 0


def test_the_coordinator_builds_reviews_adjusts_and_approves(auth, app, scene):
    team = _build(auth, app, scene)
    build_page = auth.client.get(f"/coordination/teams/builds/{team.build_id}").get_data(as_text=True)
    assert "Embolisation and drainage teaching" in build_page and "Volunteers left out, and why" in build_page
    assert "Others covered more of the needs" in build_page  # one of three trainees waits outside

    review = auth.client.get(f"/coordination/teams/{team.id}")
    page = review.get_data(as_text=True)
    assert review.status_code == 200
    assert (
        "<caption>Needs against members</caption>" in page
        and '<th scope="row">Percutaneous nephrostomy</th>' in page
    )
    assert re.search(r'<th scope="row">Post-partum haemorrhage embolisation</th>\s*<td>Can teach</td>', page)
    assert "no: no volunteer who fits the visit has this skill" in page  # nephrostomy: nobody has it

    # Nobody chosen: refused at the field, nothing saved.
    before = {(m.user_id, m.status) for m in team.members}
    response = auth.client.post(f"/coordination/teams/{team.id}/members", data={"volunteer": "0"})
    assert response.status_code == 422
    summary_and_field(response.get_data(as_text=True), "volunteer")
    db.session.expire_all()
    assert {(m.user_id, m.status) for m in team.members} == before

    # Removing a trainee, then adding the one left out.
    trainee = next(m for m in team.members if m.role == "ir-trainee" and m.status in HOLDING)
    outside = next(
        u
        for u in scene.made
        if u.profession_code == "ir-trainee" and u.id not in {m.user_id for m in team.members}
    )
    assert auth.client.post(f"/coordination/teams/members/{trainee.id}/remove").status_code == 303
    assert (
        auth.client.post(
            f"/coordination/teams/{team.id}/members", data={"volunteer": str(outside.id)}
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert outside.id in {m.user_id for m in team.members if m.status in HOLDING}
    assert auth.client.post(f"/coordination/teams/{team.id}/approve").status_code == 303
    db.session.expire_all()
    assert team.status == "approved"

    export = auth.client.get(f"/coordination/teams/builds/{team.build_id}/teams.csv")
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:3] == ["build", "team", "visit"] and {r[7] for r in rows[1:]} >= {
        "Pia Physician",
        outside.name,
    }


def test_the_host_confirms_and_a_member_declines_then_another_accepts(auth, app, scene, users):
    team = _build(auth, app, scene)
    auth.client.post(f"/coordination/teams/{team.id}/approve")
    auth.logout()
    auth.login_as(scene.host)
    page = auth.client.get(f"/teams/{team.id}/host").get_data(as_text=True)
    assert "Confirm the team" in page and "Pia Physician" in page
    assert auth.client.post(f"/teams/{team.id}/confirm").status_code == 303
    auth.logout()
    db.session.expire_all()
    trainee = next(m for m in team.members if m.role == "ir-trainee" and m.status == MemberStatus.OFFERED)
    auth.login_as(trainee.user)
    offer = auth.client.get(f"/teaching/offers/{trainee.id}").get_data(as_text=True)
    assert "Decline the place" in offer and "Pia Physician" in offer
    assert auth.client.post(f"/teaching/offers/{trainee.id}/decline").status_code == 303
    db.session.expire_all()
    assert db.session.get(TeamMember, trainee.id).status == MemberStatus.DECLINED
    replacement = [m for m in team.members if m.status == MemberStatus.PROPOSED]
    assert len(replacement) == 1
    # Someone else's offer is not there for them.
    physician = next(m for m in team.members if m.role == "ir-physician")
    assert auth.client.get(f"/teaching/offers/{physician.id}").status_code == 404
    assert auth.client.post(f"/teaching/offers/{physician.id}/accept").status_code == 404


def test_a_volunteer_applies_with_a_rank_and_a_bad_rank_is_refused_at_its_field(auth, scene):
    nurse = scene.volunteer("Nia Nurse", "ir-nurse", apply=())
    auth.login_as(nurse)
    page = auth.client.get("/teaching/visits").get_data(as_text=True)
    assert "Open teaching visits" in page and scene.visits[0].title in page
    visit = scene.visits[1]
    response = auth.client.post(f"/teaching/visits/{visit.id}/apply", data={"rank": "0"})
    assert response.status_code == 422
    summary_and_field(response.get_data(as_text=True), f"rank-new-{visit.id}")
    assert (
        db.session.scalar(select(func.count(VisitApplication.id)).where(VisitApplication.user_id == nurse.id))
        == 0
    )
    assert auth.client.post(f"/teaching/visits/{visit.id}/apply", data={"rank": "2"}).status_code == 303
    assert db.session.scalar(select(VisitApplication.rank).where(VisitApplication.user_id == nurse.id)) == 2


def test_a_wish_without_months_is_refused_at_its_field(auth, scene):
    nurse = scene.volunteer("Nia Nurse", "ir-nurse", apply=())
    auth.login_as(nurse)
    response = auth.client.post("/teaching/wish", data={"region": "Eastern Africa"})
    assert response.status_code == 422
    summary_and_field(response.get_data(as_text=True), "months")
    assert db.session.scalar(select(func.count(TeachingWish.id))) == 0
    response = auth.client.post("/teaching/wish", data={"region": "Eastern Africa", "months": ["3", "4"]})
    assert response.status_code == 303
    assert db.session.scalar(select(TeachingWish.months)) == [3, 4]


def test_the_remote_teaching_page_names_mentors_and_their_shared_hours(auth, scene, users):
    from datetime import time

    from matcher.models import Profile, TeachingRequest

    scene.site.timezone = "Africa/Dar_es_Salaam"
    db.session.add(
        TeachingRequest(
            site_id=scene.site.id,
            mode="remote",
            status="open",
            title="Mentoring residents",
            learners=3,
            remote_format="mentorship",
            remote_from=time(9),
            remote_until=time(12),
            mentees=3,
        )
    )
    mentor = users.create(
        "professional", name="Nuru Mentor", profession_code="ir-physician", timezone="Africa/Nairobi"
    )
    db.session.add(Profile(user_id=mentor.id, institution="", statement="", teaches_remotely=True))
    db.session.add(TeachingWish(user_id=mentor.id, months=[1], region="Africa", mentees=2))
    db.session.commit()
    auth.login_as(scene.coordinator)
    page = auth.client.get("/coordination/teams/remote").get_data(as_text=True)
    assert "Mentoring residents" in page and "Nuru Mentor" in page
    assert "3 h 0 min" in page and "yes, for 2 mentees" in page and "1 mentee has no mentor yet." in page
