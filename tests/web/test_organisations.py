"""Directory, organisation pages, editing, invitations and coordinator verification."""

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Country, Membership, Organisation, OutboxMessage, User


def last_mail(template: str) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id.desc())
    ).first()


def link_in(message: OutboxMessage) -> str:
    return re.search(r"http://matcher\.test(/\S+)", message.body_text).group(1)


def test_directory_lists_verified_organisations_with_their_countries(client, users):
    road2ir = users.organisation(name="Road2IR", slug="road2ir", description="IR training in East Africa.")
    road2ir.countries = [db.session.get(Country, "TZ"), db.session.get(Country, "KE")]
    db.session.commit()
    users.organisation(name="Hidden Org", slug="hidden", verified=False)
    page = client.get("/organisations").get_data(as_text=True)
    assert "Road2IR" in page and "Works in Kenya, Tanzania" in page and "verified" in page
    assert "Hidden Org" not in page


def test_organisation_page_shows_published_opportunities_only(client, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    users.opportunity(org, title="Open elective")
    users.opportunity(org, title="Hidden draft", status="draft")
    page = client.get("/organisations/road2ir").get_data(as_text=True)
    assert "Open elective" in page and "Hidden draft" not in page


def test_unverified_organisation_is_visible_to_its_members_only(client, auth, users):
    org = users.organisation(name="New Org", slug="new-org", verified=False)
    assert client.get("/organisations/new-org").status_code == 404
    auth.login("org_member", organisation=org)
    assert "waiting for verification" in client.get("/organisations/new-org").get_data(as_text=True)


def test_contact_edits_only_their_own_organisation(client, auth, users):
    mine = users.organisation(name="Mine", slug="mine")
    users.organisation(name="Theirs", slug="theirs")
    auth.login("org_member", organisation=mine)
    data = {
        "name": "Mine, renamed",
        "description": "We teach.",
        "website": "https://mine.example",
        "country_code": "TZ",
        "countries": ["TZ", "UG"],
    }
    assert client.post("/organisations/mine/edit", data=data).status_code == 302
    saved = db.session.get(Organisation, mine.id)
    # Verified: the new name waits for a coordinator (issue 16); the rest is saved at once.
    assert saved.name == "Mine" and saved.pending_name == "Mine, renamed"
    assert saved.description == "We teach." and [c.iso2 for c in saved.countries] == ["TZ", "UG"]
    assert client.get("/organisations/theirs/edit").status_code == 403
    assert client.post("/organisations/theirs/edit", data=data).status_code == 403


def test_website_must_be_a_web_address(client, auth, users):
    mine = users.organisation(name="Mine", slug="mine")
    auth.login("org_member", organisation=mine)
    response = client.post(
        "/organisations/mine/edit", data={"name": "Mine", "website": "javascript:alert(1)"}
    )
    assert response.status_code == 422 and 'id="website-error"' in response.get_data(as_text=True)
    assert db.session.get(Organisation, mine.id).website is None


def test_invitation_link_creates_a_colleague_account_and_works_once(app, client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    auth.login("org_member", organisation=org)
    client.post("/organisations/road2ir/invite", data={"email": "Colleague@Example.org"})
    mail = last_mail("organisation_invite")
    assert mail.to_address == "colleague@example.org"
    path = link_in(mail)
    auth.logout()

    newcomer = app.test_client()
    assert "This invitation is for <strong>colleague@example.org</strong>" in newcomer.get(path).get_data(
        as_text=True
    )
    response = newcomer.post(
        path, data={"name": "Col League", "password": "a long passphrase", "confirm": "a long passphrase"}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "colleague@example.org"))
    assert user.role == "org_member" and user.is_verified
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.organisation_id == org.id and membership.is_approved
    assert newcomer.get("/organisations/road2ir/edit").status_code == 200
    again = app.test_client().get(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_invitation_for_another_address_is_refused(app, client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    auth.login("org_member", organisation=org)
    client.post("/organisations/road2ir/invite", data={"email": "colleague@example.org"})
    path = link_in(last_mail("organisation_invite"))
    auth.logout()
    auth.login("org_member", email="someone.else@example.org")
    response = client.post(path)
    assert "This invitation is for colleague@example.org" in response.get_data(as_text=True)


def test_coordinator_verifies_an_organisation_and_the_contact_is_told(client, auth, users):
    org = users.organisation(name="Hôpital Test", slug="hopital-test", verified=False)
    contact = users.create(role="org_member", organisation=org, email="contact@hopital.example")
    coordinator = auth.login("coordinator")
    page = client.get("/coordination/organisations").get_data(as_text=True)
    assert "Hôpital Test" in page and "contact@hopital.example" in page
    client.post(f"/coordination/organisations/{org.id}/verify")
    saved = db.session.get(Organisation, org.id)
    assert saved.is_verified and saved.verified_by_id == coordinator.id
    mail = last_mail("organisation_verified")
    assert mail.to_address == contact.email and "/organisations/hopital-test" in mail.body_text


def test_coordinator_rejects_with_a_reason_that_is_emailed(client, auth, users):
    org = users.organisation(name="Vague Org", slug="vague", verified=False)
    users.create(role="org_member", organisation=org, email="vague@example.org")
    auth.login("coordinator")
    response = client.post(
        f"/coordination/organisations/{org.id}/reject", data={"reason": " "}, follow_redirects=True
    )
    assert "Say why" in response.get_data(as_text=True) and last_mail("organisation_rejected") is None
    client.post(f"/coordination/organisations/{org.id}/reject", data={"reason": "Please add your website."})
    saved = db.session.get(Organisation, org.id)
    assert saved.rejected_at is not None and not saved.is_verified
    mail = last_mail("organisation_rejected")
    assert mail.to_address == "vague@example.org" and "Please add your website." in mail.body_text
    assert "/organisations/vague" not in client.get("/coordination/organisations").get_data(as_text=True)


def test_coordinator_approves_a_claim_on_an_existing_organisation(client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    claimant = users.create(
        role="org_member", email="claimant@example.org", organisation=users.organisation()
    )
    claim = Membership(user=claimant, organisation=org, role="member")
    db.session.add(claim)
    db.session.commit()
    auth.login("coordinator")
    assert "claimant@example.org" in client.get("/coordination/organisations").get_data(as_text=True)
    client.post(f"/coordination/claims/{claim.id}/approve")
    assert db.session.get(Membership, claim.id).is_approved


def test_only_coordinators_verify(client, auth, users):
    org = users.organisation(name="Pending", slug="pending", verified=False)
    auth.login("org_member", organisation=org)
    assert client.post(f"/coordination/organisations/{org.id}/verify").status_code == 403
    assert client.get("/coordination/organisations").status_code == 403
    assert not db.session.get(Organisation, org.id).is_verified


def test_an_invitation_address_with_pasted_spaces_is_accepted(auth, client, users):
    organisation = users.organisation()
    auth.login_as(users.create("org_member", organisation=organisation))
    page = client.post(
        f"/organisations/{organisation.slug}/invite",
        data={"email": "  colleague@example.org "},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "We emailed an invitation to colleague@example.org." in page


def test_a_refused_reason_comes_back_at_its_organisation_with_the_text_kept(client, auth, users):
    org = users.organisation(name="Wordy Org", slug="wordy", verified=False)
    users.create(role="org_member", organisation=org, email="wordy@example.org")
    auth.login("coordinator")
    typed = "Please add your website. " * 81  # over 2000 characters
    response = client.post(f"/coordination/organisations/{org.id}/reject", data={"reason": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<title>Error: Verify organisations" in page
    assert f'<a href="#reason-{org.id}">' in page and f'id="reason-{org.id}-error"' in page
    assert typed.strip() in page  # nothing typed is lost
    assert (
        db.session.get(Organisation, org.id).rejected_at is None
        and last_mail("organisation_rejected") is None
    )
