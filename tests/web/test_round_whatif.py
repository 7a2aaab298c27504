"""A coordinator sets a round's reserve, weights and visitor cap, runs it with and without a reserve,
and compares the two runs: what changed, for whom, and the placement rate by group."""

from __future__ import annotations

import re
from datetime import date, timedelta

from matcher.extensions import db
from matcher.models.matching import MatchRound
from matcher.services.matching.settings import RoundSettings, of_round
from tests.support.rounds import CONFIRM, approve_all, create_round, reserve_world, run

GOOD = {
    "reserve_percent": "50",
    "reserve_groups": ["low", "lower-middle"],
    "weight_region": "0.25",
    "weight_interests": "0.30",
    "weight_level": "0.15",
    "weight_dates": "0.15",
    "weight_teaching": "0.10",
    "visitor_cap": "",
}


def _settings_url(match_round: MatchRound) -> str:
    return f"/coordination/rounds/{match_round.id}/settings"


def test_bad_settings_show_every_error_at_its_field_and_keep_nothing(client, auth, users):
    auth.login("coordinator")
    match_round = create_round(client)
    bad = {**GOOD, "reserve_percent": "150", "weight_level": "2", "visitor_cap": "0", "reserve_groups": []}
    response = client.post(_settings_url(match_round), data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.index("error-summary") < page.index('id="reserve_percent"')
    for field in ("reserve_percent", "weight_level", "visitor_cap"):
        assert f'id="{field}-error"' in page, field
    db.session.expire_all()
    assert "settings" not in db.session.get(MatchRound, match_round.id).scope

    # Every weight 0 passes each field's check, but leaves nothing to score by.
    zero = {**GOOD, **{f"weight_{n}": "0" for n in ("region", "interests", "level", "dates", "teaching")}}
    response = client.post(_settings_url(match_round), data=zero)
    assert response.status_code == 422 and 'id="weight_region-error"' in response.get_data(as_text=True)
    # A reserve for nobody: the groups are needed once something is reserved.
    response = client.post(_settings_url(match_round), data={**GOOD, "reserve_groups": []})
    assert response.status_code == 422 and 'id="reserve_groups-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert of_round(db.session.get(MatchRound, match_round.id)) == RoundSettings()


def test_good_settings_are_kept_for_the_next_run_and_shown_on_the_round(client, auth, users):
    auth.login("coordinator")
    match_round = create_round(client)
    form = client.get(_settings_url(match_round)).get_data(as_text=True)
    assert 'value="0.25"' in form and "lower-middle income" in form  # today's settings, filled in
    response = client.post(_settings_url(match_round), data={**GOOD, "visitor_cap": "4"})
    assert response.status_code == 302
    db.session.expire_all()
    kept = of_round(db.session.get(MatchRound, match_round.id))
    assert kept.reserve_percent == 50 and kept.visitor_cap == 4
    assert kept.reserve_groups == ("low", "lower-middle") and kept.weights["interests"] == 0.3
    page = client.get(f"/coordination/rounds/{match_round.id}").get_data(as_text=True)
    assert "Reserved places: 50%" in page and "most visitors per site per month: 4" in page


def test_what_if_compares_a_run_without_and_with_a_reserve(client, auth, users):
    _, people = reserve_world(users)
    auth.login("coordinator")
    match_round = create_round(client)
    plain = run(client, match_round, seed=5)
    assert client.post(_settings_url(match_round), data=GOOD).status_code == 302
    reserved = run(client, match_round, seed=5)

    runs = client.get(f"/coordination/rounds/{match_round.id}").get_data(as_text=True)
    assert "settings: 0% of places reserved, most visitors per site per month no cap" in runs
    assert "settings: 50% of places reserved, most visitors per site per month no cap" in runs

    page = client.get(f"/coordination/compare?a={plain.id}&b={reserved.id}").get_data(as_text=True)
    # Settings and outcome, side by side.
    assert "50% for low income, lower-middle income" in page and "none" in page
    assert "0 of 0" in page and "1 of 1" in page  # reserved places used
    # The pairs that changed: Harry lost his place to Neema's reserved one.
    assert "2 applicants placed differently." in page
    changed = page[page.index("Pairs that changed") :]
    assert "Harry" in changed and "Neema" in changed and "reserved place" in changed
    assert "Oliver" not in changed
    # A fairness chart per run and grouping, with its words for screen readers and its table.
    assert (
        len(
            re.findall(
                r'<svg class="chart" role="img" aria-labelledby="chart-\d+-(income|region)-title', page
            )
        )
        == 4
    )
    assert "lower-middle income: 0 of 1 placed (0%)." in page
    assert "lower-middle income: 1 of 1 placed (100%)." in page
    assert "high income: 1 of 2 placed (50%)." in page
    assert page.count("The figures as a table") == 4
    # Changes by group: income group, region and level.
    by_group = page[page.index("Changes by group") : page.index("Pairs that changed")]
    assert "Income group of home country" in by_group and "Training level" in by_group
    assert "+1" in by_group and "-1" in by_group

    review = client.get(f"/coordination/runs/{reserved.id}").get_data(as_text=True)
    assert "Neema was placed on a reserved place at Muhimbili elective" in review
    assert "ranked Harry above 1 applicant it placed on a reserved place" in review
    assert reserved.parameters["reserve_holders"] == [people["neema"].id]


def test_recommendation_rounds_have_no_settings_page(client, auth, users):
    auth.login("coordinator")
    match_round = create_round(client, mode="recommendation")
    assert client.get(_settings_url(match_round)).status_code == 404


def test_the_applicant_reads_that_they_hold_a_reserved_place(client, auth, users):
    elective, people = reserve_world(users)
    auth.login("coordinator")
    match_round = create_round(client)
    assert client.post(_settings_url(match_round), data=GOOD).status_code == 302
    reserved = run(client, match_round, seed=5)
    approve_all(client, reserved)
    response = client.post(
        f"/coordination/runs/{reserved.id}/publish",
        data={**CONFIRM, "response_deadline": (date.today() + timedelta(days=14)).isoformat()},
    )
    assert response.status_code == 302
    auth.logout()
    auth.login_as(people["neema"])
    page = client.get("/placements").get_data(as_text=True)
    assert "You were placed on a reserved place at Muhimbili elective" in page
    auth.logout()
    auth.login_as(people["oliver"])
    page = client.get("/placements").get_data(as_text=True)
    assert elective.title in page and "reserved place" not in page
