"""The logbook in the reader's language: the session kinds and the local learner's roles of the
"Add a session" form, of the edit page and of the entries table are worded per request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from matcher.extensions import db
from matcher.models.impact import LogEntry
from tests.support.impact import impact_scene


@pytest.fixture
def scene(users):
    return impact_scene(db.session, users)


FRENCH = ("a réalisé sous supervision", "a réalisé en autonomie", "a observé", "séance de simulation")
ENGLISH = ("performed under supervision", "performed independently", "simulation session")


def test_the_add_and_edit_forms_speak_french(client, auth, scene):
    scene.student.locale = "fr"
    entry = LogEntry(
        visit_id=scene.elective.id,
        author_id=scene.student.id,
        held_on=scene.elective.starts_on + timedelta(days=1),
        kind="procedure",
        procedure_id=scene.procedures["nephrostomy"].id,
        learner_role="supervised",
        cases=2,
        learners_present=3,
        hours=None,
        topic="",
    )
    db.session.add(entry)
    db.session.commit()
    auth.login_as(scene.student)
    for url in (f"/visits/{scene.elective.id}/log", f"/visits/{scene.elective.id}/log/{entry.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert '<html lang="fr"' in page
        for words in FRENCH:
            assert words in page, (url, words)
        for words in ENGLISH:
            assert words not in page, (url, words)
    # The English reader still reads English: nothing was fixed at the first request's language.
    scene.student.locale = "en"
    db.session.commit()
    page = client.get(f"/visits/{scene.elective.id}/log").get_data(as_text=True)
    assert all(words in page for words in ENGLISH) and "a réalisé sous supervision" not in page


def test_a_refused_french_form_keeps_french_choices(client, auth, scene):
    scene.student.locale = "fr"
    db.session.commit()
    auth.login_as(scene.student)
    response = client.post(
        f"/visits/{scene.elective.id}/log",
        data={
            "held_on": (scene.elective.starts_on + timedelta(days=2)).isoformat(),
            "kind": "lecture",
            "learners_present": "3",
            "hours": str(Decimal("1.5")),
            "topic": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "séance de simulation" in page and "a réalisé sous supervision" in page
