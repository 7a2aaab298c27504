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
    # Sign-up logs nobody in (its answer must not differ for an address that has an account);
    # the new account logs in at once and is told to confirm its address.
    assert response.headers["Location"].endswith("/login")
    _log_in(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Please confirm your email address" in page


def _log_in(client):
    response = client.post("/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    assert response.status_code == 302


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
    _log_in(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "waiting for verification by a coordinator" in page


def test_claiming_an_existing_organisation_waits_for_approval(client, users):
    existing = users.organisation(name="Road2IR", slug="road2ir")
    client.post("/signup", data={**GOOD, "role": "org_member", "organisation_name": "road2ir"})
    membership = db.session.scalar(select(Membership).where(Membership.organisation_id == existing.id))
    assert membership.role == "member" and not membership.is_approved
    _log_in(client)
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


def test_a_taken_email_changes_nothing_regardless_of_case(client, users):
    users.create(email="taken@example.org")
    response = client.post("/signup", data={**GOOD, "email": "TAKEN@example.org", "role": "student"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert db.session.scalar(select(User).where(User.name == "Amina Mushi")) is None
    (mail,) = db.session.scalars(select(OutboxMessage)).all()
    assert mail.to_address == "taken@example.org" and mail.template == "signup_attempt"


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


def test_the_applicant_sign_up_asks_for_no_organisation(client):
    page = client.get("/signup").get_data(as_text=True)
    assert 'name="organisation_name"' not in page and 'value="org_member"' not in page
    assert 'value="medical-student"' in page and 'value="ir-nurse"' in page
    assert '<a href="/signup?as=org_member">Sign up as an organisation contact</a>' in page


def test_the_organisation_contact_sign_up_asks_for_the_organisation(client):
    page = client.get("/signup?as=org_member").get_data(as_text=True)
    assert (
        'name="organisation_name"' in page and '<input type="hidden" name="role" value="org_member">' in page
    )
    assert 'value="medical-student"' not in page and 'action="/signup?as=org_member"' in page


def test_an_organisation_error_keeps_the_organisation_page(client):
    response = client.post(
        "/signup?as=org_member", data={**GOOD, "role": "org_member", "organisation_name": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Create an organisation contact account" in page
    assert 'id="organisation_name-error"' in page


def test_a_student_sign_up_ignores_an_organisation_name(client):
    client.post("/signup", data={**GOOD, "role": "student", "organisation_name": "Sneaky Org"})
    assert db.session.scalar(select(User.role)) == "student"
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_one_banner_after_sign_up_not_two(client):
    # Sign-up answers alike for every address, so it ends on the login page with one message...
    page = client.post("/signup", data={**GOOD, "role": "student"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert page.count("We sent a message to amina@example.org") == 1
    assert "we sent a link to" not in page and "Welcome!" not in page
    # ...and once logged in, the reminder to confirm is the page's only banner.
    page = client.post(
        "/login", data={"email": GOOD["email"], "password": GOOD["password"]}, follow_redirects=True
    ).get_data(as_text=True)
    assert page.count("we sent a link to <strong>amina@example.org</strong>") == 1
    assert 'class="flash' not in page and "Welcome!" not in page
