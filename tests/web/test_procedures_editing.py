"""Coordinators edit the procedures taxonomy: words, equipment, sources, retire and restore; each
change is audited and survives `flask reference sync`."""

from __future__ import annotations

import html
import json

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.teaching import Procedure
from matcher.reference.sync import sync_reference_data


@pytest.fixture
def audit_file(app, tmp_path):
    path = tmp_path / "audit.log"
    app.config["AUDIT_LOG_PATH"] = str(path)
    return path


def audit_entries(path, action):
    lines = path.read_text().splitlines() if path.exists() else []
    return [e for e in map(json.loads, lines) if e["action"] == action]


def procedure(code: str) -> Procedure:
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def form_data(**changes):
    data = {
        "label_en": "Post-partum haemorrhage embolisation (uterine arteries)",
        "group_en": "Embolisation",
        "label_fr": "Embolisation des artères utérines pour hémorragie du post-partum",
        "group_fr": "Embolisation",
        "label_pt": "",
        "group_pt": "",
        "label_es": "Embolización uterina por hemorragia posparto",
        "group_es": "Embolización",
        "kind": "procedure",
        "needs_any": ["angiography", "c_arm"],
        "needs_all": ["catheters_wires", "embolic_agents", "nursing_recovery"],
        "sources": "WHO PPH recommendations https://www.who.int/publications/i/item/9789241548502\n\n"
        "CIRSE Standards https://www.cirse.org/",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_edits_a_procedure_and_it_is_audited(client, auth, audit_file):
    coordinator = auth.login("coordinator")
    form = html.unescape(client.get("/coordination/procedures/pph-embolisation/edit").get_data(as_text=True))
    assert "Embolisation pour hémorragie du post-partum" in form  # the shipped French words
    response = client.post("/coordination/procedures/pph-embolisation/edit", data=form_data())
    assert response.status_code == 302
    pph = procedure("pph-embolisation")
    db.session.refresh(pph)
    assert pph.label == "Post-partum haemorrhage embolisation (uterine arteries)"
    assert pph.needs_all == ["catheters_wires", "embolic_agents", "nursing_recovery"]
    assert pph.needs_any == ["angiography", "c_arm"]
    assert pph.sources == [
        {"title": "WHO PPH recommendations", "url": "https://www.who.int/publications/i/item/9789241548502"},
        {"title": "CIRSE Standards", "url": "https://www.cirse.org/"},
    ]
    # An empty language is left out, so the reader falls back to English words.
    assert set(pph.translations) == {"fr", "es"}
    assert pph.translations["es"]["group"] == "Embolización"
    assert pph.edited_by_id == coordinator.id and pph.edited_at is not None
    [entry] = audit_entries(audit_file, "procedure_edited")
    assert entry["user_id"] == coordinator.id and entry["details"]["code"] == "pph-embolisation"
    assert entry["details"]["new_needs_all"] == ["catheters_wires", "embolic_agents", "nursing_recovery"]


def test_reference_sync_leaves_an_edited_procedure_alone_and_restores_the_others(client, auth):
    auth.login("coordinator")
    client.post("/coordination/procedures/pph-embolisation/edit", data=form_data())
    nephrostomy = procedure("nephrostomy")
    nephrostomy.label = "Changed behind the app's back"
    db.session.commit()
    sync_reference_data(db.session)
    db.session.commit()
    assert procedure("pph-embolisation").label == "Post-partum haemorrhage embolisation (uterine arteries)"
    assert procedure("pph-embolisation").needs_all[-1] == "nursing_recovery"
    assert procedure("nephrostomy").label == "Percutaneous nephrostomy"


def test_coordinator_adds_a_procedure_then_retires_and_restores_it(client, auth, audit_file):
    auth.login("coordinator")
    response = client.post(
        "/coordination/procedures/new",
        data=form_data(code="uterine-fibroid-embolisation", label_en="Uterine fibroid embolisation"),
    )
    assert response.status_code == 302
    added = procedure("uterine-fibroid-embolisation")
    assert added.label == "Uterine fibroid embolisation" and added.retired_at is None
    assert added.position > procedure("radiation-safety").position
    assert "Uterine fibroid embolisation" in client.get("/procedures").get_data(as_text=True)
    client.post("/coordination/procedures/uterine-fibroid-embolisation/retire")
    db.session.refresh(added)
    assert added.retired_at is not None
    assert "Uterine fibroid embolisation" not in client.get("/procedures").get_data(as_text=True)
    assert "retired" in client.get("/coordination/procedures").get_data(as_text=True)
    client.post("/coordination/procedures/uterine-fibroid-embolisation/restore")
    db.session.refresh(added)
    assert added.retired_at is None
    actions = [json.loads(line)["action"] for line in audit_file.read_text().splitlines()]
    assert [a for a in actions if a.startswith("procedure_")] == [
        "procedure_created",
        "procedure_retired",
        "procedure_restored",
    ]


@pytest.mark.parametrize(
    ("url", "changes", "field", "message"),
    [
        (
            "/coordination/procedures/pph-embolisation/edit",
            {"label_en": ""},
            "label_en",
            "Give the name in English.",
        ),
        (
            "/coordination/procedures/pph-embolisation/edit",
            {"kind": "magic"},
            "kind",
            "Choose one of the options",
        ),
        (
            "/coordination/procedures/pph-embolisation/edit",
            {"needs_all": ["x-ray-vision"]},
            "needs_all",
            "Choose",
        ),
        (
            "/coordination/procedures/pph-embolisation/edit",
            {"needs_any": ["c_arm"]},
            "needs_any",
            "One alternative alone is not a choice",
        ),
        (
            "/coordination/procedures/pph-embolisation/edit",
            {"needs_any": ["c_arm", "angiography"], "needs_all": ["c_arm"]},
            "needs_any",
            "cannot be both needed and one of the alternatives",
        ),
        (
            "/coordination/procedures/pph-embolisation/edit",
            {"sources": "WHO https://www.who.int/\nA title without an address"},
            "sources",
            "Line 2: give the title, a space, then the address.",
        ),
        ("/coordination/procedures/new", {"code": "Not A Code"}, "code", "Use lower-case letters"),
        (
            "/coordination/procedures/new",
            {"code": "nephrostomy"},
            "code",
            "A procedure with this code exists",
        ),
        ("/coordination/procedures/new", {"code": ""}, "code", "Use lower-case letters"),
    ],
)
def test_bad_procedure_input_is_refused_at_its_field_and_nothing_changes(
    client, auth, url, changes, field, message
):
    auth.login("coordinator")
    before = db.session.scalar(select(func.count()).select_from(Procedure))
    response = client.post(url, data=form_data(**changes))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in page
    assert message in page.split(f'id="{field}-error"')[1][:300]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Procedure)) == before
    assert procedure("pph-embolisation").edited_at is None


@pytest.mark.parametrize("role", ["student", "trainee", "org_member"])
def test_only_coordinators_edit_procedures(client, auth, role):
    auth.login(role)
    assert client.get("/coordination/procedures").status_code == 403
    assert client.post("/coordination/procedures/pph-embolisation/edit", data=form_data()).status_code == 403
    assert client.post("/coordination/procedures/pph-embolisation/retire").status_code == 403
    assert (
        procedure("pph-embolisation").edited_at is None and procedure("pph-embolisation").retired_at is None
    )


def test_an_unknown_procedure_is_404(client, auth):
    auth.login("coordinator")
    assert client.get("/coordination/procedures/nothing-like-it/edit").status_code == 404
