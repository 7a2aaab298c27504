"""A ranked round's settings: reserved places for applicants from low and lower-middle income
countries, score weights, and a cap on visitors per site and month, each changing the run as said."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher import reason_words
from matcher.extensions import db
from matcher.models import Match
from matcher.models.matching import MatchRound
from matcher.services.errors import DomainError, PermissionDenied
from matcher.services.matching import rounds
from matcher.services.matching.settings import RoundSettings, capped_places, of_round, update_settings
from tests.support.rounds import reserve_world


def _coordinator_round(users):
    coordinator = users.create(role="coordinator", name="Cora")
    match_round = rounds.create_round(
        db.session, coordinator, name="Fair 2027", mode="ranked", scope=rounds.Scope(), response_deadline=None
    )
    db.session.commit()
    return coordinator, match_round


def _placed(run) -> set[int]:
    return set(db.session.scalars(select(Match.applicant_id).where(Match.run_id == run.id)))


def test_a_reserve_places_the_eligible_applicant_the_host_ranked_last(users):
    elective, people = reserve_world(users)
    coordinator, match_round = _coordinator_round(users)

    plain = rounds.run_round(db.session, coordinator, match_round, seed=7)
    assert _placed(plain) == {people["oliver"].id, people["harry"].id}
    assert plain.parameters["reserve"] == {"reserved": 0, "used": 0}

    update_settings(db.session, coordinator, match_round, RoundSettings(reserve_percent=50))
    reserved = rounds.run_round(db.session, coordinator, match_round, seed=7)

    # 50 % of 2 places is 1 reserved place, for Neema (Kenya: lower-middle income); Harry loses his.
    assert _placed(reserved) == {people["oliver"].id, people["neema"].id}
    assert reserved.parameters["reserve"] == {"reserved": 1, "used": 1}
    assert reserved.parameters["reserve_holders"] == [people["neema"].id]
    assert reserved.parameters["settings"]["reserve_percent"] == 50
    assert plain.parameters["settings"]["reserve_percent"] == 0
    assert reserved.inputs_hash != plain.inputs_hash and reserved.seed == plain.seed == 7
    (entry,) = reserved.unmatched[str(people["harry"].id)]
    assert entry[2] == {"refusal": "reserved", "preferred": 1, "reserved": 1, "title": "Muhimbili elective"}
    assert "reserved place" in reason_words.refusal(entry, "Harry")
    income = reserved.parameters["fairness"]["income"]
    assert income == {"high": [2, 1], "lower-middle": [1, 1]}
    assert plain.parameters["fairness"]["income"] == {"high": [2, 2], "lower-middle": [1, 0]}
    assert elective.places_filled == 0  # proposals hold no place until approved


def test_a_reserve_nobody_eligible_wants_goes_to_anyone(users):
    _, people = reserve_world(users)
    coordinator, match_round = _coordinator_round(users)
    # Only income group "low" may take reserved places here: nobody applying is from one.
    update_settings(
        db.session, coordinator, match_round, RoundSettings(reserve_percent=100, reserve_groups=("low",))
    )
    run = rounds.run_round(db.session, coordinator, match_round, seed=7)
    assert _placed(run) == {people["oliver"].id, people["harry"].id}
    assert run.parameters["reserve"] == {"reserved": 2, "used": 0}


def test_the_visitor_cap_holds_across_the_opportunities_of_one_site_and_month(users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    starts = date(date.today().year + 1, 3, 10)  # the days after it are in its month
    same_site = [
        users.opportunity(org, title=f"Elective {n}", capacity=2, starts_on=starts + timedelta(days=n))
        for n in range(2)
    ]
    elsewhere = users.opportunity(
        org, title="Kenyatta", capacity=2, host_institution="Kenyatta", city="Nairobi"
    )
    students = []
    for n in range(6):
        student = users.create(role="student", email=f"s{n}@example.org")
        users.profile(student, availability=((starts - timedelta(days=5), starts + timedelta(days=40)),))
        users.application(student, [*same_site, elsewhere][n % 3], rank=1)
        students.append(student)
    coordinator, match_round = _coordinator_round(users)
    update_settings(db.session, coordinator, match_round, RoundSettings(visitor_cap=3))
    run = rounds.run_round(db.session, coordinator, match_round, seed=3)

    at = dict(
        db.session.execute(
            select(Match.applicant_id, Match.opportunity_id).where(Match.run_id == run.id)
        ).all()
    )
    at_site = [a for a, o in at.items() if o in {x.id for x in same_site}]
    assert len(at_site) == 3  # 4 places and 4 applicants there, but at most 3 visitors that month
    assert sum(1 for o in at.values() if o == elsewhere.id) == 2  # another site keeps its places
    assert run.counts["unmatched"] == 1 and run.parameters["settings"]["visitor_cap"] == 3


def test_capped_places_share_a_group_out_one_place_at_a_time(users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    starts = date(date.today().year + 1, 3, 10)  # the days after it are in its month
    opportunities = [
        users.opportunity(org, capacity=3, starts_on=starts + timedelta(days=n)) for n in range(3)
    ]
    assert capped_places(opportunities, [3, 3, 1], 5) == [2, 2, 1]
    assert capped_places(opportunities, [3, 3, 1], None) == [3, 3, 1]
    assert capped_places(opportunities, [3, 3, 1], 7) == [3, 3, 1]


def test_reserved_share_is_rounded_half_up_and_never_above_the_places():
    settings = RoundSettings(reserve_percent=30)
    assert [settings.reserved(n) for n in (0, 1, 2, 5, 10)] == [0, 0, 1, 2, 3]
    assert RoundSettings(reserve_percent=100).reserved(4) == 4


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (RoundSettings(reserve_percent=120), "reserve_percent"),
        (RoundSettings(reserve_percent=20, reserve_groups=()), "reserve_groups"),
        (RoundSettings(reserve_groups=("rich",)), "reserve_groups"),
        (RoundSettings(weights={"region": 2.0}), "weight_region"),
        (
            RoundSettings(weights=dict.fromkeys(("region", "interests", "level", "dates", "teaching"), 0)),
            "weight_region",
        ),
        (RoundSettings(visitor_cap=0), "visitor_cap"),
    ],
)
def test_settings_out_of_bounds_are_refused_and_nothing_is_kept(users, settings, field):
    coordinator, match_round = _coordinator_round(users)
    with pytest.raises(DomainError) as refused:
        update_settings(db.session, coordinator, match_round, settings)
    assert refused.value.field == field
    db.session.rollback()
    assert "settings" not in db.session.get(MatchRound, match_round.id).scope
    assert of_round(match_round) == RoundSettings()


def test_only_coordinators_change_a_rounds_settings(users):
    _, match_round = _coordinator_round(users)
    student = users.create(role="student")
    with pytest.raises(PermissionDenied):
        update_settings(db.session, student, match_round, RoundSettings(reserve_percent=10))
    assert "settings" not in match_round.scope


def test_the_rounds_weights_score_the_proposals(users):
    _, people = reserve_world(users)
    coordinator, match_round = _coordinator_round(users)
    only_interests = dict.fromkeys(("region", "interests", "level", "dates", "teaching"), 0.0)
    only_interests["interests"] = 1.0
    update_settings(db.session, coordinator, match_round, RoundSettings(weights=only_interests))
    run = rounds.run_round(db.session, coordinator, match_round, seed=7)

    match = db.session.scalars(
        select(Match).where(Match.run_id == run.id, Match.applicant_id == people["oliver"].id)
    ).one()
    weights = {part["name"]: part["weight"] for part in match.breakdown}
    assert weights["interests"] == 1.0 and weights["region"] == weights["dates"] == 0.0
    interests = next(part for part in match.breakdown if part["name"] == "interests")
    assert match.score == round(interests["value"], 4)
    assert run.parameters["settings"]["weights"] == only_interests
