"""Sign-up follows the profession: it decides the account's role and what the profile asks."""

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Profession, User

GOOD = {
    "name": "Grace Achieng",
    "email": "grace@example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
}


def _user() -> User | None:
    return db.session.scalar(select(User).where(User.email == GOOD["email"]))


def test_the_form_asks_what_you_do_with_every_profession_in_order(client):
    page = client.get("/signup").get_data(as_text=True)
    assert "What do you do?" in page
    codes = db.session.scalars(select(Profession.code).order_by(Profession.position)).all()
    positions = [page.index(f'value="{code}"') for code in codes]
    assert len(codes) >= 7 and positions == sorted(positions)
    assert "IR nurse" in page and "Radiographer or technologist" in page


def test_the_professions_are_named_in_the_readers_language(client):
    page = client.get("/signup", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Infirmier(ère) de radiologie interventionnelle" in page
    assert "IR nurse" not in page


@pytest.mark.parametrize(
    ("profession", "role"),
    [
        ("medical-student", "student"),
        ("ir-trainee", "trainee"),
        ("ir-physician", "professional"),
        ("ir-nurse", "professional"),
        ("radiographer", "professional"),
        ("pacs-it", "professional"),
    ],
)
def test_the_profession_decides_the_role(client, profession, role):
    response = client.post("/signup", data={**GOOD, "profession": profession})
    assert response.status_code == 302
    user = _user()
    assert user.role == role and user.profession_code == profession


def test_the_profession_wins_over_an_old_role_field(client):
    client.post("/signup", data={**GOOD, "role": "student", "profession": "ir-nurse"})
    assert (_user().role, _user().profession_code) == ("professional", "ir-nurse")


@pytest.mark.parametrize(("role", "profession"), [("student", "medical-student"), ("trainee", "ir-trainee")])
def test_an_old_client_posting_a_role_gets_its_profession(client, role, profession):
    client.post("/signup", data={**GOOD, "role": role})
    assert (_user().role, _user().profession_code) == (role, profession)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose what you do."),
        ({"profession": "astronaut"}, "Choose what you do from the list."),
        ({"role": "professional"}, "Choose what you do."),
    ],
)
def test_a_missing_or_unknown_profession_is_refused_at_its_field(client, data, message):
    response = client.post("/signup", data={**GOOD, **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="profession-error"' in page and message in page
    assert 'href="#profession-0"' in page  # the error summary links to the field
    assert _user() is None


def test_the_home_pages_student_link_preselects_medical_student(client):
    page = client.get("/signup?as=student").get_data(as_text=True)
    checked = re.search(
        r'<input checked id="profession-\d+" name="profession" type="radio" value="([^"]+)">', page
    )
    assert checked and checked.group(1) == "medical-student"
    assert page.count(" checked ") == 1


def test_a_nurse_is_offered_her_grades_and_no_medical_levels(client):
    client.post("/signup", data={**GOOD, "profession": "ir-nurse"})
    user = _user()
    client.post("/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Staff nurse" in page and "Nurse specialist or educator" in page
    assert "Medical student, year" not in page and "Resident / registrar" not in page
    assert "Training level" not in page
    assert user.role == "professional"


def test_the_admin_sees_each_users_profession(auth, client, users):
    users.create("professional", profession_code="radiographer", name="Rui Radiographer")
    auth.login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Radiographer or technologist" in page
