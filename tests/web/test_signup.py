"""Sign-up as each kind of account, with errors next to the right field."""

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Membership, Organisation, OutboxMessage, User

GOOD = {
    "name": "Amina Mushi",
    "email": "Amina@Example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
}


def test_student_sign_up_creates_unverified_account_and_queues_verification(client):
    response = client.post("/signup", data={**GOOD, "role": "student"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    assert user.role == "student" and user.email_verified_at is None
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "amina@example.org" and mail.template == "verify_email"
    assert "/verify/" in mail.body_text
    # The new account is logged in and told to confirm its address.
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Please confirm your email address" in page


def test_trainee_sign_up_gets_trainee_role(client):
    client.post("/signup", data={**GOOD, "role": "trainee"})
    assert db.session.scalar(select(User.role)) == "trainee"


def test_organisation_contact_creates_unverified_organisation_they_own(client):
    client.post("/signup", data={**GOOD, "role": "org_member", "organisation_name": "Hôpital de Kigali"})
    user = db.session.scalar(select(User))
    organisation = db.session.scalar(select(Organisation))
    membership = db.session.scalar(select(Membership))
    assert user.role == "org_member"
    assert organisation.name == "Hôpital de Kigali" and organisation.slug == "hopital-de-kigali"
    assert organisation.verified_at is None
    assert membership.user_id == user.id and membership.role == "owner" and membership.is_approved
    page = client.get("/dashboard").get_data(as_text=True)
    assert "waiting for verification by a coordinator" in page


def test_claiming_an_existing_organisation_waits_for_approval(client, users):
    existing = users.organisation(name="Road2IR", slug="road2ir")
    client.post("/signup", data={**GOOD, "role": "org_member", "organisation_name": "road2ir"})
    membership = db.session.scalar(select(Membership).where(Membership.organisation_id == existing.id))
    assert membership.role == "member" and not membership.is_approved
    assert "claim waiting for a coordinator" in client.get("/dashboard").get_data(as_text=True)


def test_organisation_contact_must_name_the_organisation(client):
    response = client.post("/signup", data={**GOOD, "role": "org_member", "organisation_name": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="organisation_name-error"' in page and "Name the organisation you act for." in page
    assert db.session.scalar(select(User)) is None


def test_sign_up_cannot_choose_a_privileged_role(client):
    response = client.post("/signup", data={**GOOD, "role": "admin"})
    assert response.status_code == 422
    assert "Choose one of the options in the list." in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_errors_sit_next_to_their_fields_and_keep_what_was_typed_except_passwords(client):
    response = client.post(
        "/signup",
        data={
            "role": "student",
            "name": "Lucas",
            "email": "not-an-email",
            "password": "short",
            "confirm": "other",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="email-error"' in page and "Enter a valid email address." in page
    assert 'id="password-error"' in page and "Use between 10 and 256 characters." in page
    assert "The passwords do not match." in page
    assert 'value="Lucas"' in page and 'value="not-an-email"' in page
    assert 'value="short"' not in page


def test_duplicate_email_is_refused_regardless_of_case(client, users):
    users.create(email="taken@example.org")
    response = client.post("/signup", data={**GOOD, "email": "TAKEN@example.org", "role": "student"})
    assert response.status_code == 422
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.name == "Amina Mushi")) is None


def test_organisation_name_with_other_spacing_claims_the_existing_one(client, users):
    existing = users.organisation(name="Road2IR", slug="road2ir")
    client.post("/signup", data={**GOOD, "role": "org_member", "organisation_name": "Road 2 IR"})
    assert db.session.scalar(select(Membership.organisation_id)) == existing.id
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_all_field_errors_show_at_once(client):
    response = client.post(
        "/signup",
        data={"role": "org_member", "name": "X", "email": "bad", "password": "short", "confirm": "short"},
    )
    page = response.get_data(as_text=True)
    for field in ("email", "password", "organisation_name"):
        assert f'id="{field}-error"' in page, field
    assert 'aria-describedby="None"' not in page


def test_spaces_around_a_pasted_email_are_ignored(client):
    client.post("/signup", data={**GOOD, "email": "  spaced@example.org ", "role": "student"})
    assert db.session.scalar(select(User.email)) == "spaced@example.org"


def test_a_common_password_is_refused(client):
    response = client.post(
        "/signup", data={**GOOD, "role": "student", "password": "Password123", "confirm": "Password123"}
    )
    assert response.status_code == 422
    assert "one of the most common" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None
