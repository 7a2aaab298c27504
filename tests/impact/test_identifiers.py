"""Free text about teaching names no patient: the logbook's topics and the local learners'
comments refuse what looks like a patient's name or number, and let teaching topics through."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.impact import LearnerResponse, LogEntry
from matcher.services.impact import learner_links
from matcher.services.impact.identifiers import looks_identifying
from tests.support.impact import impact_scene

REFUSED = [
    "hosp no 4471",
    "Hosp. No: 12 drain check",
    "hospital number 12",
    "file #2231",
    "IP 33456",
    "IP 334",
    "inpatient 77",
    "Registration 8812",
    "reg no 12",
    "bed no 1234",
    "Nr. 4471",
    "#4471 drain",
    "n° 4471",
    "Patient Juma Hassan nephrostomy",
    "patient Juma",
    "Patient O'Neil",
    "Mrs Achieng drain",
    "Mr. Otieno",
    "Drain care, patient 12345678",
    "Review of 12/03/1990 case",
    "MRN AB-77 follow-up",
]
ALLOWED = [
    "Patient safety in fluoroscopy",
    "Patient Safety in Fluoroscopy",
    "Patient preparation",
    "Patient Preparation and Consent",
    "Patient-centred care",
    "Patient Safety-related incidents",  # a topic word, then a hyphen
    "Patient Follow-up clinic",  # a hyphenated topic word
    "Nephrostomy care",
    "Radiation protection 2025",
    "Biliary drainage: indications",
    "MR angiography",
    "MRS basics",
    "Case 3 review",
    "Top 10 complications",
    "Session number 3",
    "Hospital workflow",
    "File management",
    "Consent in patients",
]


@pytest.mark.parametrize("text", REFUSED)
def test_what_names_or_numbers_a_patient_is_refused(text):
    assert looks_identifying(text)


@pytest.mark.parametrize("text", ALLOWED)
def test_teaching_topics_are_allowed(text):
    assert not looks_identifying(text)


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


def _lecture(scene, topic: str) -> dict:
    return {
        "held_on": (scene.elective.starts_on + timedelta(days=3)).isoformat(),
        "kind": "lecture",
        "procedure_id": "",
        "learners_present": "12",
        "hours": "1.5",
        "topic": topic,
    }


@pytest.mark.parametrize("topic", ["hosp no 4471", "Patient Juma Hassan nephrostomy", "file #2231"])
def test_the_logbook_refuses_such_a_topic_at_its_field(client, auth, scene, topic):
    auth.login_as(scene.student)
    response = client.post(f"/visits/{scene.elective.id}/log", data=_lecture(scene, topic))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="topic-error"' in page and "names a patient or carries a patient identifier" in page
    assert db.session.scalar(select(func.count()).select_from(LogEntry)) == 0


@pytest.mark.parametrize(
    "topic", ["Patient safety in fluoroscopy", "Nephrostomy care", "Radiation protection 2025"]
)
def test_the_logbook_takes_teaching_topics(client, auth, scene, topic):
    auth.login_as(scene.student)
    response = client.post(f"/visits/{scene.elective.id}/log", data=_lecture(scene, topic))
    assert response.status_code == 302
    assert db.session.scalars(select(LogEntry.topic)).all() == [topic]


@pytest.mark.parametrize(
    ("field", "text"), [("helped", "Seeing Mrs Achieng's drain"), ("improve", "More time, hosp no 4471")]
)
def test_a_learner_comment_naming_a_patient_is_refused_and_the_link_kept(client, scene, field, text):
    token = learner_links.make_links(db.session, scene.host, scene.teaching, 1, 60, scene.today)[0].token
    db.session.commit()
    response = client.post(f"/f/{token}", data={"usefulness": "4", field: text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and "details must stay private" in page
    assert "Achieng" in page or "4471" in page  # what was typed is kept, to be corrected
    assert db.session.scalar(select(func.count()).select_from(LearnerResponse)) == 0
    assert client.post(f"/f/{token}", data={"usefulness": "4", field: "The drain lecture"}).status_code == 200
