"""The teaching demo data: realistic sites, requests their equipment supports, volunteers of every
teaching profession (some listed, some not), created once."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Profile, User
from matcher.models.teaching import Site, TeachingRequest
from matcher.seed.demo import seed
from matcher.seed.demo_teaching import seed_teaching


def test_the_teaching_demo(app, auth, client):
    """Seeding the whole demo takes seconds: seeded once, each part checked in turn."""
    seed(db.session, "demo password for tests")
    db.session.commit()
    check_sites_are_realistic()
    check_every_request_asks_only_for_what_its_site_can_support()
    check_volunteers_of_each_teaching_profession_some_listed_some_not()
    check_visits_are_open_with_volunteers_of_the_wanted_roles_applying()
    check_the_directory_and_the_requests_show_the_demo(auth, client)
    check_seeding_again_creates_nothing()


def _has(site: Site, resource: str) -> bool:
    return site.availability().get(resource) in ("yes", "limited")


def check_sites_are_realistic():
    sites = {s.slug: s for s in db.session.scalars(select(Site))}
    national = sites["muhimbili"]
    assert all(_has(national, r) for r in ("ultrasound", "ct", "fluoroscopy")) and not _has(
        national, "angiography"
    )
    assert _has(sites["kenyatta"], "angiography")
    district = sites["bagamoyo"]
    assert [r for r in ("ultrasound", "ct", "fluoroscopy", "c_arm", "angiography") if _has(district, r)] == [
        "ultrasound"
    ]
    assert all(len(s.resources) == 12 and s.local_learners > 0 for s in sites.values())


def check_every_request_asks_only_for_what_its_site_can_support():
    requests = db.session.scalars(select(TeachingRequest)).all()
    assert {r.mode for r in requests} == {"on_site", "remote"}
    for request in requests:
        assert request.status == "open" and request.procedures
        for procedure in request.procedures:
            ok_all = all(_has(request.site, r) for r in procedure.needs_all)
            ok_any = not procedure.needs_any or any(_has(request.site, r) for r in procedure.needs_any)
            assert ok_all and ok_any, (request.title, procedure.code)
        if request.mode == "on_site":
            roles = {r.profession_code: (r.minimum, r.maximum) for r in request.roles}
            assert request.weeks == 2 and roles["ir-physician"] == (1, 1)


def check_volunteers_of_each_teaching_profession_some_listed_some_not():
    rows = db.session.execute(
        select(User.profession_code, Profile.directory_listed, Profile.teaching_weeks)
        .join(Profile, Profile.user_id == User.id)
        .where(Profile.volunteers_to_teach.is_(True), User.email.like("%@demo.irmatch.org"))
    ).all()
    per_profession = Counter(code for code, _, _ in rows)
    for code in ("ir-physician", "ir-trainee", "ir-nurse", "radiographer"):
        assert per_profession[code] >= 20, code
    assert per_profession["medical-physicist"] == 1
    listed = [listed for _, listed, _ in rows]
    assert 0 < sum(listed) < len(listed)
    assert all(weeks for _, _, weeks in rows)


def check_seeding_again_creates_nothing():
    def counts():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Site, TeachingRequest)
        )

    before = counts()
    seed_teaching(db.session, "demo password for tests", date.today())
    db.session.commit()
    assert counts() == before


def check_the_directory_and_the_requests_show_the_demo(auth, client):
    auth.login("coordinator")
    page = client.get("/volunteers").get_data(as_text=True)
    assert "volunteers found" in page and "@demo.irmatch.org" not in page
    auth.logout()
    auth.login_as(
        db.session.scalar(select(User).where(User.email == "ir-physician01@demo.irmatch.org")),
        "demo password for tests",
    )
    page = client.get("/teaching-requests", query_string={"all": "1"}).get_data(as_text=True)
    assert "Muhimbili National Hospital" in page and "Remote teaching" in page


def check_visits_are_open_with_volunteers_of_the_wanted_roles_applying():
    from matcher.models import Opportunity
    from matcher.models.teams import VisitApplication

    visits = db.session.scalars(select(Opportunity).where(Opportunity.teaching_request_id.is_not(None))).all()
    assert len({v.teaching_request_id for v in visits}) == 2
    for visit in visits:
        wanted = {r.profession_code for r in visit.teaching_request.roles if r.maximum >= 1}
        applicants = db.session.scalars(
            select(User)
            .join(VisitApplication, VisitApplication.user_id == User.id)
            .where(VisitApplication.visit_id == visit.id)
        ).all()
        professions = {u.profession_code for u in applicants}
        # Every role the team needs at least one of has someone applying, and nobody else applies.
        assert {r.profession_code for r in visit.teaching_request.roles if r.minimum >= 1} <= professions
        assert professions <= wanted
        for user in applicants:
            profile = db.session.scalar(select(Profile).where(Profile.user_id == user.id))
            assert visit.starts_on.month in profile.teaching_months
