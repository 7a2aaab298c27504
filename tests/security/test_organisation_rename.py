"""Issue 16, low: a verified organisation that renames itself kept its badge under any name.

The new name now waits for a coordinator: the page keeps the verified name (and its opportunities
stay open to applicants), the coordinators are told in their batched email, and approving or
refusing tells the organisation's contacts.
"""

from __future__ import annotations

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Organisation, OutboxMessage
from tests.support.factories import UserFactory


def _edit(client, organisation, name: str):
    return client.post(
        f"/organisations/{organisation.slug}/edit",
        data={"name": name, "description": "We train IR teams.", "website": "", "social_handle": ""},
    )


def _client(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": UserFactory.PASSWORD}).status_code == 302
    )
    return client


def test_a_verified_organisations_new_name_waits_for_a_coordinator(app, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    member = users.create("org_member", organisation=organisation, email="member@road2ir.example.org")
    coordinator = users.create("coordinator")
    contact = _client(app, member)

    response = _edit(contact, organisation, "World Health Organization")
    assert response.status_code == 302
    assert "waits for a coordinator" in contact.get("/organisations/road2ir").get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.name == "Road2IR" and organisation.is_verified
    assert organisation.pending_name == "World Health Organization"
    public = app.test_client().get("/organisations/road2ir").get_data(as_text=True)
    assert "World Health Organization" not in public and "Road2IR" in public

    result = app.test_cli_runner().invoke(args=["notify", "digests"])
    assert result.exit_code == 0, result.output
    (alert,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "organisations_awaiting")
    ).all()
    assert alert.to_address == coordinator.email
    assert "Road2IR wants to be called World Health Organization" in alert.body_text

    staff = _client(app, coordinator)
    assert "World Health Organization" in staff.get("/coordination/organisations").get_data(as_text=True)
    refused = staff.post(f"/coordination/organisations/{organisation.id}/name/refuse", follow_redirects=True)
    assert "Road2IR keeps its name" in refused.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.name == "Road2IR" and organisation.pending_name is None
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "organisation_renamed")
    ).one()
    assert told.to_address == member.email and "keeps its name" in told.subject


def test_an_approved_name_replaces_the_old_one_and_keeps_the_badge(app, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    member = users.create("org_member", organisation=organisation)
    coordinator = users.create("coordinator")
    _edit(_client(app, member), organisation, "Road to IR")
    staff = _client(app, coordinator)
    approved = staff.post(
        f"/coordination/organisations/{organisation.id}/name/approve", follow_redirects=True
    )
    assert "Road2IR is now called Road to IR" in approved.get_data(as_text=True)
    renamed = db.session.get(Organisation, organisation.id)
    db.session.refresh(renamed)
    assert renamed.name == "Road to IR" and renamed.is_verified and renamed.pending_name is None


def test_an_unverified_organisation_renames_itself_at_once(app, users):
    organisation = users.organisation(name="Pending", slug="pending", verified=False)
    member = users.create("org_member", organisation=organisation)
    _edit(_client(app, member), organisation, "Pending hospital")
    db.session.refresh(organisation)
    assert organisation.name == "Pending hospital" and organisation.pending_name is None
