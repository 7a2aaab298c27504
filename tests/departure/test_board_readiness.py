"""Readiness to travel, the pure function: a trip, its items and the day give a state and its reasons.

The trips here are never saved: `readiness` reads only what it is given, so each case is built
as plain objects on fixed dates (today 1 April 2027, a placement from 1 to 28 June 2027).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale

from matcher.models import Opportunity
from matcher.models.departure import ItemStatus, Trip, TripDocument, TripItem
from matcher.services.departure.readiness import AT_RISK_DAYS, ReadinessState, readiness
from tests.support.trips import item

TODAY = date(2027, 4, 1)
START, END = date(2027, 6, 1), date(2027, 6, 28)


def trip_of(*items: dict, starts: date = START, ends: date = END, **fields) -> Trip:
    return Trip(
        opportunity=Opportunity(starts_on=starts, ends_on=ends),
        items=[TripItem(position=n, **fields_) for n, fields_ in enumerate(items)],
        **fields,
    )


def due(days_from_today: int) -> date:
    return TODAY + timedelta(days=days_from_today)


def proof(expires_on: date | None, uploaded: datetime, n: int) -> TripDocument:
    return TripDocument(
        id=n,
        stored_name=f"s{n}",
        filename="proof.pdf",
        content_type="application/pdf",
        size=10,
        expires_on=expires_on,
        uploaded_at=uploaded,
    )


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_every_mandatory_item_verified_or_not_needed_is_cleared_whatever_the_optional_ones():
    trip = trip_of(
        item("licence", due(-10), title="Licence", status=ItemStatus.VERIFIED),
        item("visa", due(5), title="Visa", status=ItemStatus.NOT_NEEDED),
        item("souvenir", due(-3), title="Souvenir", mandatory=False),  # optional and overdue
    )
    result = readiness(trip, TODAY)
    assert result.state == ReadinessState.CLEARED
    assert (result.mandatory, result.done) == (2, 2)
    assert result.summary == "2 of 2 mandatory items verified or not needed"


def test_the_reasons_say_how_many_are_done_and_what_is_overdue_since_when():
    trip = trip_of(
        item("a", due(-40), title="Indemnity", status=ItemStatus.VERIFIED),
        item("b", due(-40), title="Visa", status=ItemStatus.NOT_NEEDED),
        item("licence", date(2027, 3, 3), title="Temporary licence"),
        item("c", due(30), title="Insurance"),
        item("d", due(30), title="Letter"),
    )
    result = readiness(trip, TODAY)
    assert result.state == ReadinessState.BLOCKED
    assert result.summary == (
        "2 of 5 mandatory items verified or not needed; “Temporary licence” overdue since 3 Mar 2027"
    )


def test_a_submitted_item_past_its_date_blocks_and_says_it_waits_to_be_verified():
    trip = trip_of(item("licence", due(-1), title="Licence", status=ItemStatus.SUBMITTED))
    result = readiness(trip, TODAY)
    assert result.state == ReadinessState.BLOCKED
    assert result.reasons[1] == "“Licence” was due on 31 Mar 2027 and waits to be verified"


def test_an_advisory_hold_blocks_even_a_trip_whose_items_are_all_verified():
    trip = trip_of(
        item("licence", due(-1), status=ItemStatus.VERIFIED),
        hold_level=3,
        hold_since=datetime(2027, 3, 20, 9, 0),
    )
    result = readiness(trip, TODAY)
    assert result.state == ReadinessState.BLOCKED
    assert "travel advisory at level 3" in result.summary and "20 Mar 2027" in result.summary
    # Released by a coordinator: cleared again.
    trip.released_at = datetime(2027, 3, 25, 9, 0)
    assert readiness(trip, TODAY).state == ReadinessState.CLEARED


def test_reaching_the_start_date_without_clearance_blocks():
    trip = trip_of(item("letter", START + timedelta(days=3), title="Letter"))  # due after the start
    assert readiness(trip, START - timedelta(days=1)).state == ReadinessState.AT_RISK
    on_the_day = readiness(trip, START)
    assert on_the_day.state == ReadinessState.BLOCKED
    assert "the placement started on 1 Jun 2027 without clearance" in on_the_day.reasons


@pytest.mark.parametrize(
    ("days_left", "state"),
    [
        (0, ReadinessState.AT_RISK),  # due today: not overdue yet
        (AT_RISK_DAYS, ReadinessState.AT_RISK),
        (AT_RISK_DAYS + 1, ReadinessState.ON_TRACK),
        (-1, ReadinessState.BLOCKED),
    ],
)
def test_a_mandatory_item_due_within_fourteen_days_puts_the_trip_at_risk(days_left, state):
    trip = trip_of(item("visa", due(days_left), title="Visa"), item("later", due(50), title="Later"))
    assert readiness(trip, TODAY).state == state


def test_an_optional_item_due_soon_or_overdue_changes_nothing():
    trip = trip_of(
        item("licence", due(40), title="Licence"),
        item("tip", due(-2), title="Tip", mandatory=False),
        item("tip2", due(2), title="Tip 2", mandatory=False),
    )
    result = readiness(trip, TODAY)
    assert result.state == ReadinessState.ON_TRACK
    assert (
        result.summary == "0 of 1 mandatory item verified or not needed; next: “Licence” due on 11 May 2027"
    )


def test_a_proof_expiring_before_the_placement_ends_puts_the_trip_at_risk_until_renewed():
    licence = TripItem(position=0, **item("licence", due(40), title="Licence", status=ItemStatus.SUBMITTED))
    licence.documents = [proof(END - timedelta(days=1), datetime(2027, 3, 1), 1)]
    trip = trip_of(item("other", due(50), title="Other"))
    trip.items.append(licence)
    result = readiness(trip, TODAY)
    assert result.state == ReadinessState.AT_RISK
    assert "the proof for “Licence” expires on 27 Jun 2027, before the placement ends" in result.reasons
    # A renewal uploaded since, valid to the end: the old proof no longer counts.
    licence.documents.append(proof(END, datetime(2027, 3, 5), 2))
    assert readiness(trip, TODAY).state == ReadinessState.ON_TRACK
    # A proof with no expiry date never flags.
    licence.documents = [proof(None, datetime(2027, 3, 1), 3)]
    assert readiness(trip, TODAY).state == ReadinessState.ON_TRACK


def test_a_not_needed_items_old_proof_is_not_flagged():
    visa = TripItem(position=0, **item("visa", due(40), title="Visa", status=ItemStatus.NOT_NEEDED))
    visa.documents = [proof(START, datetime(2027, 3, 1), 1)]
    trip = trip_of()
    trip.items.append(visa)
    assert readiness(trip, TODAY).state == ReadinessState.CLEARED


def test_the_reasons_are_worded_when_asked_in_the_readers_language():
    trip = trip_of(item("licence", date(2027, 3, 3), title="Licence"), item("x", due(5), title="X"))
    with force_locale("fr"):
        result = readiness(trip, TODAY)
    assert "3 mars 2027" in result.summary and "Mar" not in result.summary


def test_the_trip_pages_panel_shows_the_state_and_each_reason(app):
    trip = trip_of(item("licence", date(2027, 3, 3), title="<b>Licence</b>"), item("x", due(50), title="X"))
    result = readiness(trip, TODAY)
    html = render_template_string(
        '{% from "trips/_readiness.html" import readiness_panel %}{{ readiness_panel(r) }}', r=result
    )
    assert 'Readiness to travel: <span class="badge status-failed">blocked</span>' in html
    assert html.count("<li>") == 2
    assert "<li>“&lt;b&gt;Licence&lt;/b&gt;” overdue since 3 Mar 2027</li>" in html
