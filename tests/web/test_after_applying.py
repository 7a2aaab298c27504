"""After applying: standings in My applications, receipts, outcome letters, essential mail, places never
proposed again, waitlist offers that say where they come from, one email per publication for hosts.

Emails go through the outbox and the real loopback SMTP server (tests/support/smtp.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.mail.jobs import expand_jobs
from matcher.mail.preferences import read_unsubscribe_token, set_frequency
from matcher.models import DigestItem, Match, MatchRun
from matcher.models.matching import OutcomeLetter
from matcher.services.errors import DomainError
from tests.support.capacity import Ledger
from tests.support.rounds import CONFIRM, approve_all, create_round, host_orders, run

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=10)


@pytest.fixture
def app_config(smtp_sink):
    return {**smtp_sink.config(), "MAIL_BACKOFF_SECONDS": 1}


@pytest.fixture
def scene(users, world) -> dict[str, Any]:
    """The East Africa world with its outcome pinned (David: Muhimbili; Neema and Amina: Kenyatta;
    Lucas third at both, unmatched), plus Rosa, who fails a language rule, Omar, whom Muhimbili's
    host did not rank, and two open places nobody applied to: one Lucas fits, one he does not."""
    org = world["org"]
    amharic = users.opportunity(
        org, title="Addis Ababa elective", country_code="ET", languages=(("am", "basic"),), capacity=1
    )
    rosa = users.create(role="student", email="rosa@example.org", name="Rosa")
    users.profile(rosa)
    users.application(rosa, amharic, rank=1)
    omar = users.create(role="student", email="omar@example.org", name="Omar")
    users.profile(omar)
    users.application(omar, world["muhimbili"], rank=1)
    mbarara = users.opportunity(org, title="Mbarara elective", country_code="UG", capacity=1)
    users.opportunity(org, title="Fellows' teaching visit", country_code="UG", level_min=8, level_max=10)
    amina, lucas, neema, david = (world[n] for n in ("amina", "lucas", "neema", "david"))
    host_orders(
        db.session, {world["muhimbili"]: [david, amina, lucas], world["kenyatta"]: [neema, amina, lucas]}
    )
    return {**world, "rosa": rosa, "omar": omar, "amharic": amharic, "mbarara": mbarara}


def publish_round(client, auth, name: str = "East Africa 2027"):
    coordinator = auth.login("coordinator")
    first = run(client, create_round(client, name=name))
    approve_all(client, first)
    response = client.post(
        f"/coordination/runs/{first.id}/publish", data={**CONFIRM, "response_deadline": DEADLINE}
    )
    assert response.status_code == 302
    return coordinator, first


def write_and_send(app) -> None:
    with app.test_request_context():
        expand_jobs(db.session)
    deliver_due(db.session)


def received(smtp_sink, address: str, subject: str):
    return [m for m in smtp_sink.received if address in m.rcpt_tos and subject in m.message["Subject"]]


def match_of(applicant, opportunity) -> Match:
    return db.session.scalars(
        select(Match).where(Match.applicant_id == applicant.id, Match.opportunity_id == opportunity.id)
    ).one()


# ---------------------------------------------------------------------------------------------
# Outcome letters


def test_outcome_letter_explains_each_choice_and_lists_open_places_and_the_next_round(
    app, client, auth, scene, smtp_sink
):
    lucas, rosa, omar = scene["lucas"], scene["rosa"], scene["omar"]
    # Lucas turned optional match news off: the outcome letter is essential and still comes.
    set_frequency(db.session, lucas, "matching", "off")
    db.session.commit()
    publish_round(client, auth)
    create_round(client, name="East Africa 2028")  # being prepared: the letters point to it
    write_and_send(app)

    letters = {letter.applicant_id: letter for letter in db.session.scalars(select(OutcomeLetter))}
    assert set(letters) == {lucas.id, rosa.id, omar.id}  # nobody who was offered a place
    assert [(c["title"], c["kind"]) for c in letters[lucas.id].choices] == [
        ("Muhimbili elective", "ranked_higher"),
        ("Kenyatta elective", "ranked_higher"),
    ]
    assert (
        letters[lucas.id].choices[0]["reason"]
        == "Its places went to applicants the host ranked higher than you."
    )
    (rosa_choice,) = letters[rosa.id].choices
    assert rosa_choice["kind"] == "rule"
    assert (
        rosa_choice["reason"].startswith("It needs basic ")
        and "your profile does not list" in rosa_choice["reason"]
    )
    assert [(c["kind"], c["reason"]) for c in letters[omar.id].choices] == [
        ("not_ranked", "The host did not rank you among its applicants.")
    ]

    (mail,) = received(smtp_sink, lucas.email, "no place for you this time")
    assert (
        "1. Muhimbili elective: Its places went to applicants the host ranked higher than you." in mail.text
    )
    assert "Mbarara elective" in mail.text and "Fellows' teaching visit" not in mail.text
    assert "The next round, East Africa 2028, is being prepared" in mail.text
    # Its unsubscribe link changes only the optional "matching" mail, and says so.
    assert "Emails like this one are always sent" in mail.text
    token = mail.message["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (lucas.id, "matching")


def test_outcome_letter_page_opens_from_my_applications_and_offers_places_to_apply_to(
    app, client, auth, scene
):
    publish_round(client, auth)
    write_and_send(app)
    lucas = scene["lucas"]
    letter = db.session.scalars(select(OutcomeLetter).where(OutcomeLetter.applicant_id == lucas.id)).one()
    auth.logout()
    auth.login_as(lucas)
    mine = client.get("/applications").get_data(as_text=True)
    assert mine.count("standing-not_offered") == 2 and f"/placements/letters/{letter.id}" in mine
    assert f"/placements/letters/{letter.id}" in client.get("/dashboard").get_data(as_text=True)
    page = client.get(f"/placements/letters/{letter.id}").get_data(as_text=True)
    assert "Outcome of East Africa 2027" in page
    assert "Its places went to applicants the host ranked higher than you." in page
    assert f"/opportunities/{scene['mbarara'].id}/apply" in page
    assert "Fellows&#39; teaching visit" not in page and "Fellows' teaching visit" not in page
    auth.logout()
    auth.login_as(scene["omar"])
    assert client.get(f"/placements/letters/{letter.id}").status_code == 404


def test_offers_and_outcome_letters_cannot_be_switched_off(client, auth, users):
    student = auth.login("student")
    with pytest.raises(DomainError):
        set_frequency(db.session, student, "offers", "off")
    client.post("/account/notifications", data={"offers": "off", "matching": "weekly"})
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "outcome letters after a round and reminders to reply are always sent" in page
    assert 'name="offers"' not in page


# ---------------------------------------------------------------------------------------------
# Standings, acceptance, receipts


def test_my_applications_show_each_standing_and_accepting_closes_the_others(
    app, client, auth, scene, smtp_sink
):
    amina, k, m = scene["amina"], scene["kenyatta"], scene["muhimbili"]
    auth.login_as(amina)
    assert client.get("/applications").get_data(as_text=True).count("standing-submitted") == 2
    auth.logout()
    auth.login("coordinator")
    match_round = create_round(client)
    first = run(client, match_round)
    auth.logout()
    auth.login_as(amina)
    assert client.get("/applications").get_data(as_text=True).count("standing-in_round") == 2
    auth.logout()
    auth.login("coordinator")
    approve_all(client, first)
    client.post(f"/coordination/runs/{first.id}/publish", data={**CONFIRM, "response_deadline": DEADLINE})
    write_and_send(app)
    auth.logout()

    auth.login_as(amina)
    page = client.get("/applications").get_data(as_text=True)
    assert "Offered" in page and f"Reply by {DEADLINE.day} {DEADLINE:%B %Y}" in page
    assert "Not offered in East Africa 2027" in page
    offer = match_of(amina, k)
    ledger = Ledger(db.session)
    response = client.post(f"/placements/{offer.id}/accept", follow_redirects=True)
    assert "Your other applications are now closed" in response.get_data(as_text=True)
    ledger.expect({offer.id: "accepted"}, {})
    page = client.get("/applications").get_data(as_text=True)
    assert "Accepted" in page and "You accepted a place at Kenyatta elective" in page
    assert "so your other applications are closed" in page
    # The dashboard lists the accepted place first, although it is her second choice.
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert dashboard.index("Kenyatta elective") < dashboard.index("Muhimbili elective")

    deliver_due(db.session)
    (receipt,) = received(smtp_sink, amina.email, "Your place is confirmed: Kenyatta elective")
    assert "closed your other application: Muhimbili elective" in receipt.text
    assert "Before you leave:" in receipt.text and "/placements/calendar/" in receipt.text
    assert m.title not in {r.message["Subject"] for r in smtp_sink.received if amina.email in r.rcpt_tos}


def test_accepting_rejects_proposals_in_a_round_not_yet_published_and_frees_their_places(
    app, client, auth, scene
):
    amina, k, m = scene["amina"], scene["kenyatta"], scene["muhimbili"]
    publish_round(client, auth)
    # A second round, still open, approved Amina elsewhere before she answered.
    other = scene["mbarara"]
    builder_round = create_round(client, name="Uganda 2027", regions=[], subregions=["Eastern Africa"])
    second = run(client, builder_round)
    approved = Match(run=second, applicant_id=amina.id, opportunity_id=other.id, status="approved")
    db.session.add(approved)
    other.places_filled += 1
    db.session.commit()
    auth.logout()
    auth.login_as(amina)
    offer = match_of(amina, k)
    ledger = Ledger(db.session)
    client.post(f"/placements/{offer.id}/accept")
    ledger.expect({offer.id: "accepted", approved.id: "rejected"}, {other.id: -1})
    assert (
        db.session.get(Match, approved.id).events[-1].reason
        == "the applicant accepted a place at Kenyatta elective"
    )
    assert m.id  # Muhimbili untouched: no match of hers there


def test_applying_sends_a_receipt_or_a_digest_line(client, auth, scene, smtp_sink):
    lucas, mbarara = scene["lucas"], scene["mbarara"]
    auth.login_as(lucas)
    response = client.post(f"/opportunities/{mbarara.id}/apply", data={"motivation": "I know the ward."})
    assert response.status_code == 302
    deliver_due(db.session)
    (receipt,) = received(smtp_sink, lucas.email, "You applied to Mbarara elective")
    assert "It is choice 3 in your list" in receipt.text
    set_frequency(db.session, lucas, "matching", "daily")
    db.session.commit()
    client.post(f"/opportunities/{scene['amharic'].id}/apply", data={"motivation": ""})
    deliver_due(db.session)
    assert not received(smtp_sink, lucas.email, "You applied to Addis Ababa elective")
    assert db.session.scalars(select(DigestItem.text).where(DigestItem.user_id == lucas.id)).all() == [
        "You applied to Addis Ababa elective (choice 4)"
    ]


# ---------------------------------------------------------------------------------------------
# Declined places, waitlist offers, hosts


def test_declined_place_is_never_proposed_again_and_the_history_says_why(app, client, auth, scene, smtp_sink):
    amina, k = scene["amina"], scene["kenyatta"]
    coordinator, _ = publish_round(client, auth)
    auth.logout()
    auth.login_as(amina)
    declined = match_of(amina, k)
    client.post(f"/placements/{declined.id}/decline")
    deliver_due(db.session)
    assert received(smtp_sink, amina.email, "You declined the place at Kenyatta elective")
    auth.logout()

    auth.login_as(coordinator)
    second = run(client, create_round(client, name="East Africa, second round"))
    pairs = {
        (m.applicant_id, m.opportunity_id)
        for m in db.session.scalars(select(Match).where(Match.run_id == second.id))
    }
    assert (amina.id, k.id) not in pairs
    second = db.session.get(MatchRun, second.id)
    assert second.parameters["left_out"] == [[amina.id, k.id]]
    assert second.counts["pairs_left_out_declined_or_expired"] == 1
    page = client.get(f"/coordination/matches/{declined.id}").get_data(as_text=True)
    assert "Left out of later rounds" in page and "Amina declined this place" in page
    assert f"/coordination/runs/{second.id}" in page


def test_waitlist_offer_says_where_it_comes_from_and_waits_in_the_coordinators_next_steps(
    app, client, auth, scene, smtp_sink
):
    amina, lucas, k = scene["amina"], scene["lucas"], scene["kenyatta"]
    coordinator, first = publish_round(client, auth)
    assert "waitlist offer" not in client.get("/dashboard").get_data(as_text=True)
    auth.logout()
    auth.login_as(amina)
    client.post(f"/placements/{match_of(amina, k).id}/decline")
    auth.logout()
    auth.login_as(coordinator)
    todo = client.get("/dashboard").get_data(as_text=True)
    assert "Approve 1 waitlist offer" in todo and "a place was freed" in todo
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    client.post(
        f"/coordination/runs/{first.id}/decide", data={"match_id": [str(offer.id)], "action": "approve"}
    )
    assert "waitlist offer" not in client.get("/dashboard").get_data(as_text=True)
    write_and_send(app)
    (mail,) = received(smtp_sink, lucas.email, "A place was freed and is offered to you: Kenyatta elective")
    assert "you were next on the waitlist" in mail.text
    auth.logout()
    auth.login_as(lucas)
    assert "a place was freed, and you were next" in client.get("/placements").get_data(as_text=True)
    assert "you were next on the waitlist" in client.get("/applications").get_data(as_text=True)


def test_hosts_get_one_email_per_publication_listing_all_their_matches(app, client, auth, scene, smtp_sink):
    publish_round(client, auth)
    write_and_send(app)
    host = scene["host"]
    host_mail = [m for m in smtp_sink.received if host.email in m.rcpt_tos]
    assert [m.message["Subject"] for m in host_mail] == ["3 matches for your opportunities"]
    assert all(f"{scene[n].name}: " in host_mail[0].text for n in ("amina", "neema", "david"))
