"""Organisation members describe their sites and readiness; visitors see it on the site's page,
the organisation's page and a teaching visit's page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity
from matcher.models.teaching import Site
from tests.support.teaching import make_site


def form_data(**changes):
    data = {
        "name": "Muhimbili National Hospital",
        "city": "Dar es Salaam",
        "country_code": "TZ",
        "description": "The national referral hospital.",
        "written_in": "en",
        "timezone": "Africa/Dar_es_Salaam",
        "instruction_language": "en",
        "local_learners": "6",
        "learner_level": "radiology-residents",
        "assessed_on": "2026-10-01",
        "res_ultrasound": "yes",
        "res_ct": "yes",
        "res_fluoroscopy": "limited",
        "note_fluoroscopy": "Shared with theatre",
        "res_angiography": "no",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member(auth, users):
    organisation = users.organisation(name="Muhimbili partners", slug="muhimbili")
    return auth.login("org_member", organisation=organisation), organisation


def site_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Site))


def test_member_adds_a_site_with_its_readiness(client, member):
    _, organisation = member
    response = client.post("/organisations/muhimbili/sites/new", data=form_data())
    assert response.status_code == 302
    site = db.session.scalars(select(Site)).one()
    assert response.headers["Location"].endswith(f"/organisations/muhimbili/sites/{site.slug}")
    assert site.organisation_id == organisation.id and site.slug == "muhimbili-national-hospital"
    assert site.availability() == {
        "ultrasound": "yes",
        "ct": "yes",
        "fluoroscopy": "limited",
        "angiography": "no",
    }
    assert {r.resource: r.note for r in site.resources}["fluoroscopy"] == "Shared with theatre"
    assert (site.local_learners, site.learner_level, str(site.assessed_on)) == (
        6,
        "radiology-residents",
        "2026-10-01",
    )


def test_the_site_page_shows_readiness_in_words_and_what_it_supports(client, member):
    client.post("/organisations/muhimbili/sites/new", data=form_data())
    client.post("/logout")
    page = client.get("/organisations/muhimbili/sites/muhimbili-national-hospital").get_data(as_text=True)
    assert "Muhimbili National Hospital" in page
    # Each item's availability is written out, not only coloured.
    for words in ("Available", "Limited", "Not available", "Not described", "Shared with theatre"):
        assert words in page
    supported = page.split("Procedures this site can support")[1].split("Not supported yet")[0]
    assert "Image-guided biopsy" in supported and "Post-partum haemorrhage embolisation" not in supported
    assert "Angiography suite (DSA) or C-arm fluoroscopy" in page.split("Not supported yet")[1]


def test_the_organisation_page_lists_its_sites(client, member):
    _, organisation = member
    make_site(db.session, organisation, name="Bugando Medical Centre", slug="bugando")
    client.post("/logout")
    page = client.get("/organisations/muhimbili").get_data(as_text=True)
    assert 'href="/organisations/muhimbili/sites/bugando"' in page


def test_a_teaching_visit_shows_its_sites_readiness(client, users):
    organisation = users.organisation(slug="road2ir")
    site = make_site(
        db.session, organisation, readiness={"angiography": "limited"}, notes={"angiography": "Tuesdays"}
    )
    opportunity = users.opportunity(organisation, type="teaching_visit", site_id=site.id)
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    assert f"Readiness of {site.name}" in page and "Tuesdays" in page and "Limited" in page


def test_member_edits_a_site_and_its_readiness(client, member):
    _, organisation = member
    site = make_site(db.session, organisation, readiness={"ultrasound": "yes", "ct": "no"})
    form = client.get(f"/organisations/muhimbili/sites/{site.slug}/edit").get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*name="(res_\w+)"[^>]*value="(\w+)"', form)
    assert sorted(checked) == [("res_ct", "no"), ("res_ultrasound", "yes")]
    response = client.post(
        f"/organisations/muhimbili/sites/{site.slug}/edit",
        data=form_data(name="Renamed hospital", res_ct="yes", res_angiography=None, res_fluoroscopy=None),
    )
    assert response.status_code == 302
    db.session.refresh(site)
    assert site.name == "Renamed hospital" and site.slug.startswith("teaching-hospital")
    assert site.availability() == {"ultrasound": "yes", "ct": "yes"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Give the site's name."),
        ({"city": ""}, "city", "Name the city."),
        ({"country_code": "XX"}, "country_code", "Choose one of the options in the list."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone from the list."),
        ({"local_learners": "-1"}, "local_learners", "From 0 to 10000."),
        ({"learner_level": "wizards"}, "learner_level", "Choose one of the options in the list."),
        ({"res_ct": "maybe"}, "res_ct", "Choose one of the options in the list."),
        ({"note_ct": "x" * 201}, "note_ct", "Keep it to 200 characters."),
        ({"assessed_on": "yesterday"}, "assessed_on", "Enter a real date"),
    ],
)
def test_bad_site_input_is_refused_at_its_field_and_nothing_is_saved(client, member, changes, field, message):
    response = client.post("/organisations/muhimbili/sites/new", data=form_data(**changes))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in page
    assert f'id="{field}-error"' in page and message in page.split(f'id="{field}-error"')[1][:300]
    assert site_count() == 0


def test_a_member_of_another_organisation_cannot_add_or_edit_sites(client, auth, users):
    organisation = users.organisation(slug="muhimbili")
    site = make_site(db.session, organisation)
    auth.login("org_member")  # a member of some other organisation
    assert client.get("/organisations/muhimbili/sites/new").status_code == 403
    assert client.post("/organisations/muhimbili/sites/new", data=form_data()).status_code == 403
    assert (
        client.post(
            f"/organisations/muhimbili/sites/{site.slug}/edit", data=form_data(name="Mine")
        ).status_code
        == 403
    )
    db.session.refresh(site)
    assert site.name != "Mine" and site_count() == 1


def test_an_unknown_site_is_404_and_an_unverified_organisations_sites_are_hidden(client, users):
    users.organisation(slug="known")
    pending = users.organisation(slug="pending", verified=False)
    make_site(db.session, pending, slug="clinic")
    assert client.get("/organisations/known/sites/nowhere").status_code == 404
    assert client.get("/organisations/pending/sites").status_code == 404
    assert client.get("/organisations/pending/sites/clinic").status_code == 404


def test_the_public_procedures_page_lists_equipment_and_sources(client):
    page = client.get("/procedures").get_data(as_text=True)
    row = page.split("Post-partum haemorrhage embolisation")[1].split("</tr>")[0]
    assert "Catheters and guidewires, Embolic agents and Angiography suite (DSA) or C-arm fluoroscopy" in row
    assert 'href="https://www.who.int/publications/i/item/9789241548502"' in row


def test_a_teaching_visit_names_one_of_the_organisations_sites(client, member, users):
    from tests.web.test_opportunity_editing import form_data as opportunity_form

    _, organisation = member
    ours = make_site(db.session, organisation, name="Muhimbili National Hospital")
    theirs = make_site(db.session, users.organisation(slug="elsewhere"))
    form = client.get("/organisations/muhimbili/opportunities/new").get_data(as_text=True)
    select_box = form.split('id="site_id"')[1].split("</select>")[0]
    assert re.findall(r'<option[^>]*value="(\d*)"', select_box) == ["", str(ours.id)]
    assert "Muhimbili National Hospital, Dar es Salaam" in select_box and theirs.name not in form
    refused = client.post(
        "/organisations/muhimbili/opportunities/new",
        data=opportunity_form(type="teaching_visit", site_id=str(theirs.id)),
    )
    assert refused.status_code == 422 and 'id="site_id-error"' in refused.get_data(as_text=True)
    elective = client.post(
        "/organisations/muhimbili/opportunities/new", data=opportunity_form(site_id=str(ours.id))
    )
    assert "Only a teaching visit takes place at one of your sites." in elective.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0
    saved = client.post(
        "/organisations/muhimbili/opportunities/new",
        data=opportunity_form(type="teaching_visit", site_id=str(ours.id)),
    )
    assert saved.status_code == 302
    assert db.session.scalars(select(Opportunity)).one().site_id == ours.id
