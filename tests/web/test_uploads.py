"""CV uploads: PDF by content, 5 MB at most, random names, and served only to those who may see them."""

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Profile
from matcher.services import cvs
from matcher.services.errors import DomainError
from tests.support.pdf import HEADER_ONLY, PNG_RENAMED, ZIP_RENAMED, minimal_pdf


def _upload(client, content: bytes, filename: str = "cv.pdf", content_type: str = "application/pdf"):
    return client.post(
        "/profile/cv",
        data={"cv": (BytesIO(content), filename, content_type)},
        content_type="multipart/form-data",
    )


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _profile(user) -> Profile:
    return db.session.scalar(select(Profile).where(Profile.user_id == user.id))


def test_pdf_is_stored_under_a_random_name_and_downloaded_as_an_attachment(app, auth, client):
    student = auth.login("student")
    response = _upload(client, minimal_pdf(), filename="Amina CV 2026.pdf")
    assert response.status_code == 302

    [stored] = _stored_files(app)
    profile = _profile(student)
    assert stored.name == profile.cv_filename and stored.name != "Amina_CV_2026.pdf"
    assert stored.read_bytes() == minimal_pdf()
    assert "Amina_CV_2026.pdf" in client.get("/profile").get_data(as_text=True)

    download = client.get("/profile/cv")
    assert download.status_code == 200
    assert download.data == minimal_pdf()
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Amina_CV_2026.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("content", "what"),
    [(PNG_RENAMED, "an image"), (ZIP_RENAMED, "a Word file"), (HEADER_ONLY, "a PDF header and nothing else")],
)
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(app, auth, client, content, what):
    student = auth.login("student")
    response = _upload(client, content, filename="cv.pdf", content_type="application/pdf")
    assert response.status_code == 422, what
    assert "This file is not a PDF" in response.get_data(as_text=True)
    assert _stored_files(app) == []
    assert _profile(student) is None or _profile(student).cv_filename is None


def test_a_file_over_5_mb_gets_a_field_error(app, auth, client):
    auth.login("student")
    big = minimal_pdf(padding=5 * 1024 * 1024)  # a valid PDF, just too large
    response = _upload(client, big)
    assert response.status_code == 422
    assert "larger than 5 MB" in response.get_data(as_text=True)
    assert _stored_files(app) == []


def test_a_request_over_the_server_limit_gets_413(app, auth, client):
    auth.login("student")
    response = _upload(client, minimal_pdf(padding=app.config["MAX_CONTENT_LENGTH"]))
    assert response.status_code == 413
    assert _stored_files(app) == []


def test_no_file_chosen_gets_a_field_error(auth, client):
    auth.login("student")
    response = client.post("/profile/cv", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a PDF file to upload." in response.get_data(as_text=True)


@pytest.mark.parametrize("evil", ["../../../etc/passwd.pdf", "..\\..\\windows\\cv.pdf", "/etc/x.pdf", ".pdf"])
def test_a_path_traversal_filename_is_stored_under_a_random_name(app, auth, client, evil):
    student = auth.login("student")
    assert _upload(client, minimal_pdf(), filename=evil).status_code == 302
    [stored] = _stored_files(app)
    uploads_root = Path(app.config["UPLOAD_FOLDER"]).resolve()
    assert stored.resolve().is_relative_to(uploads_root)
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"
    shown = _profile(student).cv_original_name
    assert "/" not in shown and "\\" not in shown and ".." not in shown
    assert client.get("/profile/cv").headers["Content-Disposition"].endswith(f"{shown}")


def test_replacing_the_cv_deletes_the_old_file(app, auth, client):
    student = auth.login("student")
    _upload(client, minimal_pdf(), filename="old.pdf")
    [old] = _stored_files(app)
    _upload(client, minimal_pdf(padding=10), filename="new.pdf")
    [new] = _stored_files(app)
    assert new != old and not old.exists()
    assert _profile(student).cv_original_name == "new.pdf"
    assert client.get("/profile/cv").data == minimal_pdf(padding=10)


def test_deleting_the_cv_removes_the_file(app, auth, client):
    student = auth.login("student")
    _upload(client, minimal_pdf())
    response = client.post("/profile/cv/delete", follow_redirects=True)
    assert "Your CV is deleted." in response.get_data(as_text=True)
    assert _stored_files(app) == [] and _profile(student).cv_filename is None
    assert client.get("/profile/cv").status_code == 404


def test_a_stored_file_is_removed_again_when_its_transaction_rolls_back(app, users):
    student = users.create(role="student")
    with app.test_request_context():
        cvs.replace_cv(db.session, student, BytesIO(minimal_pdf()), "cv.pdf")
        assert len(_stored_files(app)) == 1
        db.session.rollback()
    assert _stored_files(app) == []


def test_a_non_pdf_never_reaches_the_disk_even_through_the_service(app, users):
    student = users.create(role="student")
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        cvs.replace_cv(db.session, student, BytesIO(PNG_RENAMED), "cv.pdf")
    assert refused.value.field == "cv"
    assert _stored_files(app) == []


def test_another_student_asking_for_someones_cv_gets_404(app, auth, client, users):
    owner = users.create(role="student")
    owner_browser = app.test_client()
    owner_browser.post("/login", data={"email": owner.email, "password": users.PASSWORD})
    _upload(owner_browser, minimal_pdf())

    auth.login("student")
    assert client.get(f"/profiles/{owner.id}/cv").status_code == 404
    assert client.get(f"/profiles/{owner.id}").status_code == 404


def test_an_organisation_sees_an_applicants_cv_only_after_they_applied_to_it(app, auth, client, users):
    organisation = users.organisation()
    opportunity = users.opportunity(organisation)
    applicant = users.create(role="student")
    browser = app.test_client()
    browser.post("/login", data={"email": applicant.email, "password": users.PASSWORD})
    _upload(browser, minimal_pdf())

    auth.login("org_member", organisation=organisation)
    assert client.get(f"/profiles/{applicant.id}/cv").status_code == 404

    assert browser.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": ""}).status_code == 302
    download = client.get(f"/profiles/{applicant.id}/cv")
    assert download.status_code == 200 and download.data == minimal_pdf()
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_a_member_of_another_organisation_cannot_see_the_cv(app, auth, client, users):
    opportunity = users.opportunity()
    applicant = users.create(role="student")
    browser = app.test_client()
    browser.post("/login", data={"email": applicant.email, "password": users.PASSWORD})
    _upload(browser, minimal_pdf())
    browser.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": ""})

    auth.login("org_member")  # a member of a different, new organisation
    assert client.get(f"/profiles/{applicant.id}/cv").status_code == 404


def test_a_coordinator_can_download_any_cv(app, auth, client, users):
    applicant = users.create(role="trainee")
    browser = app.test_client()
    browser.post("/login", data={"email": applicant.email, "password": users.PASSWORD})
    _upload(browser, minimal_pdf())
    auth.login("coordinator")
    assert client.get(f"/profiles/{applicant.id}/cv").data == minimal_pdf()


def test_anonymous_visitors_are_sent_to_login_for_a_cv(client, users):
    applicant = users.create(role="student")
    response = client.get(f"/profiles/{applicant.id}/cv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
