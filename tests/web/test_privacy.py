"""An applicant's data: the JSON export of everything held, and deleting the account."""

import json
from io import BytesIO
from pathlib import Path

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Application, Opportunity, OutboxMessage, Profile, ProfileLanguage, User
from matcher.models.impact import VisitFeedback
from matcher.models.matching import Match
from tests.support.pdf import minimal_pdf


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_the_export_holds_the_account_profile_and_applications_but_no_secrets(auth, client, users):
    student = auth.login("student", name="Amina Mushi", email="amina@example.org")
    users.profile(student, statement="Embolisation saves mothers.")
    opportunity = users.opportunity(title="Elective in Moshi")
    users.application(student, opportunity, motivation="I speak Swahili.", host_rank=2)
    client.post("/profile/cv", data={"cv": (BytesIO(minimal_pdf()), "my cv.pdf")})

    response = client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)

    assert data["account"]["name"] == "Amina Mushi" and data["account"]["email"] == "amina@example.org"
    assert data["profile"]["statement"] == "Embolisation saves mothers."
    assert data["profile"]["training_level"] == "Medical student, year 5"
    assert data["profile"]["subregions_of_interest"] == ["Eastern Africa"]
    assert data["profile"]["languages"] == [{"language": "en", "level": "professional"}]
    assert data["profile"]["cv"]["file_name"] == "my_cv.pdf"
    [application] = data["applications"]
    assert application["opportunity"]["title"] == "Elective in Moshi"
    assert application["rank"] == 1 and application["motivation"] == "I speak Swahili."
    assert application["organisation_order"] == 2
    text = response.get_data(as_text=True)
    assert "password" not in text and student.password_hash not in text and student.session_token not in text


def test_the_export_includes_the_emails_sent_to_the_user(client, users):
    client.post(
        "/signup",
        data={
            "role": "student",
            "name": "New Student",
            "email": "new@example.org",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    client.post("/login", data={"email": "new@example.org", "password": "a long passphrase"})
    data = json.loads(client.get("/profile/data.json").data)
    [email] = data["emails"]
    assert email["subject"] == "Confirm your email address" and email["to"] == "new@example.org"
    assert "/verify/" not in email["body"]  # the one-time link is not copied into the export
    assert data["profile"] is None and data["applications"] == []


def test_the_export_holds_offered_placements_but_not_proposals_under_review(auth, client, users):
    student = auth.login("student")
    offered = users.opportunity(title="Elective in Mwanza")
    users.match(student, offered, "accepted")
    # The visitor's side of the visit's feedback (issue 22) is what the export calls the rating.
    db.session.add(
        VisitFeedback(
            visit_id=offered.id, visitor_id=student.id, side="visitor", rating=5, comments="Superb teaching."
        )
    )
    db.session.commit()
    users.match(student, users.opportunity(title="Still under review"), "approved")

    data = json.loads(client.get("/profile/data.json").data)

    [placement] = data["placements"]
    assert placement["opportunity"] == "Elective in Mwanza" and placement["status"] == "accepted"
    assert placement["organisation"] == offered.organisation.name
    assert placement["rating"] == 5 and placement["feedback"] == "Superb teaching."
    assert "Still under review" not in client.get("/profile/data.json").get_data(as_text=True)


def test_deleting_the_account_removes_profile_cv_applications_and_emails(app, auth, client, users):
    student = auth.login("student", email="leaving@example.org")
    users.profile(student)
    opportunity = users.opportunity()
    users.application(student, opportunity)
    client.post("/profile/cv", data={"cv": (BytesIO(minimal_pdf()), "cv.pdf")})
    db.session.add(
        OutboxMessage(
            message_id="<m1@test>",
            category="account",
            template="verify_email",
            user_id=student.id,
            to_address=student.email,
            subject="Hello",
            body_text="x",
            body_html="x",
        )
    )
    db.session.commit()
    assert len(_files(app)) == 1
    student_id = student.id

    page = client.get("/profile/delete").get_data(as_text=True)
    assert "Matches that coordinators have already approved are kept without your name" in page
    response = client.post("/profile/delete", data={"password": users.PASSWORD}, follow_redirects=True)
    assert "Your account and everything in it are deleted." in response.get_data(as_text=True)

    assert db.session.get(User, student_id) is None
    assert _count(Profile, Profile.user_id == student_id) == 0
    assert _count(ProfileLanguage) == 0
    assert _count(Application, Application.applicant_id == student_id) == 0
    assert _count(OutboxMessage, OutboxMessage.to_address == "leaving@example.org") == 0
    assert _files(app) == []
    assert db.session.get(Opportunity, opportunity.id) is not None  # others' data stays
    # The browser is logged out, and the account cannot log in again.
    assert client.get("/dashboard").status_code == 302
    response = client.post("/login", data={"email": "leaving@example.org", "password": users.PASSWORD})
    assert response.status_code == 422


def test_deleting_the_account_keeps_its_placements_without_the_name(auth, client, users):
    student = auth.login("student")
    users.profile(student)
    match = users.match(student, users.opportunity(), "accepted")
    match_id, student_id = match.id, student.id

    client.post("/profile/delete", data={"password": users.PASSWORD})

    db.session.expire_all()
    assert db.session.get(User, student_id) is None
    kept = db.session.get(Match, match_id)
    assert kept.applicant_id is None and kept.status == "accepted"


def test_deleting_the_account_needs_the_password(auth, client, users):
    student = auth.login("student")
    users.profile(student)
    response = client.post("/profile/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert "That is not your password." in response.get_data(as_text=True)
    assert db.session.get(User, student.id) is not None
    assert _count(Profile, Profile.user_id == student.id) == 1


def test_a_deleted_applicant_disappears_from_the_organisations_list(auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    leaving = users.create(role="student", name="Leaving Student")
    users.application(leaving, opportunity)
    browser = client.application.test_client()
    browser.post("/login", data={"email": leaving.email, "password": users.PASSWORD})
    browser.post("/profile/delete", data={"password": users.PASSWORD})

    auth.login("org_member", organisation=organisation)
    page = client.get(f"/opportunities/{opportunity.id}/applicants").get_data(as_text=True)
    assert "Leaving Student" not in page and "Nobody has applied yet." in page
