"""The readiness boards: coordinators see every upcoming trip, a host's members their own visitors,
grouped by state with counts, filtered by start month and country, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from matcher.extensions import db
from matcher.models.departure import TripDocument
from matcher.services.departure.board import BoardFilters, readiness_board
from matcher.services.errors import PermissionDenied
from tests.departure.board_scene import build_board_scene, soon
from tests.support.querycount import assert_at_most, counting_queries, read_reference_data
from tests.support.trips import item, make_trip

STATES = ("blocked", "at_risk", "on_track", "cleared")
NAMES = ("Bea Blocked", "Sam Steady", "Tom Team", "Raj Risky", "Cleo Cleared", "Carl Cancelled", "Pat Past")


@pytest.fixture
def scene(users):
    return build_board_scene(users)


def sections(html: str) -> dict[str, str]:
    """Each state's part of the page, from its heading to the next one."""
    found = {}
    for state in STATES:
        start = html.index(f'<h2 id="{state}">')
        following = [html.find(f'<h2 id="{other}">', start + 1) for other in STATES]
        ends = [n for n in following if n > start]
        found[state] = html[start : min(ends) if ends else len(html)]
    return found


def names_in(part: str) -> set[str]:
    return {name for name in NAMES if name in part}


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_coordinators_see_every_upcoming_trip_grouped_by_state_with_counts(client, auth, scene):
    auth.login("coordinator")
    html = get(client, "/coordination/readiness")
    parts = sections(html)
    assert names_in(parts["blocked"]) == {"Bea Blocked"}
    assert names_in(parts["at_risk"]) == {"Raj Risky"}
    assert names_in(parts["on_track"]) == {"Sam Steady", "Tom Team"}
    assert names_in(parts["cleared"]) == {"Cleo Cleared"}
    assert "Carl Cancelled" not in html and "Pat Past" not in html  # cancelled, ended
    assert "Blocked (1)" in html and "At risk (1)" in html
    assert "On track (2)" in html and "Cleared to travel (1)" in html
    assert "5 trips in all" in html
    # The reasons, the host and the kind of place are on each row; each row opens the trip.
    assert "overdue since" in parts["blocked"] and "Kenyatta Host" in parts["blocked"]
    assert "team place" in parts["on_track"]
    for name in ("Bea", "Sam", "Tom", "Raj", "Cleo"):
        assert f'href="/trips/{scene.trips[name].id}"' in html
    assert f'href="/trips/{scene.trips["Carl"].id}"' not in html


def test_a_hosts_member_sees_only_their_organisations_visitors(client, auth, scene):
    auth.login_as(scene.host_a)
    html = get(client, f"/organisations/{scene.org_a.slug}/readiness")
    assert names_in(html) == {"Bea Blocked", "Sam Steady", "Tom Team"}
    assert "3 trips in all" in html
    for name in ("Raj", "Cleo"):
        assert f'href="/trips/{scene.trips[name].id}"' not in html
    # Another organisation's board, or every trip's, is not theirs to see.
    assert names_in(get(client, f"/organisations/{scene.org_b.slug}/readiness", 403)) == set()
    assert names_in(get(client, "/coordination/readiness", 403)) == set()
    get(client, "/organisations/no-such-host/readiness", 404)


def test_the_other_hosts_member_sees_theirs_and_a_coordinator_sees_any_hosts(client, auth, scene):
    auth.login_as(scene.host_b)
    assert names_in(get(client, f"/organisations/{scene.org_b.slug}/readiness")) == {
        "Raj Risky",
        "Cleo Cleared",
    }
    get(client, f"/organisations/{scene.org_a.slug}/readiness", 403)
    auth.logout()
    auth.login("coordinator")
    html = get(client, f"/organisations/{scene.org_a.slug}/readiness")
    assert names_in(html) == {"Bea Blocked", "Sam Steady", "Tom Team"}


def test_travellers_and_visitors_are_kept_out(client, auth, scene):
    response = client.get("/coordination/readiness")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.get(f"/organisations/{scene.org_a.slug}/readiness")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login_as(scene.trips["Bea"].user)
    assert names_in(get(client, "/coordination/readiness", 403)) == set()
    assert names_in(get(client, f"/organisations/{scene.org_a.slug}/readiness", 403)) == set()


def test_filters_by_start_month_and_country(client, auth, scene):
    auth.login("coordinator")
    month_a = scene.opp_a.starts_on.strftime("%Y-%m")
    html = get(client, f"/coordination/readiness?month={month_a}")
    assert names_in(html) == {"Bea Blocked", "Sam Steady", "Tom Team"}
    assert f'<option value="{month_a}" selected>' in html
    # The month list offers the months of every upcoming trip, whatever is chosen.
    assert f'<option value="{scene.opp_b.starts_on.strftime("%Y-%m")}">' in html
    html = get(client, "/coordination/readiness?country=tz")
    assert names_in(html) == {"Raj Risky", "Cleo Cleared"}
    assert "Blocked (0)" in html and "2 trips in all" in html
    html = get(client, f"/coordination/readiness?country=TZ&month={month_a}")
    assert names_in(html) == set() and "0 trips in all" in html
    html = get(client, "/coordination/readiness?country=FR")  # a country with no trip: an empty board
    assert names_in(html) == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("month=2027-13", "“2027-13” is not a month"),
        ("month=soon", "“soon” is not a month"),
        ("month=0999-01", "“0999-01” is not a month"),
        ("country=XX", "“XX” is not a country code we know"),
        ("country=%3Cscript%3E", "“&lt;script&gt;” is not a country code we know"),
    ],
)
def test_a_filter_not_understood_is_explained_and_ignored(client, auth, scene, query, message):
    auth.login("coordinator")
    html = get(client, f"/coordination/readiness?{query}", 400)
    assert "There is a problem" in html and message in html
    assert "<script>" not in html
    assert names_in(html) == {"Bea Blocked", "Sam Steady", "Tom Team", "Raj Risky", "Cleo Cleared"}


def test_a_host_filter_not_understood_is_explained_too(client, auth, scene):
    auth.login_as(scene.host_a)
    html = get(client, f"/organisations/{scene.org_a.slug}/readiness?month=2027-00&country=KE", 400)
    assert "“2027-00” is not a month" in html
    assert names_in(html) == {"Bea Blocked", "Sam Steady", "Tom Team"}


def _add_trips(users, opportunity, count: int) -> None:
    """`count` more trips, each with three items and a proof on one."""
    for _ in range(count):
        trip = make_trip(
            users,
            opportunity=opportunity,
            items=[item("a", soon(3)), item("b", soon(20)), item("c", soon(-2), mandatory=False)],
        )
        db.session.add(
            TripDocument(
                item_id=trip.items[0].id,
                trip_id=trip.id,
                stored_name=f"doc-{trip.id}",
                filename="licence.pdf",
                content_type="application/pdf",
                size=100,
                expires_on=soon(10),
                uploaded_at=datetime(2027, 1, 1),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("who", ["coordinator", "host"])
def test_the_board_sends_the_same_few_statements_whatever_the_number_of_trips(
    client, auth, users, scene, who
):
    if who == "coordinator":
        auth.login("coordinator")
        url = "/coordination/readiness"
    else:
        auth.login_as(scene.host_a)
        url = f"/organisations/{scene.org_a.slug}/readiness"
    counts = []
    for more in (2, 20):
        _add_trips(users, scene.opp_a, more)
        read_reference_data()
        get(client, url)  # the first request of a session reads what later ones find kept
        with counting_queries() as log:
            html = get(client, url)
        counts.append(log)
        assert html.count('href="/trips/') >= more
    few, many = counts
    assert_at_most(many, 10, "the readiness board")
    assert few.count == many.count, many.report()


def test_the_boards_are_linked_from_the_coordination_dashboard_and_the_hosts_page(client, auth, scene):
    auth.login_as(scene.host_a)
    assert 'href="/organisations/kenyatta-host/readiness"' in get(client, "/organisations/kenyatta-host")
    assert 'href="/organisations/muhimbili-host/readiness"' not in get(
        client, "/organisations/muhimbili-host"
    )
    auth.logout()
    auth.login("coordinator")
    assert 'href="/coordination/readiness"' in get(client, "/coordination/dashboard")


def test_an_unverified_hosts_board_is_not_found_for_others_and_shown_to_its_members(client, auth, users):
    pending = users.organisation(verified=False)
    member = users.create("org_member", organisation=pending)
    auth.login("org_member")
    get(client, f"/organisations/{pending.slug}/readiness", 404)
    auth.logout()
    auth.login_as(member)
    assert "0 trips in all" in get(client, f"/organisations/{pending.slug}/readiness")


def test_the_service_itself_refuses_whoever_may_not_see_the_board(users, scene):
    student = scene.trips["Bea"].user
    for viewer, organisation in ((student, None), (scene.host_a, None), (scene.host_a, scene.org_b)):
        with pytest.raises(PermissionDenied):
            readiness_board(db.session, viewer, date.today(), BoardFilters(), organisation)
    board = readiness_board(db.session, scene.host_b, date.today(), BoardFilters(), scene.org_b)
    assert board.total == 2 and {r.trip.user.name for rows in board.groups.values() for r in rows} == {
        "Raj Risky",
        "Cleo Cleared",
    }
