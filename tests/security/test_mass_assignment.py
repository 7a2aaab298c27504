"""Fields a form does not offer change nothing, however they are named."""

from __future__ import annotations

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Application, Membership, Opportunity, Organisation, Profile, User
from tests.security.forms import opportunity_form, organisation_form, profile_form, signup_form
from tests.security.world import SECRET_STATEMENT

EXTRAS = {
    "role": "admin",
    "status": "published",
    "verified_at": "2020-01-01 00:00:00",
    "email_verified_at": "2020-01-01 00:00:00",
    "places_filled": "99",
    "published_at": "2020-01-01 00:00:00",
    "created_by_id": "1",
    "session_token": "chosen-by-the-attacker",
    "password_hash": "x",
    "is_admin": "y",
    "id": "1",
}


def test_sign_up_cannot_choose_its_role_status_or_organisation(world):
    extras = {**EXTRAS, "organisation_id": str(world.org_a.id), "user_id": str(world.admin.id)}
    for role in ("admin", "coordinator"):
        refused = world.client("anonymous").post(
            "/signup", data=signup_form(f"{role}@example.org", role=role)
        )
        assert refused.status_code == 422
    data = {k: v for k, v in extras.items() if k != "role"}
    response = world.client("anonymous").post(
        "/signup", data=signup_form("eve@example.org", role="org_member", organisation_name="Eve's", **data)
    )
    assert response.status_code == 302
    eve = db.session.scalar(select(User).where(User.email == "eve@example.org"))
    assert eve.role == "org_member" and eve.email_verified_at is None
    assert eve.session_token != "chosen-by-the-attacker"
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == eve.id)).all()
    assert [m.organisation_id for m in memberships] != [world.org_a.id]
    own = db.session.get(Organisation, memberships[0].organisation_id)
    assert own.name == "Eve's" and own.verified_at is None
    assert db.session.get(User, world.admin.id).role == "admin"


def test_profile_edit_touches_only_one_s_own_profile(world):
    trainee_profile = db.session.scalar(select(Profile).where(Profile.user_id == world.trainee.id))
    data = profile_form(
        **EXTRAS,
        user_id=str(world.trainee.id),
        applicant_id=str(world.trainee.id),
        cv_filename=trainee_profile.cv_filename,
        statement="Mine.",
    )
    assert world.client("student").post("/profile/edit", data=data).status_code == 302
    db.session.expire_all()
    student = db.session.get(User, world.student.id)
    mine = db.session.scalar(select(Profile).where(Profile.user_id == student.id))
    theirs = db.session.scalar(select(Profile).where(Profile.user_id == world.trainee.id))
    assert mine.statement == "Mine." and mine.cv_filename != theirs.cv_filename
    assert theirs.statement == SECRET_STATEMENT
    assert student.role == "student" and student.session_token != "chosen-by-the-attacker"


def test_opportunity_edit_keeps_status_owner_and_places(world):
    before = db.session.get(Opportunity, world.opp_a.id)
    published_at, created_by = before.published_at, before.created_by_id
    data = opportunity_form(**{**EXTRAS, "status": "archived"}, organisation_id=str(world.org_b.id))
    response = world.client("member_a").post(f"/opportunities/{world.opp_a.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    after = db.session.get(Opportunity, world.opp_a.id)
    assert after.title == "IR elective at Bugando"  # the offered fields did change
    assert (after.status, after.organisation_id, after.places_filled) == ("published", world.org_a.id, 1)
    assert (after.published_at, after.created_by_id) == (published_at, created_by)


def test_a_new_opportunity_cannot_be_placed_in_another_organisation(world):
    data = opportunity_form(**EXTRAS, organisation_id=str(world.org_b.id), title="Placed elsewhere?")
    response = world.client("member_a").post(
        f"/organisations/{world.org_a.slug}/opportunities/new", data=data
    )
    assert response.status_code == 302
    created = db.session.scalar(select(Opportunity).where(Opportunity.title == "Placed elsewhere?"))
    assert created.organisation_id == world.org_a.id and created.status == "draft"
    assert created.places_filled == 0 and created.published_at is None


def test_organisation_edit_cannot_verify_itself(world, users):
    pending = world.org_pending
    owner = users.create("org_member", organisation=pending)
    data = organisation_form(
        name="Now verified?",
        verified_at="2020-01-01 00:00:00",
        verified_by_id=str(world.coordinator.id),
        rejected_at="",
        slug="taken-over",
        id=str(world.org_a.id),
    )
    browser = world.app.test_client()
    browser.post("/login", data={"email": owner.email, "password": users.PASSWORD})
    assert browser.post(f"/organisations/{pending.slug}/edit", data=data).status_code == 302
    db.session.expire_all()
    after = db.session.get(Organisation, pending.id)
    assert after.name == "Now verified?" and after.verified_at is None and after.verified_by_id is None
    assert after.slug == pending.slug
    assert db.session.get(Organisation, world.org_a.id).name == "Organisation A"


def test_motivation_edit_cannot_move_or_rank_the_application(world):
    application = world.trainee_application
    rank, opportunity_id = application.rank, application.opportunity_id
    response = world.client("trainee").post(
        f"/applications/{application.id}/motivation",
        data={
            "motivation": "New words",
            "rank": "7",
            "host_rank": "1",
            "opportunity_id": str(world.opp_b.id),
            "applicant_id": str(world.student.id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    after = db.session.get(Application, application.id)
    assert after.motivation == "New words"
    assert (after.rank, after.host_rank, after.opportunity_id) == (rank, None, opportunity_id)
    assert after.applicant_id == world.trainee.id


def test_account_forms_cannot_change_the_role(world):
    browser = world.client("student")
    browser.post(
        "/account/email",
        data={"em-new_email": "s2@example.org", "em-password": "correct horse battery", "role": "admin"},
    )
    browser.post("/account/notifications", data={"role": "admin", "user_id": str(world.admin.id)})
    db.session.expire_all()
    assert db.session.get(User, world.student.id).role == "student"
