"""Hosts ask for teaching at their sites: the form, the equipment rule, publishing, who sees what."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models.teaching import TeachingRequest
from tests.support.teaching import make_request, make_site

NO_ANGIO = {
    "ultrasound": "yes",
    "ct": "yes",
    "fluoroscopy": "yes",
    "catheters_wires": "yes",
    "drains": "yes",
    "embolic_agents": "yes",
}


def form_data(site, **changes):
    data = {
        "site_id": str(site.id),
        "mode": "on_site",
        "title": "Drainage teaching for residents",
        "details": "Two weeks of drainage lists.",
        "written_in": "en",
        "procedures": ["abscess-drainage", "nephrostomy"],
        "learners": "8",
        "learner_level": "radiology-residents",
        "months": ["3", "9"],
        "year": "2027",
        "instruction_language": "en",
        "weeks": "2",
        "role_min_ir_physician": "1",
        "role_max_ir_physician": "1",
        "role_min_ir_trainee": "1",
        "role_max_ir_trainee": "2",
        "role_min_ir_nurse": "0",
        "role_max_ir_nurse": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def host(auth, users):
    organisation = users.organisation(name="Muhimbili partners", slug="muhimbili")
    member = auth.login("org_member", organisation=organisation)
    site = make_site(db.session, organisation, readiness=NO_ANGIO, slug="national")
    return member, organisation, site


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(TeachingRequest))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_host_saves_an_on_site_request_as_a_draft(client, host):
    member, _, site = host
    response = client.post("/organisations/muhimbili/teaching-requests/new", data=form_data(site))
    assert response.status_code == 302
    request = db.session.scalars(select(TeachingRequest)).one()
    assert response.headers["Location"].endswith(f"/teaching-requests/{request.id}")
    assert (request.status, request.site_id, request.weeks, request.months, request.year) == (
        "draft",
        site.id,
        2,
        [3, 9],
        2027,
    )
    assert [p.code for p in request.procedures] == ["abscess-drainage", "nephrostomy"]
    assert {(r.profession_code, r.minimum, r.maximum) for r in request.roles} == {
        ("ir-physician", 1, 1),
        ("ir-trainee", 1, 2),
        ("ir-nurse", 0, 1),
    }
    assert request.created_by_id == member.id


def test_the_form_says_which_procedures_the_site_supports(client, host):
    page = text(client.get("/organisations/muhimbili/teaching-requests/new?site=national"))
    pph = page.split("Post-partum haemorrhage embolisation</label>")[1].split("</li>")[0]
    assert "not supported: needs Angiography suite (DSA) or C-arm fluoroscopy" in pph
    biopsy = page.split("Image-guided biopsy</label>")[1].split("</li>")[0]
    assert "supported" in biopsy and "not supported" not in biopsy
    # The language of instruction starts as the site's; the hours are in its zone.
    assert "Africa/Dar_es_Salaam" in page


def test_equipment_rule_refuses_pph_embolisation_without_angiography(client, host):
    _, _, site = host
    response = client.post(
        "/organisations/muhimbili/teaching-requests/new",
        data=form_data(site, procedures=["pph-embolisation", "abscess-drainage"]),
    )
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page
    at_field = page.split('id="procedures-error"')[1][:400]
    assert "Post-partum haemorrhage embolisation cannot be taught at this site" in at_field
    assert "Angiography suite (DSA) or C-arm fluoroscopy" in at_field
    assert count() == 0


def test_a_limited_c_arm_is_enough_and_is_shown_as_limited(client, host, users):
    _, organisation, _ = host
    site = make_site(db.session, organisation, readiness={**NO_ANGIO, "c_arm": "limited"}, slug="regional")
    form = text(client.get("/organisations/muhimbili/teaching-requests/new?site=regional"))
    pph = form.split("Post-partum haemorrhage embolisation</label>")[1].split("</li>")[0]
    assert "supported, limited: C-arm fluoroscopy" in pph
    response = client.post(
        "/organisations/muhimbili/teaching-requests/new",
        data=form_data(site, procedures=["pph-embolisation"]),
    )
    assert response.status_code == 302
    assert [p.code for p in db.session.scalars(select(TeachingRequest)).one().procedures] == [
        "pph-embolisation"
    ]


def test_a_remote_case_review_series_needs_no_equipment_and_states_its_hours(client, host):
    _, _, site = host
    remote = form_data(
        site,
        mode="remote",
        procedures=["pph-embolisation"],
        weeks="",
        remote_format="case_review",
        remote_from="14:00",
        remote_until="16:30",
        hours_per_month="4",
    )
    response = client.post("/organisations/muhimbili/teaching-requests/new", data=remote)
    assert response.status_code == 302
    request = db.session.scalars(select(TeachingRequest)).one()
    assert (request.mode, request.weeks, request.roles, str(request.remote_from)) == (
        "remote",
        None,
        [],
        "14:00:00",
    )
    page = text(client.get(f"/teaching-requests/{request.id}"))
    assert "14:00 to 16:30, Africa/Dar_es_Salaam time" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the request a title."),
        ({"procedures": None}, "procedures", "Choose at least one procedure or subject."),
        ({"learners": "0"}, "learners", "From 1 to 1000."),
        ({"learners": "many"}, "learners", "Enter a whole number"),
        ({"weeks": ""}, "weeks", "Give the length of a visit, from 1 to 26 weeks."),
        ({"weeks": "30"}, "weeks", "From 1 to 26 weeks."),
        ({"months": ["13"]}, "months", "Choose"),
        ({"year": "1999"}, "year", "A year such as 2027."),
        ({"role_min_ir_trainee": "3"}, "role_max_ir_trainee", "The minimum must not be above the maximum."),
        (
            {
                "role_max_ir_physician": "0",
                "role_min_ir_physician": "0",
                "role_max_ir_trainee": "0",
                "role_min_ir_trainee": "0",
                "role_max_ir_nurse": "0",
            },
            "role_max_ir_trainee",  # the first row: professions in their reference order
            "Ask for at least one person",
        ),
        ({"role_max_ir_nurse": "21"}, "role_max_ir_nurse", "From 0 to 20."),
        ({"mode": "remote", "remote_format": ""}, "remote_format", "Choose a format"),
        (
            {
                "mode": "remote",
                "remote_format": "mentorship",
                "remote_from": "09:00",
                "remote_until": "08:00",
            },
            "remote_until",
            "The latest time must be after the earliest.",
        ),
        (
            {
                "mode": "remote",
                "remote_format": "lecture_series",
                "remote_from": "09:00",
                "remote_until": "11:00",
                "hours_per_month": "",
            },
            "hours_per_month",
            "Give the hours a month",
        ),
        ({"site_id": "999999"}, "site_id", "Choose"),
    ],
)
def test_bad_request_input_is_refused_at_its_field_and_nothing_is_saved(
    client, host, changes, field, message
):
    _, _, site = host
    response = client.post("/organisations/muhimbili/teaching-requests/new", data=form_data(site, **changes))
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page
    assert f'id="{field}-error"' in page, field
    assert message in page.split(f'id="{field}-error"')[1][:300]
    assert count() == 0


def test_host_edits_publishes_and_closes_a_request(client, host):
    _, _, site = host
    request = make_request(db.session, site, procedures=("abscess-drainage",))
    form = text(client.get(f"/organisations/muhimbili/teaching-requests/{request.id}/edit"))
    checked = re.findall(r'<input checked[^>]*name="procedures"[^>]*value="([\w-]+)"', form)
    assert checked == ["abscess-drainage"]
    response = client.post(
        f"/organisations/muhimbili/teaching-requests/{request.id}/edit",
        data=form_data(site, title="New title"),
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.title == "New title" and request.status == "draft"
    client.post(f"/organisations/muhimbili/teaching-requests/{request.id}/publish")
    db.session.refresh(request)
    assert request.status == "open"
    client.post(f"/organisations/muhimbili/teaching-requests/{request.id}/close")
    db.session.refresh(request)
    assert request.status == "closed"
    listing = text(client.get("/organisations/muhimbili/teaching-requests"))
    assert "New title" in listing and "closed" in listing


def test_only_open_requests_are_public(client, host, auth):
    _, _, site = host
    draft = make_request(db.session, site, title="Draft request")
    open_one = make_request(db.session, site, title="Open request", status="open")
    closed = make_request(db.session, site, title="Closed request", status="closed")
    assert client.get(f"/teaching-requests/{draft.id}").status_code == 200  # the host's member
    client.post("/logout")
    assert client.get(f"/teaching-requests/{draft.id}").status_code == 404
    assert client.get(f"/teaching-requests/{closed.id}").status_code == 404
    page = text(client.get(f"/teaching-requests/{open_one.id}"))
    assert "Open request" in page and "Readiness of" in page and "IR trainee" in page
    site_page = text(client.get(f"/organisations/muhimbili/sites/{site.slug}"))
    assert "Open request" in site_page and "Draft request" not in site_page
    auth.login("coordinator")
    assert client.get(f"/teaching-requests/{draft.id}").status_code == 200


def test_a_member_of_another_organisation_cannot_touch_the_requests(client, users, auth):
    organisation = users.organisation(slug="muhimbili")
    site = make_site(db.session, organisation)
    request = make_request(db.session, site, title="Theirs")
    auth.login("org_member")
    assert client.get("/organisations/muhimbili/teaching-requests").status_code == 403
    assert client.get("/organisations/muhimbili/teaching-requests/new").status_code == 403
    edit = f"/organisations/muhimbili/teaching-requests/{request.id}/edit"
    assert client.post(edit, data=form_data(site, title="Mine")).status_code == 403
    assert client.post(f"/organisations/muhimbili/teaching-requests/{request.id}/publish").status_code == 403
    assert client.get(f"/teaching-requests/{request.id}").status_code == 404
    db.session.refresh(request)
    assert (request.title, request.status) == ("Theirs", "draft")


def test_a_request_is_only_reached_through_its_own_organisation(client, host, users):
    other = users.organisation(slug="elsewhere")
    theirs = make_request(db.session, make_site(db.session, other))
    assert client.get(f"/organisations/muhimbili/teaching-requests/{theirs.id}/edit").status_code == 404
    assert client.post(f"/organisations/muhimbili/teaching-requests/{theirs.id}/publish").status_code == 404


def test_a_request_needs_a_site_first(client, auth, users):
    users.organisation(slug="newcomer")
    organisation = users.organisation(slug="siteless")
    auth.login("org_member", organisation=organisation)
    response = client.get("/organisations/siteless/teaching-requests/new")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/organisations/siteless/sites/new"
    )


def test_editing_a_request_keeps_a_procedure_retired_since_but_a_new_request_cannot_name_it(client, host):
    _, _, site = host
    request = make_request(db.session, site, procedures=("abscess-drainage", "nephrostomy"))
    nephrostomy = next(p for p in request.procedures if p.code == "nephrostomy")
    nephrostomy.retired_at = utcnow()
    db.session.commit()
    form = text(client.get(f"/organisations/muhimbili/teaching-requests/{request.id}/edit"))
    checked = re.findall(r'<input checked[^>]*name="procedures"[^>]*value="([\w-]+)"', form)
    assert checked == ["abscess-drainage", "nephrostomy"]
    response = client.post(
        f"/organisations/muhimbili/teaching-requests/{request.id}/edit", data=form_data(site, title="Kept")
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.title == "Kept"
    assert sorted(p.code for p in request.procedures) == ["abscess-drainage", "nephrostomy"]
    # A new request is offered only the procedures still in the list, and cannot post a retired one.
    new_form = text(client.get("/organisations/muhimbili/teaching-requests/new"))
    assert 'value="nephrostomy"' not in new_form
    before = count()
    refused = client.post("/organisations/muhimbili/teaching-requests/new", data=form_data(site))
    assert refused.status_code == 422 and count() == before
