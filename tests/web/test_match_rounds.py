"""The core loop: a coordinator runs a round, approves, publishes; applicants answer; places move on."""

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail.jobs import expand_jobs
from matcher.models import Match, MatchEvent, MatchRun, OutboxJob, OutboxMessage, User
from matcher.models.matching import MatchRound
from tests.support.capacity import Ledger
from tests.support.rounds import RoundBuilder, approve_all, create_round, host_orders, run

TODAY = date.today()


def matches(run_: MatchRun) -> dict[str, str]:
    rows = db.session.scalars(select(Match).where(Match.run_id == run_.id))
    return {m.applicant.name: m.opportunity.title for m in rows}


def test_round_proposes_a_stable_allocation_with_explanations(client, auth, world):
    auth.login("coordinator")
    match_round = create_round(client)
    first = run(client, match_round)
    proposed = matches(first)
    # Capacity 1 at Muhimbili, 2 at Kenyatta; everyone eligible, so four places for four people... minus one.
    assert len(proposed) == 3 and list(proposed.values()).count("Muhimbili elective") == 1
    assert first.counts["proposed"] == 3 and first.counts["unmatched"] == 1
    page = client.get(f"/coordination/runs/{first.id}").get_data(as_text=True)
    assert "Why this match" in page and "Unmatched applicants" in page
    unmatched_name = ({"Amina", "Lucas", "David", "Neema"} - set(proposed)).pop()
    assert unmatched_name in page and "was full with 1 applicant it ranked higher" in page


def test_a_completed_placement_frees_its_applicant_and_an_accepted_one_does_not(client, auth, users, world):
    builder = RoundBuilder(db.session)
    earlier = builder.run(builder.round("Last year"))
    past = users.opportunity(title="Last year's elective", country_code="NP")
    builder.match(earlier, world["amina"], past, "completed")
    builder.match(
        earlier, world["lucas"], users.opportunity(title="Held elsewhere", country_code="NP"), "accepted"
    )
    db.session.commit()
    auth.login("coordinator")
    first = run(client, create_round(client))
    considered = {m.applicant.name for m in db.session.scalars(select(Match).where(Match.run_id == first.id))}
    considered |= {db.session.get(User, int(a)).name for a in first.unmatched}
    assert "Amina" in considered  # back for another elective once the last one is over
    assert "Lucas" not in considered  # still holds a place
    assert first.counts["excluded_placed"] == 1


def test_same_seed_same_inputs_give_the_same_matches(client, auth, world):
    auth.login("coordinator")
    match_round = create_round(client)
    first, second = run(client, match_round, seed=11), run(client, match_round, seed=11)
    assert matches(first) == matches(second)
    assert first.inputs_hash == second.inputs_hash and first.seed == second.seed == 11
    assert (first.number, second.number) == (1, 2)


def test_compare_two_runs_side_by_side(client, auth, world):
    auth.login("coordinator")
    match_round = create_round(client)
    a, b = run(client, match_round, seed=1), run(client, match_round, seed=2)
    page = client.get(f"/coordination/compare?a={a.id}&b={b.id}").get_data(as_text=True)
    assert "Matches per sub-region" in page and "Eastern Africa" in page


def test_whole_loop_approve_publish_accept_decline_and_waitlist(app, client, auth, world, bystanders):
    m, k = world["muhimbili"], world["kenyatta"]
    amina, lucas, neema, david = (world[n] for n in ("amina", "lucas", "neema", "david"))
    pin_the_outcome(world)
    coordinator = auth.login("coordinator")
    match_round = create_round(client)
    first = run(client, match_round)
    ledger = Ledger(db.session)
    proposed = {
        row.applicant_id: row for row in db.session.scalars(select(Match).where(Match.run_id == first.id))
    }
    assert {a: row.opportunity_id for a, row in proposed.items()} == {
        david.id: m.id,
        neema.id: k.id,
        amina.id: k.id,
    }

    approve_all(client, first)
    ledger.expect({row.id: "approved" for row in proposed.values()}, {m.id: +1, k.id: +2})
    deadline = TODAY + timedelta(days=10)
    client.post(
        f"/coordination/runs/{first.id}/publish",
        data={"confirm": "yes", "response_deadline": deadline.isoformat()},
    )
    ledger.expect({row.id: "published" for row in proposed.values()}, {})
    # Publication records one job in its transaction; the mail worker writes the emails from it.
    assert db.session.scalars(select(OutboxJob.kind)).all() == ["run_published"]
    with app.test_request_context():
        expand_jobs(db.session)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "match_published")).all()
    assert sorted(mail.to_address for mail in mails) == sorted(u.email for u in (amina, neema, david))
    # The host hears once, in one email listing all three matches at its two opportunities.
    (host_mail,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "match_published_host")
    ).all()
    assert (
        host_mail.to_address == world["host"].email
        and host_mail.subject == "3 matches for your opportunities"
    )
    assert all(f"{u.name}: " in host_mail.body_text for u in (amina, neema, david))
    # Lucas, in the round's scope with no offer, gets an outcome letter instead.
    (letter,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "outcome_letter")
    ).all()
    assert letter.user_id == lucas.id and letter.category == "offers"
    auth.logout()

    # David accepts; Amina declines, which frees a Kenyatta place for the waitlist.
    accepter, decliner = proposed[david.id], proposed[amina.id]
    auth.login_as(david)
    page = client.get("/placements").get_data(as_text=True)
    assert f"Reply by {deadline:%-d %B %Y}" in page
    client.post(f"/placements/{accepter.id}/accept")
    ledger.expect({accepter.id: "accepted"}, {})
    auth.logout()
    auth.login_as(amina)
    client.post(f"/placements/{decliner.id}/decline")
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    ledger.expect({decliner.id: "declined", offer.id: "proposed"}, {k.id: -1})
    assert (offer.applicant_id, offer.opportunity_id, offer.run_id) == (lucas.id, k.id, first.id)
    auth.logout()

    auth.login_as(coordinator)
    client.post(
        f"/coordination/runs/{first.id}/decide", data={"match_id": [str(offer.id)], "action": "approve"}
    )
    ledger.expect({offer.id: "published"}, {k.id: +1})
    assert db.session.get(Match, offer.id).response_deadline == deadline
    offered = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "waitlist_offer")
    ).one()
    assert offered.user_id == lucas.id
    host_mail = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.template == "match_answered", OutboxMessage.to_address == world["host"].email
        )
    ).all()
    assert len(host_mail) == 2


def test_waitlist_offers_the_freed_place_to_the_next_applicant(client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    only = users.opportunity(org, title="One place", capacity=1)
    first, second = (users.create(role="student", email=f"{n}@example.org") for n in ("first", "second"))
    for student in (first, second):
        users.profile(student)
        users.application(student, only, rank=1)
    coordinator = auth.login("coordinator")
    match_round = create_round(client)
    run_ = run(client, match_round)
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": (TODAY + timedelta(days=5)).isoformat()},
    )
    placed = db.session.scalars(select(Match).where(Match.run_id == run_.id)).one()
    waiting = second if placed.applicant_id == first.id else first
    ledger = Ledger(db.session)
    auth.logout()
    auth.login_as(placed.applicant)
    client.post(f"/placements/{placed.id}/decline")
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    ledger.expect({placed.id: "declined", offer.id: "proposed"}, {only.id: -1})
    assert offer.applicant_id == waiting.id
    auth.logout()
    auth.login_as(coordinator)
    client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(offer.id)], "action": "approve"}
    )
    ledger.expect({offer.id: "published"}, {only.id: +1})


def test_approving_never_exceeds_capacity(client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    opportunity = users.opportunity(org, capacity=1)
    student = users.create(role="student")
    users.profile(student)
    users.application(student, opportunity, rank=1)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).one()
    # Meanwhile another round's approval takes the one place.
    builder = RoundBuilder(db.session)
    builder.match(
        builder.run(builder.round("Elsewhere")), users.create(role="student"), opportunity, "approved"
    )
    ledger = Ledger(db.session)
    response = client.post(
        f"/coordination/runs/{run_.id}/decide",
        data={"match_id": [str(match.id)], "action": "approve"},
        follow_redirects=True,
    )
    assert "has no place left" in response.get_data(as_text=True)
    ledger.unchanged()


def test_publishing_an_empty_run_is_refused(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    ledger = Ledger(db.session)
    response = client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": (TODAY + timedelta(days=5)).isoformat()},
        follow_redirects=True,
    )
    assert "no approved match to publish" in response.get_data(as_text=True)
    assert db.session.get(MatchRound, run_.round_id).status == "open"
    ledger.unchanged()


def pin_the_outcome(world) -> None:
    """The hosts' orders decide the run, not the lottery: David takes Muhimbili's place, Neema and
    Amina Kenyatta's two, and Lucas, unmatched, heads Kenyatta's waitlist."""
    amina, lucas, neema, david = (world[n] for n in ("amina", "lucas", "neema", "david"))
    host_orders(
        db.session, {world["muhimbili"]: [david, amina, lucas], world["kenyatta"]: [neema, amina, lucas]}
    )


def published_then_overdue(client, auth, world) -> Match:
    """A run approved and published (outcome pinned), Amina's Kenyatta match past its reply deadline."""
    pin_the_outcome(world)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": TODAY.isoformat()},
    )
    match = db.session.scalars(
        select(Match).where(Match.run_id == run_.id, Match.applicant_id == world["amina"].id)
    ).one()
    match.response_deadline = TODAY - timedelta(days=1)
    db.session.commit()
    return match


def test_accepting_after_the_deadline_is_refused(client, auth, world):
    match = published_then_overdue(client, auth, world)
    ledger = Ledger(db.session)
    auth.logout()
    auth.login_as(match.applicant)
    response = client.post(f"/placements/{match.id}/accept", follow_redirects=True)
    assert "it has passed" in response.get_data(as_text=True)
    ledger.unchanged()


def test_expiry_frees_the_place_and_offers_it_to_the_waitlist(client, auth, runner, world, bystanders):
    match = published_then_overdue(client, auth, world)
    ledger = Ledger(db.session)
    result = runner.invoke(args=["match", "expire"])
    assert "1 match expired" in result.output
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    ledger.expect({match.id: "expired", offer.id: "proposed"}, {world["kenyatta"].id: -1})
    assert offer.applicant_id == world["lucas"].id


def test_only_coordinators_run_or_approve_and_applicants_answer_only_their_own(client, auth, users, world):
    auth.login("coordinator")
    match_round = create_round(client)
    run_ = run(client, match_round)
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    ledger = Ledger(db.session)
    auth.logout()
    auth.login_as(world["host"])
    assert client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "1"}).status_code == 403
    assert client.get(f"/coordination/runs/{run_.id}").status_code == 403
    auth.logout()
    mine, theirs = db.session.scalars(select(Match).where(Match.run_id == run_.id)).all()[:2]
    auth.login_as(mine.applicant)
    assert client.post(f"/placements/{theirs.id}/accept").status_code == 404
    assert (
        client.post(
            f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(mine.id)], "action": "reject"}
        ).status_code
        == 403
    )
    ledger.unchanged()


def test_host_cancels_with_a_reason_and_the_applicant_is_told(client, auth, world, bystanders):
    pin_the_outcome(world)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    auth.logout()
    auth.login_as(world["host"])
    match = db.session.scalars(
        select(Match).where(Match.run_id == run_.id, Match.applicant_id == world["amina"].id)
    ).one()
    ledger = Ledger(db.session)
    assert client.post(f"/placements/{match.id}/cancel", data={"reason": " "}).status_code == 422
    ledger.unchanged()
    client.post(f"/placements/{match.id}/cancel", data={"reason": "The IR suite is closed for renovation."})
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    ledger.expect({match.id: "cancelled", offer.id: "proposed"}, {world["kenyatta"].id: -1})
    assert offer.applicant_id == world["lucas"].id
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "placement_cancelled")
    ).one()
    assert mail.user_id == match.applicant_id and "renovation" in mail.body_text


def test_audit_trail_covers_a_match_s_whole_life(client, auth, world, bystanders):
    coordinator = auth.login("coordinator")
    run_ = run(client, create_round(client))
    ledger = Ledger(db.session)
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).first()
    others = db.session.scalars(select(Match).where(Match.run_id == run_.id, Match.id != match.id)).all()
    client.post(
        f"/coordination/runs/{run_.id}/decide",
        data={"match_id": [str(match.id)], "action": "reject", "reason": "check dates"},
    )
    ledger.expect({match.id: "rejected"}, {})
    client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(match.id)], "action": "approve"}
    )
    ledger.expect({match.id: "approved"}, {match.opportunity_id: +1})
    approve_all(client, run_)
    ledger.expect({o.id: "approved" for o in others}, Counter(o.opportunity_id for o in others))
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    ledger.expect({o.id: "published" for o in (match, *others)}, {})
    auth.logout()
    auth.login_as(match.applicant)
    client.post(f"/placements/{match.id}/accept")
    ledger.expect({match.id: "accepted"}, {})
    events = db.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id)
    ).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "proposed"),
        ("proposed", "rejected"),
        ("rejected", "approved"),
        ("approved", "published"),
        ("published", "accepted"),
    ]
    assert events[1].reason == "check dates" and events[1].actor_id == coordinator.id
    assert events[-1].actor_id == match.applicant_id
    auth.logout()
    auth.login_as(coordinator)
    page = client.get(f"/coordination/matches/{match.id}").get_data(as_text=True)
    assert "check dates" in page and "accepted" in page


def test_csv_export_escapes_formulas(client, auth, users):
    org = users.organisation(name='=HYPERLINK("http://evil")', slug="evil")
    opportunity = users.opportunity(org, title="+cmd|' /C calc'!A0", capacity=1)
    student = users.create(role="student", name="@SUM(1+1)")
    users.profile(student)
    users.application(student, opportunity, rank=1)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    body = client.get(f"/coordination/runs/{run_.id}/matches.csv").get_data(as_text=True)
    assert "'@SUM(1+1)" in body and "'+cmd|" in body and "'=HYPERLINK" in body
    for line in body.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "@", "-")), cell


def test_recommendation_round_makes_suggestions_not_matches(client, auth, users, world):
    auth.login("coordinator")
    match_round = create_round(client, mode="recommendation")
    run_ = run(client, match_round)
    assert run_.counts["suggestions"] > 0
    assert db.session.scalar(select(func.count()).select_from(Match).where(Match.run_id == run_.id)) == 0
    assert (
        "these are shown to the applicants as suggestions"
        in client.get(f"/coordination/runs/{run_.id}").get_data(as_text=True).lower()
    )


def test_dashboard_shows_places_filled_with_an_svg_chart(client, auth, world):
    auth.login("coordinator")
    page = client.get("/coordination/dashboard").get_data(as_text=True)
    assert "<svg" in page and "Places filled against capacity" in page and "Africa: 0 of 3" in page


def test_accepted_placements_come_as_a_calendar(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    auth.logout()
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).first()
    auth.login_as(match.applicant)
    client.post(f"/placements/{match.id}/accept")
    page = client.get("/placements").get_data(as_text=True)
    import re

    path = re.search(r'href="http://matcher\.test(/placements/calendar/[^"]+\.ics)"', page).group(1)
    auth.logout()
    ics = client.get(path)
    body = ics.get_data(as_text=True)
    assert ics.mimetype == "text/calendar" and "BEGIN:VEVENT" in body
    assert f"DTSTART;VALUE=DATE:{match.opportunity.starts_on:%Y%m%d}" in body
    assert client.get("/placements/calendar/forged.ics").status_code == 404


def test_applicants_see_their_suggestions(client, auth, users, world):
    auth.login("coordinator")
    run(client, create_round(client, mode="recommendation"))
    auth.logout()
    auth.login_as(world["neema"])
    page = client.get("/placements").get_data(as_text=True)
    assert "Suggested for you" in page and ("Kenyatta elective" in page or "Muhimbili elective" in page)
