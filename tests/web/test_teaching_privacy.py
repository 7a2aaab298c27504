"""A volunteer's teaching profile in their data export, and gone with their account."""

import json
from datetime import date

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Licence, ProcedureSkill, Profile, ProfileLanguage, TeachingInvite, User
from tests.web.test_teaching_profile import offer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _volunteer(auth, client, users) -> User:
    nurse = auth.login("professional", profession_code="ir-nurse", email="nadia@example.org")
    users.profile(nurse, languages=(("en", "professional"), ("fr", "professional")), grade="staff-nurse")
    assert client.post("/profile/teaching", data=offer()).status_code == 302
    return nurse


def test_the_export_holds_the_profession_grade_and_teaching_profile(auth, client, users):
    _volunteer(auth, client, users)
    data = json.loads(client.get("/profile/data.json").data)
    assert data["account"]["profession"] == "ir-nurse" and data["account"]["role"] == "professional"
    assert data["profile"]["grade"] == "staff-nurse"
    teaching = data["teaching"]
    assert teaching["procedures"] == [
        {"procedure": "abscess-drainage", "level": "assist"},
        {"procedure": "ir-nursing-care", "level": "teach"},
    ]
    assert teaching["languages_of_instruction"] == ["fr"]
    assert teaching["licences"] == [
        {
            "country": "FR",
            "issuing_body": "Ordre national des infirmiers",
            "expires_on": date.fromisoformat(offer()["licences-0-expires_on"]).isoformat(),
        }
    ]
    assert teaching["weeks_a_year"] == 4 and teaching["months"] == [3, 10]
    assert teaching["teaches_remotely"] and teaching["listed_in_volunteer_directory"]
    assert teaching["teaching_years"] == 6 and "sedation course" in teaching["teaching_experience"]


def test_deleting_the_account_removes_the_teaching_profile(auth, client, users):
    nurse = _volunteer(auth, client, users)
    coordinator = users.create("coordinator")
    db.session.add(TeachingInvite(volunteer_id=nurse.id, sender_id=coordinator.id, message="Come to Mwanza"))
    db.session.commit()
    assert _count(ProcedureSkill) == 2 and _count(Licence) == 1 and _count(TeachingInvite) == 1
    nurse_id, coordinator_id = nurse.id, coordinator.id

    response = client.post("/profile/delete", data={"password": users.PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, nurse_id) is None
    for model in (Profile, ProfileLanguage, ProcedureSkill, Licence, TeachingInvite):
        assert _count(model) == 0, model.__name__
    assert db.session.get(User, coordinator_id) is not None
