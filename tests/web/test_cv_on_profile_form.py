"""The CV on the profile form, one completeness reading everywhere, and a CV too large for the request."""

from io import BytesIO
from pathlib import Path

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Profile
from tests.support.pdf import PNG_RENAMED, minimal_pdf
from tests.web.test_profiles import complete_form


def _profile(user) -> Profile | None:
    return db.session.scalar(select(Profile).where(Profile.user_id == user.id))


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _post_edit(client, cv: bytes | None = None, **overrides):
    data = complete_form(**overrides)
    if cv is not None:
        data["cv"] = (BytesIO(cv), "Amina CV.pdf", "application/pdf")
    return client.post("/profile/edit", data=data, content_type="multipart/form-data")


def test_the_profile_form_takes_the_cv_with_the_rest(app, auth, client):
    student = auth.login("student")
    page = client.get("/profile/edit").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'accept=".pdf"' in page and 'name="cv"' in page
    response = _post_edit(client, cv=minimal_pdf())
    assert response.status_code == 302
    profile = _profile(student)
    assert profile.institution == "University of Nairobi" and profile.cv_original_name == "Amina_CV.pdf"
    assert [p.name for p in _stored_files(app)] == [profile.cv_filename]


def test_a_bad_cv_on_the_profile_form_saves_nothing_and_says_why_at_the_field(app, auth, client):
    student = auth.login("student")
    response = _post_edit(client, cv=PNG_RENAMED)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="cv-error"' in page and "This file is not a PDF" in page
    assert 'value="University of Nairobi"' in page  # what was typed is still there
    assert _profile(student) is None and _stored_files(app) == []


def test_a_chosen_file_lost_to_another_error_is_named(auth, client):
    auth.login("student")
    response = _post_edit(client, cv=minimal_pdf(), statement="x" * 5001)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "choose your CV file again" in page


def test_the_cv_forms_say_accept_pdf_and_post_to_their_own_page(auth, client):
    auth.login("student")
    page = client.get("/profile").get_data(as_text=True)
    assert 'accept=".pdf"' in page and 'action="/profile"' in page
    response = client.post("/profile", data={"cv": (BytesIO(PNG_RENAMED), "cv.pdf")})
    assert response.status_code == 422 and "This file is not a PDF" in response.get_data(as_text=True)
    assert response.request.path == "/profile"


def test_a_cv_over_the_request_limit_shows_the_form_with_an_inline_error(app, auth, client):
    student = auth.login("student")
    huge = minimal_pdf(padding=app.config["MAX_CONTENT_LENGTH"])
    response = client.post("/profile", data={"cv": (BytesIO(huge), "cv.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<h1>My profile</h1>" in page and 'id="cv-error"' in page and "larger than 5 MB" in page
    assert _profile(student) is None and _stored_files(app) == []


def test_a_cv_over_the_request_limit_on_the_profile_form_shows_that_form(app, auth, client):
    auth.login("student")
    response = _post_edit(client, cv=minimal_pdf(padding=app.config["MAX_CONTENT_LENGTH"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "<h1>Edit my profile</h1>" in page and 'id="cv-error"' in page
    assert "larger than 5 MB" in page and "Your changes were not saved" in page


def test_profile_page_and_dashboard_read_completeness_alike(auth, client, users):
    student = auth.login("student")
    users.profile(student)  # complete, with no CV

    def block(path: str) -> str:
        page = client.get(path).get_data(as_text=True)
        start = page.index('<p class="completeness">')
        return page[start : page.index("</p>", page.index("No CV yet", start)) + 4]

    on_profile, on_dashboard = block("/profile"), block("/dashboard")
    assert on_profile == on_dashboard
    assert "100% complete" in on_profile and "ready for matching" in on_profile
