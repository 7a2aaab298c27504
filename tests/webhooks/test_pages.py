"""The webhook pages: a member adds one (the secret shown once), sees its log, pings, removes it;
bad input is refused at its field with nothing saved."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from matcher.services.webhooks import delivery
from tests.support.jobs import queued_tasks


def endpoint_count() -> int:
    return db.session.scalar(select(func.count()).select_from(WebhookEndpoint))


@pytest.fixture
def signed_in(auth, member):
    return auth.login_as(member)


def test_a_member_adds_a_webhook_and_sees_its_secret_once(client, signed_in, organisation, receiver):
    assert "/organisations/road2ir/webhooks" in client.get("/organisations/road2ir").get_data(as_text=True)
    page = client.get("/organisations/road2ir/webhooks")
    assert page.status_code == 200 and "No webhooks yet." in page.get_data(as_text=True)

    added = client.post(
        "/organisations/road2ir/webhooks",
        data={"url": receiver.url, "events": ["application.created", "match.accepted"]},
    )
    assert added.status_code == 200
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    text = added.get_data(as_text=True)
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in text
    assert "no-store" in added.headers["Cache-Control"]  # no cache keeps the secret
    with client.session_transaction() as cookie_session:
        assert endpoint.secret not in repr(dict(cookie_session))  # never in a flash: a cookie
    assert endpoint.organisation_id == organisation.id and endpoint.event_names == [
        "application.created",
        "match.accepted",
    ]
    assert endpoint.secret not in client.get("/organisations/road2ir/webhooks").get_data(as_text=True)
    shown = client.get(f"/organisations/road2ir/webhooks/{endpoint.id}")
    assert shown.status_code == 200
    assert endpoint.secret not in shown.get_data(as_text=True) and "Nothing sent yet." in shown.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "", "events": ["match.accepted"]}, "url", "Enter the address that receives the events."),
        ({"url": "http://93.184.216.34/x", "events": ["match.accepted"]}, "url", "must start with https://"),
        ({"url": "https://10.0.0.1/x", "events": ["match.accepted"]}, "url", "private network"),
        ({"url": "javascript:alert(1)", "events": ["match.accepted"]}, "url", "Enter a full web address"),
        ({"url": "https://93.184.216.34/x"}, "events", "Choose at least one event."),
        ({"url": "https://93.184.216.34/x", "events": ["ping"]}, "events", ""),
        ({"url": "https://93.184.216.34/x", "events": ["nonsense"]}, "events", ""),
        ({"url": "https://" + "a" * 600 + ".org/", "events": ["match.accepted"]}, "url", ""),
    ],
)
def test_bad_input_is_refused_at_its_field_with_nothing_saved(client, signed_in, data, field, message):
    response = client.post("/organisations/road2ir/webhooks", data=data)
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert 'class="error-summary' in text or "error-summary" in text
    assert f'id="{field}-error"' in text
    assert message in text
    assert endpoint_count() == 0


def test_ping_then_the_log_shows_the_try(app, client, signed_in, member, organisation, receiver):
    client.post("/organisations/road2ir/webhooks", data={"url": receiver.url, "events": ["match.accepted"]})
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    pinged = client.post(f"/organisations/road2ir/webhooks/{endpoint.id}/ping")
    assert pinged.status_code == 302
    assert ("deliver_webhooks", ()) in queued_tasks(app)
    assert db.session.scalars(select(WebhookDelivery)).one().event == "ping"
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        delivery.deliver_due(db.session)
    (got,) = receiver.received
    assert got.headers["Matcher-Webhook-Event"] == "ping"
    page = client.get(f"/organisations/road2ir/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "HTTP 200" in page and "Test" in page
    assert db.session.scalar(select(func.count()).select_from(WebhookAttempt)) == 1


def test_removing_a_webhook_removes_its_log_too(app, client, signed_in, receiver):
    client.post("/organisations/road2ir/webhooks", data={"url": receiver.url, "events": ["match.accepted"]})
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    endpoint_id = endpoint.id
    client.post(f"/organisations/road2ir/webhooks/{endpoint_id}/ping")
    removed = client.post(f"/organisations/road2ir/webhooks/{endpoint_id}/delete")
    assert removed.status_code == 302 and removed.headers["Location"].endswith(
        "/organisations/road2ir/webhooks"
    )
    assert endpoint_count() == 0
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert client.get(f"/organisations/road2ir/webhooks/{endpoint_id}").status_code == 404


def test_another_organisations_member_cannot_see_or_touch_it(
    client, auth, users, member, organisation, receiver
):
    from matcher.services.webhooks import endpoints

    endpoint = endpoints.register(db.session, member, organisation, receiver.url, ["match.accepted"]).endpoint
    db.session.commit()
    other = users.organisation(name="RAD-AID", slug="rad-aid")
    auth.login("org_member", organisation=other)
    assert client.get(f"/organisations/road2ir/webhooks/{endpoint.id}").status_code == 403
    assert client.post(f"/organisations/road2ir/webhooks/{endpoint.id}/delete").status_code == 403
    # Through their own organisation's address, another's webhook does not exist.
    assert client.get(f"/organisations/rad-aid/webhooks/{endpoint.id}").status_code == 404
    assert client.post(f"/organisations/rad-aid/webhooks/{endpoint.id}/ping").status_code == 404
    assert endpoint_count() == 1
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
