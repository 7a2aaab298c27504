"""Issue 16, "Unconfirmed accounts": an address nobody has confirmed reaches no coordinator and sees
nobody's CV or profile.

Anyone can sign up with an address that is not theirs. Before the fix such an account could claim
an existing organisation, coordinators could not tell, and once approved it downloaded applicants'
CVs; an organisation sign-up emailed every coordinator at once.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Membership, OutboxMessage, User
from tests.security.world import _store_cv
from tests.support.factories import UserFactory

PASSWORD = "a long passphrase for sign-up"


def _sign_up(client, email: str, organisation: str):
    return client.post(
        "/signup",
        data={
            "role": "org_member",
            "name": "Someone Else",
            "email": email,
            "organisation_name": organisation,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )


def _mail(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)))


def _confirm(client, email: str) -> None:
    (verify,) = [m for m in _mail("verify_email") if m.to_address == email]
    link = re.search(r"https?://\S+/verify/\S+", verify.body_text).group(0)
    assert client.get(link.split("matcher.test", 1)[1]).status_code == 302
    assert db.session.scalar(select(User).where(User.email == email)).is_verified


def _notify(app) -> str:
    result = app.test_cli_runner().invoke(args=["notify", "digests"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_organisation_sign_up_reaches_coordinators_only_once_its_address_is_confirmed(
    app, client, users, auth
):
    coordinator = users.create(role="coordinator", email="coord@example.org")
    assert _sign_up(client, "not-mine@example.org", "Lake Victoria IR").status_code == 302
    assert _mail("organisations_awaiting") == [] and _mail("organisation_awaiting") == []
    _notify(app)
    assert _mail("organisations_awaiting") == []  # the cron run tells nobody yet

    staff = app.test_client()
    staff.post("/login", data={"email": coordinator.email, "password": UserFactory.PASSWORD})
    assert "Lake Victoria IR" not in staff.get("/coordination/organisations").get_data(as_text=True)
    assert "1 organisation" not in staff.get("/dashboard").get_data(as_text=True)

    _confirm(client, "not-mine@example.org")
    assert "Lake Victoria IR" in staff.get("/coordination/organisations").get_data(as_text=True)
    _notify(app)
    (alert,) = _mail("organisations_awaiting")
    assert alert.to_address == coordinator.email and "Lake Victoria IR" in alert.body_text


def test_a_claim_by_an_unconfirmed_address_is_hidden_and_cannot_be_approved(app, client, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    coordinator = users.create(role="coordinator")
    assert _sign_up(client, "impostor@example.org", "Road2IR").status_code == 302
    claim = db.session.scalar(select(Membership).where(Membership.organisation_id == organisation.id))
    assert claim is not None and not claim.is_approved

    staff = app.test_client()
    staff.post("/login", data={"email": coordinator.email, "password": UserFactory.PASSWORD})
    page = staff.get("/coordination/organisations").get_data(as_text=True)
    assert "impostor@example.org" not in page and "No claim is waiting." in page
    # A forged decision on the hidden claim is refused, with the reason.
    refused = staff.post(f"/coordination/claims/{claim.id}/approve", follow_redirects=True)
    assert "has not confirmed the address yet" in refused.get_data(as_text=True)
    db.session.refresh(claim)
    assert not claim.is_approved

    _confirm(client, "impostor@example.org")
    page = staff.get("/coordination/organisations").get_data(as_text=True)
    assert "impostor@example.org" in page and "Email confirmed" in page
    _notify(app)
    (alert,) = _mail("organisations_awaiting")
    assert "<impostor@example.org> for Road2IR" in alert.body_text


def test_an_unconfirmed_member_sees_no_applicant_profile_or_cv(app, users, tmp_path):
    organisation = users.organisation(name="Host organisation")
    member = users.create(role="org_member", organisation=organisation, verified=False)
    applicant = users.create(role="student", name="Private Applicant")
    profile = users.profile(applicant)
    _store_cv({}, profile, "private-cv.pdf")
    opportunity = users.opportunity(organisation)
    users.application(applicant, opportunity)
    db.session.commit()

    browser = app.test_client()
    assert (
        browser.post("/login", data={"email": member.email, "password": UserFactory.PASSWORD}).status_code
        == 302
    )
    pages = {
        "applicants": f"/opportunities/{opportunity.id}/applicants",
        "profile": f"/profiles/{applicant.id}",
        "cv": f"/profiles/{applicant.id}/cv",
    }
    for name, path in pages.items():
        response = browser.get(path)
        body = response.get_data(as_text=True) if name != "cv" else response.get_data(as_text=True)[:2000]
        assert response.status_code == 403, (name, response.status_code)
        assert "Private Applicant" not in body and "%PDF" not in body, name
        assert "Confirm your email address" in body, name

    member.email_verified_at = db.func.now()
    db.session.commit()
    for name, path in pages.items():
        assert browser.get(path).status_code == 200, name
