"""The trip pages: who sees a trip, each status change allowed or refused by role, the review and
contacts forms' bad input (message at the field, nothing saved), clearance as the traveller sees it."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.models.departure import ItemOwner, ItemStatus, Trip, TripDocument, TripItem
from tests.departure.checklist_data import offered_member
from tests.support.trips import item, make_trip


@pytest.fixture
def trip(users) -> Trip:
    """A licence needing proof (with none uploaded), an optional note, and the host's letter."""
    starts = date.today() + timedelta(days=60)
    opportunity = users.opportunity(country_code="KE", starts_on=starts, ends_on=starts + timedelta(days=27))
    return make_trip(
        users,
        opportunity=opportunity,
        items=[
            item("country:licence", starts - timedelta(days=30), title="KMPDC temporary licence"),
            item("country:insurance", starts - timedelta(days=14), mandatory=False, needs_proof=False),
            item("host:letter", starts - timedelta(days=45), owner=ItemOwner.HOST, needs_proof=False),
        ],
    )


def _item(trip: Trip, code: str) -> TripItem:
    db.session.expire_all()
    return db.session.scalar(select(TripItem).where(TripItem.trip_id == trip.id, TripItem.code == code))


def _statuses(trip: Trip) -> dict[str, str]:
    db.session.expire_all()
    return {i.code: i.status for i in db.session.scalars(select(TripItem).where(TripItem.trip_id == trip.id))}


def _host(users, trip: Trip):
    return users.create("org_member", organisation=trip.opportunity.organisation)


def _audited(caplog, action: str) -> list[dict]:
    found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "matcher.audit"]
    return [e for e in found if e["action"] == action]


# -- seeing a trip --------------------------------------------------------------------------------


def test_the_traveller_the_host_and_coordinators_see_the_trip_others_get_404(client, auth, users, trip):
    auth.login_as(trip.user)
    page = client.get(f"/trips/{trip.id}").get_data(as_text=True)
    assert "KMPDC temporary licence" in page and "You do this." in page
    assert "Check this item" not in page  # the traveller does not review
    auth.logout()
    for viewer in (_host(users, trip), users.create("coordinator")):
        auth.login_as(viewer)
        page = client.get(f"/trips/{trip.id}").get_data(as_text=True)
        assert trip.user.name in page and "The traveller does this." in page and "Check this item" in page
        auth.logout()
    for stranger in (users.create("org_member"), users.create("student")):
        auth.login_as(stranger)
        assert client.get(f"/trips/{trip.id}").status_code == 404
        assert client.get(f"/trips/{trip.id}/contacts").status_code == 404
        auth.logout()
    assert client.get(f"/trips/{trip.id}").status_code == 302  # anonymous: to the login page


def test_my_trips_lists_the_travellers_own_trips_only(client, auth, users, trip):
    other = make_trip(users)
    auth.login_as(trip.user)
    page = client.get("/trips").get_data(as_text=True)
    assert trip.opportunity.title in page and other.opportunity.title not in page
    assert "0 of 2 required items done." in page
    auth.logout()
    auth.login("org_member")
    assert client.get("/trips").status_code == 403


# -- status changes by role ---------------------------------------------------------------------


def test_the_traveller_submits_only_with_proof_and_only_their_own_items(client, auth, users, trip, caplog):
    caplog.set_level(logging.INFO, logger="matcher.audit")
    licence, letter = _item(trip, "country:licence"), _item(trip, "host:letter")
    auth.login_as(trip.user)
    response = client.post(f"/trips/{trip.id}/items/{licence.id}/submit", follow_redirects=True)
    assert "Upload your proof first" in response.get_data(as_text=True)
    assert _item(trip, "country:licence").status == ItemStatus.TO_DO
    assert client.post(f"/trips/{trip.id}/items/{letter.id}/submit").status_code == 403
    assert _item(trip, "host:letter").status == ItemStatus.TO_DO

    db.session.add(
        TripDocument(
            item_id=licence.id,
            trip_id=trip.id,
            stored_name="a" * 32,
            filename="licence.pdf",
            content_type="application/pdf",
            size=10,
        )
    )
    db.session.commit()
    before = _statuses(trip)
    assert client.post(f"/trips/{trip.id}/items/{licence.id}/submit").status_code == 302
    assert _statuses(trip) == {**before, "country:licence": ItemStatus.SUBMITTED}
    assert _item(trip, "country:licence").submitted_at is not None
    (entry,) = _audited(caplog, "trip_item_submitted")
    assert entry["details"]["item_id"] == licence.id and entry["user_id"] == trip.user_id


def test_the_traveller_cannot_verify(client, auth, trip):
    licence = _item(trip, "country:licence")
    auth.login_as(trip.user)
    response = client.post(f"/trips/{trip.id}/items/{licence.id}/review", data={"decision": "verify"})
    assert response.status_code == 403
    assert _item(trip, "country:licence").status == ItemStatus.TO_DO


def test_a_host_member_of_another_organisation_gets_404(client, auth, users, trip):
    licence = _item(trip, "country:licence")
    auth.login("org_member")
    response = client.post(f"/trips/{trip.id}/items/{licence.id}/review", data={"decision": "verify"})
    assert response.status_code == 404
    assert _item(trip, "country:licence").status == ItemStatus.TO_DO


def test_an_item_of_another_trip_is_404(client, auth, users, trip):
    other = make_trip(users, opportunity=trip.opportunity)
    foreign = other.items[0]
    auth.login_as(_host(users, trip))
    response = client.post(f"/trips/{trip.id}/items/{foreign.id}/review", data={"decision": "verify"})
    assert response.status_code == 404
    assert _item(other, foreign.code).status == ItemStatus.TO_DO


def test_the_host_verifies_and_the_trip_clears_then_sending_back_reopens_it(
    client, auth, users, trip, caplog
):
    caplog.set_level(logging.INFO, logger="matcher.audit")
    host = auth.login_as(_host(users, trip))
    for code in ("country:licence", "host:letter"):
        target = _item(trip, code)
        response = client.post(f"/trips/{trip.id}/items/{target.id}/review", data={"decision": "verify"})
        assert response.status_code == 302
    assert _statuses(trip) == {
        "country:licence": ItemStatus.VERIFIED,
        "country:insurance": ItemStatus.TO_DO,  # optional: does not hold the trip back
        "host:letter": ItemStatus.VERIFIED,
    }
    assert db.session.get(Trip, trip.id).cleared_at is not None
    assert "cleared to travel" in client.get(f"/trips/{trip.id}").get_data(as_text=True)
    assert [e["details"]["code"] for e in _audited(caplog, "trip_item_verify")] == [
        "country:licence",
        "host:letter",
    ]
    assert _item(trip, "host:letter").reviewed_by_id == host.id

    licence = _item(trip, "country:licence")
    response = client.post(
        f"/trips/{trip.id}/items/{licence.id}/review",
        data={"decision": "send_back", "note": "The licence has expired."},
    )
    assert response.status_code == 302
    assert _item(trip, "country:licence").status == ItemStatus.TO_DO
    assert _item(trip, "country:licence").note == "The licence has expired."
    assert db.session.get(Trip, trip.id).cleared_at is None
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "trip_item_sent_back")
    ).all()
    assert [m.to_address for m in mail] == [trip.user.email]
    assert "The licence has expired." in mail[0].body_text and f"/trips/{trip.id}" in mail[0].body_text


def test_a_coordinator_marks_an_item_not_needed_with_a_reason(client, auth, users, trip):
    auth.login("coordinator")
    letter = _item(trip, "host:letter")
    response = client.post(
        f"/trips/{trip.id}/items/{letter.id}/review",
        data={"decision": "not_needed", "note": "The school sends its own letter."},
    )
    assert response.status_code == 302
    assert _item(trip, "host:letter").status == ItemStatus.NOT_NEEDED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "send_back", "note": "  "}, "note", "Say why, in a few words"),
        ({"decision": "not_needed"}, "note", "Say why, in a few words"),
        ({"note": "whatever"}, "decision", "Choose what to do with this item."),
        ({"decision": "approve-all"}, "decision", "Choose one of the options"),
    ],
)
def test_a_bad_review_shows_the_error_at_its_field_and_saves_nothing(
    client, auth, users, trip, data, field, message
):
    letter = _item(trip, "host:letter")
    auth.login_as(_host(users, trip))
    before = _statuses(trip)
    response = client.post(f"/trips/{trip.id}/items/{letter.id}/review", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    assert f'id="{field}-{letter.id}-error"' in page or f'id="{field}-0-{letter.id}' in page
    assert _statuses(trip) == before
    assert _item(trip, "host:letter").note == ""


def test_a_review_that_does_not_fit_the_status_is_refused(client, auth, users, trip):
    letter = _item(trip, "host:letter")
    auth.login_as(_host(users, trip))
    response = client.post(
        f"/trips/{trip.id}/items/{letter.id}/review", data={"decision": "send_back", "note": "why"}
    )
    assert response.status_code == 422  # a to-do item cannot be sent back
    assert "cannot change that way" in response.get_data(as_text=True)
    assert _item(trip, "host:letter").status == ItemStatus.TO_DO


# -- contacts -------------------------------------------------------------------------------------

CONTACTS = {
    "emergency_name": "Grace Mushi",
    "emergency_relation": "sister",
    "emergency_phone": "+255 22 000 0000",
    "insurer": "Safe Travels",
    "policy_number": "ST-42",
    "insurance_phone": "+44 20 7946 0000",
}


def test_the_traveller_saves_contacts_the_host_reads_them_and_cannot_change_them(client, auth, users, trip):
    auth.login_as(trip.user)
    ends = trip.opportunity.ends_on
    data = {**CONTACTS, "insurance_expires_on": (ends + timedelta(days=5)).isoformat()}
    assert client.post(f"/trips/{trip.id}/contacts", data=data).status_code == 302
    saved = db.session.get(Trip, trip.id)
    db.session.refresh(saved)
    assert (saved.emergency_name, saved.policy_number) == ("Grace Mushi", "ST-42")
    assert saved.insurance_expires_on == ends + timedelta(days=5)
    auth.logout()
    auth.login_as(_host(users, trip))
    page = client.get(f"/trips/{trip.id}/contacts").get_data(as_text=True)
    assert "Grace Mushi" in page and "ST-42" in page and "<form" not in page.split("<main", 1)[-1]
    response = client.post(f"/trips/{trip.id}/contacts", data={**CONTACTS, "emergency_name": "Mallory"})
    assert response.status_code == 403
    db.session.refresh(saved)
    assert saved.emergency_name == "Grace Mushi"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"emergency_name": ""}, "emergency_name", "Give the name of someone we can call."),
        ({"insurance_expires_on": "not a date"}, "insurance_expires_on", "Enter a real date"),
        ({"emergency_phone": "9" * 41}, "emergency_phone", "Keep it to 40 characters."),
        ({"insurance_expires_on": "2000-01-01"}, "insurance_expires_on", "must cover the whole visit"),
    ],
)
def test_bad_contacts_show_the_error_at_the_field_and_save_nothing(
    client, auth, trip, change, field, message
):
    auth.login_as(trip.user)
    response = client.post(f"/trips/{trip.id}/contacts", data={**CONTACTS, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page and f'id="{field}-error"' in page
    saved = db.session.get(Trip, trip.id)
    db.session.refresh(saved)
    assert (saved.emergency_name, saved.insurer, saved.insurance_expires_on) == ("", "", None)


def test_the_privacy_export_holds_the_travellers_trips_and_no_one_elses(client, auth, users, trip):
    make_trip(users)  # someone else's
    _item(trip, "country:licence").note = "Clearer scan, please."
    trip.emergency_name, trip.policy_number = "Grace Mushi", "ST-42"
    db.session.commit()
    auth.login_as(trip.user)
    data = json.loads(client.get("/profile/data.json").data)
    [exported] = data["trips"]
    assert exported["opportunity"] == trip.opportunity.title
    assert exported["emergency_contact"]["name"] == "Grace Mushi"
    assert exported["insurance"]["policy_number"] == "ST-42"
    assert [(i["title"], i["status"]) for i in exported["checklist"]] == [
        ("Host:letter", "to_do"),
        ("KMPDC temporary licence", "to_do"),
        ("Country:insurance", "to_do"),
    ]
    assert "Clearer scan, please." in [i["note"] for i in exported["checklist"]]


def test_the_dashboard_and_the_placements_page_link_to_the_trip(client, auth, users, trip):
    auth.login_as(trip.user)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Before you travel" in dashboard and f'href="/trips/{trip.id}"' in dashboard
    # Two required items left, the earlier due first: the host's letter.
    letter_due = _item(trip, "host:letter").due_on
    assert "2 required items left" in dashboard
    assert str(letter_due.year) in dashboard
    placements = client.get("/placements").get_data(as_text=True)
    assert f'href="/trips/{trip.id}"' in placements and "your checklist" in placements
    auth.logout()
    auth.login("student")
    assert "Before you travel" not in client.get("/dashboard").get_data(as_text=True)


def test_the_hosts_placements_page_links_to_each_travellers_checklist(client, auth, users, trip):
    auth.login_as(_host(users, trip))
    page = client.get(f"/opportunities/{trip.opportunity_id}/placements").get_data(as_text=True)
    assert f'href="/trips/{trip.id}"' in page and "Checklist before the visit" in page


class TestReviewLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}

    def test_a_reviewer_who_goes_on_and_on_is_stopped_and_nothing_more_is_sent(
        self, client, auth, users, trip
    ):
        licence = _item(trip, "country:licence")
        auth.login("coordinator")
        url = f"/trips/{trip.id}/items/{licence.id}/review"
        for n in range(60):  # 120 decisions: verified, then sent back, 60 times
            assert client.post(url, data={"decision": "verify"}).status_code == 302
            assert client.post(url, data={"decision": "send_back", "note": f"again {n}"}).status_code == 302
        response = client.post(url, data={"decision": "verify"})
        assert response.status_code == 429
        assert _item(trip, "country:licence").status == ItemStatus.TO_DO
        sent = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "trip_item_sent_back")
        )
        assert len(sent.all()) == 60


def test_deleting_the_account_deletes_its_trips_and_leaves_others(client, auth, users, trip):
    other = make_trip(users, opportunity=trip.opportunity)
    auth.login_as(trip.user)
    response = client.post("/profile/delete", data={"password": users.PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    remaining = db.session.scalars(select(Trip.id)).all()
    assert remaining == [other.id]
    assert db.session.scalars(select(TripItem.trip_id).distinct()).all() == [other.id]


def test_accepting_a_team_place_on_its_page_leads_to_the_checklist(client, auth, users):
    volunteer = users.create("professional", profession_code="ir-physician")
    starts = date.today() + timedelta(days=90)
    visit = users.opportunity(type="teaching_visit", country_code="KE", starts_on=starts)
    member = offered_member(users, volunteer, visit)
    auth.login_as(volunteer)
    assert client.post(f"/teaching/offers/{member.id}/accept").status_code == 303
    trip = db.session.scalar(select(Trip).where(Trip.team_member_id == member.id))
    page = client.get(f"/teaching/offers/{member.id}").get_data(as_text=True)
    assert f'href="/trips/{trip.id}"' in page
    assert visit.title in client.get("/trips").get_data(as_text=True)


def test_a_cancelled_placements_checklist_is_kept_as_it_was(client, auth, users, trip):
    trip.match.status = "cancelled"
    db.session.commit()
    letter = _item(trip, "host:letter")
    auth.login_as(_host(users, trip))
    page = client.get(f"/trips/{trip.id}").get_data(as_text=True)
    assert "no longer stands" in page and "Check this item" not in page
    before = _statuses(trip)
    response = client.post(f"/trips/{trip.id}/items/{letter.id}/review", data={"decision": "verify"})
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    assert _statuses(trip) == before
    auth.logout()
    auth.login_as(trip.user)
    assert trip.opportunity.title not in client.get("/trips").get_data(as_text=True)
