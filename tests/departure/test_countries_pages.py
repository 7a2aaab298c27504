"""The coordinators' pages for each country's rules, and the rules on the opportunity page."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.departure import CountryPack, CountryRule
from matcher.services.departure.rule_packs import load_packs
from matcher.services.departure.rules import rules_for

NEW_RULE = {
    "code": "police-clearance",
    "kind": "other",
    "title": "Police clearance certificate",
    "details": "Ask your local police; check with the council.",
    "authority": "Your home country's police",
    "source_url": "https://kmpdc.go.ke/",
    "source_date": "2025-06-01",
    "lead_days": "45",
    "mandatory": "y",
    "professions": ["ir-physician"],
}


@pytest.fixture
def audit_entries(app, tmp_path):
    path = tmp_path / "audit.log"
    app.config["AUDIT_LOG_PATH"] = str(path)

    def read(action: str) -> list[dict]:
        lines = path.read_text().splitlines() if path.exists() else []
        return [e for e in map(json.loads, lines) if e["action"] == action]

    yield read
    app.config.pop("AUDIT_LOG_PATH", None)


@pytest.fixture
def kenya(app):
    load_packs(db.session)
    db.session.commit()
    return {r.code: r for r in rules_for(db.session, "KE")}


def _rules() -> list[tuple]:
    return db.session.execute(
        select(CountryRule.country_code, CountryRule.code, CountryRule.title, CountryRule.lead_days).order_by(
            CountryRule.id
        )
    ).all()


def test_the_countries_page_lists_each_pack_and_countries_still_without_rules(client, auth, users, kenya):
    users.opportunity(country_code="BR")  # published, and Brazil has no pack
    auth.login("coordinator")
    page = client.get("/coordination/countries")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'href="/coordination/countries/KE"' in text and "Kenya" in text
    assert 'href="/coordination/countries/BR"' in text  # in the list of countries without rules


def test_a_country_page_shows_its_rules_with_source_and_date(client, auth, kenya):
    auth.login("coordinator")
    page = client.get("/coordination/countries/KE")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    licence = kenya["temporary-licence"]
    assert licence.title in text and 'href="https://kmpdc.go.ke/"' in text
    assert f'id="rule-{licence.id}"' in text
    assert client.get("/coordination/countries/ke").headers["Location"].endswith("/coordination/countries/KE")
    assert client.get("/coordination/countries/XX").status_code == 404


def test_a_coordinator_adds_a_rule_audited(client, auth, kenya, audit_entries):
    coordinator = auth.login("coordinator")
    before = len(_rules())
    response = client.post("/coordination/countries/KE", data=NEW_RULE)
    assert response.status_code == 302
    rule = db.session.scalar(select(CountryRule).where(CountryRule.code == "police-clearance"))
    assert (rule.country_code, rule.kind, rule.lead_days, rule.professions) == (
        "KE",
        "other",
        45,
        ["ir-physician"],
    )
    assert rule.mandatory and not rule.needs_proof
    assert rule.edited_by_id == coordinator.id and rule.edited_at is not None
    assert rule.position > max(r.position for r in kenya.values())
    assert len(_rules()) == before + 1
    [entry] = audit_entries("country_rule_added")
    assert entry["user_id"] == coordinator.id
    assert entry["details"] == {
        "country": "KE",
        "code": "police-clearance",
        "title": "Police clearance certificate",
    }


def test_a_first_rule_for_a_country_without_a_pack_makes_its_pack(client, auth, app):
    auth.login("coordinator")
    assert db.session.get(CountryPack, "BR") is None
    assert client.get("/coordination/countries/BR").status_code == 200
    assert client.post("/coordination/countries/BR", data=NEW_RULE).status_code == 302
    pack = db.session.get(CountryPack, "BR")
    assert pack.digest == "" and [r.code for r in rules_for(db.session, "BR")] == ["police-clearance"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"source_url": "javascript:alert(1)"}, "source_url", "starting with https://"),
        ({"source_url": ""}, "source_url", "Enter the source"),
        ({"source_date": ""}, "source_date", "Enter the date you read the source."),
        (
            {"source_date": (date.today() + timedelta(days=3)).isoformat()},
            "source_date",
            "cannot be in the future",
        ),
        ({"lead_days": "400"}, "lead_days", "from 0 to 365"),
        ({"lead_days": "soon"}, "lead_days", ""),
        ({"kind": "bribe"}, "kind", ""),
        ({"code": "Police Clearance!"}, "code", "lower-case letters"),
        ({"code": "temporary-licence"}, "code", "has a rule with this code already"),
        ({"title": "   "}, "title", ""),
        ({"professions": ["astronaut"]}, "professions", ""),
    ],
)
def test_a_bad_rule_is_refused_at_its_field_and_nothing_is_saved(
    client, auth, kenya, audit_entries, change, field, message
):
    auth.login("coordinator")
    before = _rules()
    response = client.post("/coordination/countries/KE", data={**NEW_RULE, **change})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    target = f"{field}-0" if field == "professions" else field  # a group of boxes: its first box
    assert f'href="#{target}"' in text  # the summary links to the field
    assert f'id="{field}-error"' in text  # and the message stands at the field
    assert message in text
    assert _rules() == before
    assert audit_entries("country_rule_added") == []


def test_a_coordinator_edits_a_rule_and_the_pack_no_longer_changes_it(client, auth, kenya, audit_entries):
    coordinator = auth.login("coordinator")
    licence = kenya["temporary-licence"]
    form = client.get(f"/coordination/countries/KE/rules/{licence.id}/edit")
    assert form.status_code == 200 and licence.title in form.get_data(as_text=True)
    data = {
        **NEW_RULE,
        "code": "renamed",
        "kind": "licence",
        "title": "KMPDC temporary licence (host applies)",
    }
    response = client.post(f"/coordination/countries/KE/rules/{licence.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    rule = db.session.get(CountryRule, licence.id)
    assert (rule.code, rule.title, rule.lead_days) == ("temporary-licence", data["title"], 45)
    assert rule.edited_by_id == coordinator.id
    [entry] = audit_entries("country_rule_edited")
    assert entry["details"]["code"] == "temporary-licence" and "lead_days" in entry["details"]["changed"]
    # Loading the (unchanged or changed) pack leaves the edit alone.
    pack = db.session.get(CountryPack, "KE")
    pack.digest = "changed-since"
    db.session.commit()
    report = load_packs(db.session)
    db.session.commit()
    assert report.kept == 1 and "KE" in report.loaded
    assert db.session.get(CountryRule, licence.id).title == data["title"]


def test_a_bad_edit_is_refused_and_nothing_is_saved(client, auth, kenya, audit_entries):
    auth.login("coordinator")
    licence = kenya["temporary-licence"]
    before = _rules()
    response = client.post(
        f"/coordination/countries/KE/rules/{licence.id}/edit", data={**NEW_RULE, "source_url": "ftp://x.org/"}
    )
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _rules() == before and db.session.get(CountryRule, licence.id).edited_at is None
    assert audit_entries("country_rule_edited") == []


def test_a_rule_of_another_country_is_not_found_under_this_one(client, auth, kenya):
    auth.login("coordinator")
    licence = kenya["temporary-licence"]
    assert client.get(f"/coordination/countries/TZ/rules/{licence.id}/edit").status_code == 404
    assert client.post(f"/coordination/countries/TZ/rules/{licence.id}/delete").status_code == 404
    assert db.session.get(CountryRule, licence.id) is not None


def test_a_coordinator_removes_a_rule_audited(client, auth, kenya, audit_entries):
    coordinator = auth.login("coordinator")
    insurance_id = kenya["travel-insurance"].id
    before = len(_rules())
    response = client.post(f"/coordination/countries/KE/rules/{insurance_id}/delete")
    assert response.status_code == 302
    assert db.session.get(CountryRule, insurance_id) is None
    assert len(_rules()) == before - 1
    [entry] = audit_entries("country_rule_removed")
    assert entry["user_id"] == coordinator.id and entry["details"]["code"] == "travel-insurance"
    # Loading the unchanged pack again does not bring it back.
    load_packs(db.session)
    assert "travel-insurance" not in {r.code for r in rules_for(db.session, "KE")}


@pytest.mark.parametrize("role", ["student", "trainee", "org_member"])
def test_non_coordinators_are_refused_and_nothing_changes(client, auth, users, kenya, role):
    auth.login(role)
    licence = kenya["temporary-licence"]
    before = _rules()
    for method, url, data in [
        ("get", "/coordination/countries", None),
        ("get", "/coordination/countries/KE", None),
        ("post", "/coordination/countries/KE", NEW_RULE),
        ("get", f"/coordination/countries/KE/rules/{licence.id}/edit", None),
        ("post", f"/coordination/countries/KE/rules/{licence.id}/edit", NEW_RULE),
        ("post", f"/coordination/countries/KE/rules/{licence.id}/delete", None),
    ]:
        assert getattr(client, method)(url, data=data).status_code == 403, url
    assert _rules() == before


def test_anonymous_visitors_are_sent_to_log_in(client, kenya):
    response = client.get("/coordination/countries/KE")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/coordination/countries/KE", data=NEW_RULE).status_code == 302
    assert db.session.scalar(select(func.count()).where(CountryRule.code == "police-clearance")) == 0


def test_the_opportunity_page_says_what_to_do_before_travelling_there(client, users, kenya):
    opportunity = users.opportunity(country_code="KE", city="Nairobi", host_institution="Kenyatta")
    text = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "Before you travel to Kenya" in text
    for rule in kenya.values():
        assert rule.title in text
    assert 'href="https://kmpdc.go.ke/"' in text
    # A rule for some professions says for whom.
    assert "(for: IR physician (consultant or attending), IR trainee (resident or fellow))" in text
    elsewhere = users.opportunity(country_code="BR")
    assert "Before you travel" not in client.get(f"/opportunities/{elsewhere.id}").get_data(as_text=True)


def test_the_opportunity_page_shows_a_coordinators_edit_at_once(client, auth, users, kenya):
    opportunity = users.opportunity(country_code="KE")
    licence = kenya["temporary-licence"]
    assert licence.title in client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    auth.login("coordinator")
    data = {**NEW_RULE, "kind": "licence", "title": "KMPDC licence, applied for by the host"}
    assert client.post(f"/coordination/countries/KE/rules/{licence.id}/edit", data=data).status_code == 302
    insurance_id = kenya["travel-insurance"].id
    assert client.post(f"/coordination/countries/KE/rules/{insurance_id}/delete").status_code == 302
    auth.logout()
    text = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert "KMPDC licence, applied for by the host" in text
    assert "Temporary licence or registration to practise in Kenya" not in text
    assert "Travel and medical evacuation insurance" not in text
    assert "Police clearance" not in text
