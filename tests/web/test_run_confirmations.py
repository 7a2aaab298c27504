"""Bulk decisions on a run go through a confirmation page; a run reads as what it is: open,
published, superseded or empty; staff read its reasons about the applicant by name."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.jobs import expand_jobs
from matcher.models import Application, Match, MatchRound, MatchRun, OutboxMessage
from matcher.services.matching import previews
from tests.support.capacity import Ledger
from tests.support.rounds import CONFIRM, create_round, host_orders, run

REPLY_BY = (date.today() + timedelta(days=10)).isoformat()


def statuses(run_) -> set[str]:
    return set(db.session.scalars(select(Match.status).where(Match.run_id == run_.id)))


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def words_of(page: str) -> str:
    """The page's text as read: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" .", ".").replace(" :", ":")


def test_approve_all_states_what_it_will_do_and_does_nothing_without_confirmation(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    review = page_of(client, f"/coordination/runs/{run_.id}")
    assert f'action="/coordination/runs/{run_.id}/approve-all"' in review
    assert 'method="get" action="/coordination/runs/' in review  # the button leads to the page below

    page = page_of(client, f"/coordination/runs/{run_.id}/approve-all")
    assert "3 matches will be approved, holding 3 places at 2 opportunities." in words_of(page)
    assert "Nobody will be emailed" in page
    assert 'name="confirm" value="yes"' in page
    assert "Approve 3 matches" in page

    ledger = Ledger(db.session)
    straight = client.post(f"/coordination/runs/{run_.id}/approve-all", data={"region": "Eastern Africa"})
    assert straight.status_code == 303
    assert straight.headers["Location"].endswith(
        f"/coordination/runs/{run_.id}/approve-all?region=Eastern+Africa"
    )
    ledger.unchanged()
    assert statuses(run_) == {"proposed"}

    done = client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM, follow_redirects=True)
    assert "3 matches approved." in done.get_data(as_text=True)
    assert statuses(run_) == {"approved"}


def test_approve_all_says_which_proposals_will_stay_proposed_for_want_of_places(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    kenyatta = world["kenyatta"]
    kenyatta.places_filled = kenyatta.capacity - 1  # room for one of its two proposals only
    db.session.commit()
    page = words_of(page_of(client, f"/coordination/runs/{run_.id}/approve-all"))
    assert "1 match will be approved, holding 1 place at 1 opportunity." in page
    assert "2 matches at 1 opportunity without enough free places will stay proposed" in page


def test_publish_states_the_matches_and_the_people_emailed_and_keeps_its_word(app, client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client, response_deadline=REPLY_BY))
    client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM)

    page = page_of(client, f"/coordination/runs/{run_.id}/publish")
    assert f'value="{REPLY_BY}"' in page  # the round's reply-by date, to confirm or change
    page = words_of(page)
    assert "3 matches will be offered to 3 applicants." in page
    assert (
        "5 people will be emailed: 3 applicants offered a place, 1 contact of 1 host organisation, "
        "and 1 applicant with no offer, who gets an outcome letter" in page
    )
    assert "1 applicant in scope will not be offered a place in this round." in page
    assert "Publish and email 5 people" in page

    ledger = Ledger(db.session)
    straight = client.post(f"/coordination/runs/{run_.id}/publish", data={"response_deadline": REPLY_BY})
    assert straight.status_code == 303 and "/publish?response_deadline=" in straight.headers["Location"]
    ledger.unchanged()
    assert db.session.get(MatchRound, run_.round_id).status == "open"

    late = client.post(
        f"/coordination/runs/{run_.id}/publish", data={**CONFIRM, "response_deadline": "2020-01-01"}
    )
    assert late.status_code == 422
    assert "Set a reply deadline that is today or later." in late.get_data(as_text=True)
    ledger.unchanged()

    before = set(db.session.scalars(select(OutboxMessage.id)))
    done = client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={**CONFIRM, "response_deadline": REPLY_BY},
        follow_redirects=True,
    )
    assert "Published 3 matches" in done.get_data(as_text=True)
    db.session.commit()
    with app.test_request_context():
        expand_jobs(db.session)
    # Everyone the publication emails, whatever the email: as many people as the page said.
    emailed = set(db.session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.id.not_in(before))))
    assert len(emailed) == 5 and world["host"].email in emailed


def test_a_published_run_reads_as_published_without_decision_controls(client, auth, world):
    auth.login("coordinator")
    match_round = create_round(client, response_deadline=REPLY_BY)
    first, second = run(client, match_round), run(client, match_round, seed=8)
    client.post(f"/coordination/runs/{first.id}/approve-all", data=CONFIRM)
    client.post(f"/coordination/runs/{first.id}/publish", data={**CONFIRM, "response_deadline": REPLY_BY})

    page = page_of(client, f"/coordination/runs/{first.id}")
    assert "<h1>Run 1: published matches</h1>" in page
    assert "proposed matches" not in page
    for control in (
        'name="match_id"',
        "Approve selected",
        "Reject selected",
        "Approve every",
        "Publish approved",
    ):
        assert control not in page, control
    assert page.count("badge status-published") == 3

    other = page_of(client, f"/coordination/runs/{second.id}")
    assert (
        "<h1>Run 2: not published</h1>" in other and "Run 1</a> of this round was published instead" in other
    )
    assert 'name="match_id"' not in other and "Approve every" not in other

    # Their confirmation pages send the coordinator back: the round is published.
    assert client.get(f"/coordination/runs/{first.id}/publish").status_code == 302
    assert client.get(f"/coordination/runs/{first.id}/approve-all").status_code == 302


def test_an_empty_run_says_why_and_offers_no_publish_button(client, auth, world):
    auth.login("coordinator")
    nobody = run(client, create_round(client, name="Asia", regions=["Asia"]))
    page = page_of(client, f"/coordination/runs/{nobody.id}")
    assert "This run proposed no match" in page
    assert "No published opportunity with free places falls in this round's scope." in page
    assert "Publish approved" not in page and "Approve every" not in page
    publish = page_of(client, f"/coordination/runs/{nobody.id}/publish")
    assert "no approved match to publish" in publish and "Publish and email" not in publish


def test_an_empty_run_says_when_every_place_is_taken_or_everyone_is_placed_or_ineligible(
    client, auth, users, world
):
    auth.login("coordinator")
    for opportunity in (world["muhimbili"], world["kenyatta"]):
        opportunity.places_filled = opportunity.capacity
    db.session.commit()
    full = run(client, create_round(client, name="Full"))
    assert "Every opportunity in this round's scope is already full (2 opportunities)" in page_of(
        client, f"/coordination/runs/{full.id}"
    )

    for opportunity in (world["muhimbili"], world["kenyatta"]):
        opportunity.places_filled = 0
        opportunity.level_min = opportunity.level_max = 12  # nobody in this world is at that level
    db.session.commit()
    ineligible = run(client, create_round(client, name="Out of level"))
    page = page_of(client, f"/coordination/runs/{ineligible.id}")
    assert "None of the 4 applicants in scope is eligible for an opportunity they chose" in page
    assert "Publish approved" not in page


def test_staff_read_the_reasons_about_the_applicant_and_the_host_s_number_only_where_it_ordered(
    client, auth, world
):
    host_orders(db.session, {world["muhimbili"]: [world["david"], world["amina"]]})
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    david = db.session.scalars(
        select(Match).where(Match.run_id == run_.id, Match.applicant_id == world["david"].id)
    ).one()
    assert david.opportunity_id == world["muhimbili"].id and david.host_rank == 1
    at_kenyatta = db.session.scalars(
        select(Match).where(Match.run_id == run_.id, Match.opportunity_id == world["kenyatta"].id)
    ).all()
    assert at_kenyatta and all(m.host_rank is None for m in at_kenyatta)  # Kenyatta gave no order
    assert (
        db.session.scalar(
            select(Application.host_rank).where(Application.opportunity_id == world["kenyatta"].id).limit(1)
        )
        is None
    )

    page = page_of(client, f"/coordination/runs/{run_.id}")
    assert page.count("host's #") == 1 and "host's #1" in page
    assert "In Tanzania, a country David chose" in page or "a sub-region David chose" in page
    assert "you chose" not in page and "You are free" not in page
    history = page_of(client, f"/coordination/matches/{david.id}")
    assert "David is free for" in history and "You are free" not in history


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ({"proposed": 2, "opportunities": 1, "places": 2, "applicants": 2}, None),
        ({"proposed": 0, "opportunities": 0, "opportunities_full": 0}, "No published opportunity"),
        ({"proposed": 0, "opportunities": 0, "opportunities_full": 1}, "already full (1 opportunity)"),
        ({"proposed": 0, "opportunities": 2, "places": 3, "applicants": 0}, "Nobody has applied to the 2"),
        (
            {"proposed": 0, "opportunities": 1, "places": 1, "applicants": 0, "excluded_placed": 2},
            "Everyone who applied (2 applicants) already holds a place from another round.",
        ),
        (
            {"proposed": 0, "opportunities": 1, "places": 1, "applicants": 0, "excluded_incomplete": 1},
            "Everyone who applied (1 applicant) has an incomplete profile.",
        ),
        (
            {
                "proposed": 0,
                "opportunities": 1,
                "places": 1,
                "applicants": 0,
                "excluded_incomplete_or_placed": 3,
            },
            "Nobody who applied could be matched: 3 applicants",
        ),
        (
            {"proposed": 0, "opportunities": 1, "places": 1, "applicants": 1},
            "The one applicant in scope is not eligible",
        ),
    ],
)
def test_why_a_run_is_empty_comes_from_what_it_stored(counts, words):
    why = previews.why_empty(MatchRun(counts=counts))
    assert why is None if words is None else words in why
