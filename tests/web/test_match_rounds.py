"""The core loop: a coordinator runs a round, approves, publishes; applicants answer; places move on."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail.jobs import expand_jobs
from matcher.models import Match, MatchEvent, MatchRun, Opportunity, OutboxJob, OutboxMessage
from matcher.models.matching import MatchRound

TODAY = date.today()


@pytest.fixture
def world(users):
    """Two electives in East Africa and four students who applied to them in different orders."""
    org = users.organisation(name="Road2IR", slug="road2ir")
    host = users.create(role="org_member", organisation=org, email="host@road2ir.example")
    muhimbili = users.opportunity(
        org, title="Muhimbili elective", capacity=1, interests=("pph-embolisation",)
    )
    kenyatta = users.opportunity(
        org, title="Kenyatta elective", capacity=2, country_code="KE", interests=("biliary-drainage",)
    )
    students = {}
    for name, choices in {
        "amina": [muhimbili, kenyatta],
        "lucas": [muhimbili, kenyatta],
        "neema": [kenyatta],
        "david": [muhimbili],
    }.items():
        student = users.create(role="student", email=f"{name}@example.org", name=name.capitalize())
        users.profile(student, interests=("pph-embolisation", "biliary-drainage"))
        for rank, opportunity in enumerate(choices, start=1):
            users.application(student, opportunity, rank=rank)
        students[name] = student
    return {"org": org, "host": host, "muhimbili": muhimbili, "kenyatta": kenyatta, **students}


def create_round(client, **extra) -> MatchRound:
    data = {"name": "East Africa 2027", "mode": "ranked", "regions": ["Africa"], **extra}
    response = client.post("/coordination/rounds/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()


def run(client, match_round, seed=7) -> MatchRun:
    response = client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": str(seed)})
    assert response.status_code == 302
    return db.session.scalars(select(MatchRun).order_by(MatchRun.id.desc())).first()


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


def approve_all(client, run_: MatchRun) -> None:
    ids = [str(i) for i in db.session.scalars(select(Match.id).where(Match.run_id == run_.id))]
    response = client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": ids, "action": "approve"}
    )
    assert response.status_code == 302


def test_whole_loop_approve_publish_accept_decline_and_waitlist(app, client, auth, users, world):
    coordinator = auth.login("coordinator")
    match_round = create_round(client)
    first = run(client, match_round)
    approve_all(client, first)
    assert db.session.get(Opportunity, world["kenyatta"].id).places_filled == 2
    deadline = TODAY + timedelta(days=10)
    client.post(f"/coordination/runs/{first.id}/publish", data={"response_deadline": deadline.isoformat()})
    published = list(db.session.scalars(select(Match).where(Match.run_id == first.id)))
    assert {m.status for m in published} == {"published"}
    # Publication records one job in its transaction; the mail worker writes the emails from it.
    assert db.session.scalars(select(OutboxJob.kind)).all() == ["run_published"]
    with app.test_request_context():
        expand_jobs(db.session)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "match_published")).all()
    assert sorted(m.to_address for m in mails) == sorted(m.applicant.email for m in published)
    assert db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.template == "match_published_host")
    ) == len(published)
    auth.logout()

    # One applicant accepts, the Kenyatta one who declines frees a place for the waitlist.
    accepter, decliner = (
        published[0],
        next(m for m in published[1:] if m.opportunity_id == world["kenyatta"].id),
    )
    auth.login_as(accepter.applicant)
    page = client.get("/placements").get_data(as_text=True)
    assert f"Reply by {deadline:%d %B %Y}" in page
    client.post(f"/placements/{accepter.id}/accept")
    assert db.session.get(Match, accepter.id).status == "accepted"
    auth.logout()
    auth.login_as(decliner.applicant)
    client.post(f"/placements/{decliner.id}/decline")
    assert db.session.get(Match, decliner.id).status == "declined"
    kenyatta = db.session.get(Opportunity, world["kenyatta"].id)
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one_or_none()
    unmatched = {m.applicant_id for m in published} ^ {
        world[n].id for n in ("amina", "lucas", "neema", "david")
    }
    # The one unmatched applicant is on Kenyatta's waitlist exactly when they applied there.
    applied_to_kenyatta = unmatched & {world["amina"].id, world["lucas"].id, world["neema"].id}
    assert (offer is not None) == bool(applied_to_kenyatta)
    if offer is not None:
        assert offer.applicant_id in unmatched and offer.status == "proposed"
        assert kenyatta.places_filled == 1
        auth.logout()
        auth.login_as(coordinator)
        client.post(
            f"/coordination/runs/{first.id}/decide", data={"match_id": [str(offer.id)], "action": "approve"}
        )
        assert db.session.get(Match, offer.id).status == "published"
        assert db.session.get(Opportunity, kenyatta.id).places_filled == 2
        offered = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "waitlist_offer")
        ).one()
        assert offered.user_id == offer.applicant_id
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
        data={"response_deadline": (TODAY + timedelta(days=5)).isoformat()},
    )
    placed = db.session.scalars(select(Match).where(Match.run_id == run_.id)).one()
    waiting = second if placed.applicant_id == first.id else first
    auth.logout()
    auth.login_as(placed.applicant)
    client.post(f"/placements/{placed.id}/decline")
    offer = db.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    assert offer.applicant_id == waiting.id and offer.status == "proposed"
    auth.logout()
    auth.login_as(coordinator)
    client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(offer.id)], "action": "approve"}
    )
    assert db.session.get(Match, offer.id).status == "published"


def test_approving_never_exceeds_capacity(client, auth, users):
    org = users.organisation(name="Road2IR", slug="road2ir")
    opportunity = users.opportunity(org, capacity=1)
    student = users.create(role="student")
    users.profile(student)
    users.application(student, opportunity, rank=1)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).one()
    opportunity.places_filled = 1  # another decision took the last place meanwhile
    db.session.commit()
    response = client.post(
        f"/coordination/runs/{run_.id}/decide",
        data={"match_id": [str(match.id)], "action": "approve"},
        follow_redirects=True,
    )
    assert "has no place left" in response.get_data(as_text=True)
    assert db.session.get(Match, match.id).status == "proposed"
    assert db.session.get(Opportunity, opportunity.id).places_filled == 1


def test_publishing_an_empty_run_is_refused(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    response = client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"response_deadline": (TODAY + timedelta(days=5)).isoformat()},
        follow_redirects=True,
    )
    assert "no approved match to publish" in response.get_data(as_text=True)
    assert db.session.get(MatchRound, run_.round_id).status == "open"


def published_then_overdue(client, auth) -> Match:
    """A run approved and published, one of its matches past its reply deadline."""
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    approve_all(client, run_)
    client.post(f"/coordination/runs/{run_.id}/publish", data={"response_deadline": TODAY.isoformat()})
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).first()
    match.response_deadline = TODAY - timedelta(days=1)
    db.session.commit()
    return match


def test_accepting_after_the_deadline_is_refused(client, auth, users, world):
    match = published_then_overdue(client, auth)
    auth.logout()
    auth.login_as(match.applicant)
    response = client.post(f"/placements/{match.id}/accept", follow_redirects=True)
    assert "it has passed" in response.get_data(as_text=True)
    assert db.session.get(Match, match.id).status == "published"


def test_expiry_frees_the_place(client, auth, runner, world):
    match = published_then_overdue(client, auth)
    filled = db.session.get(Opportunity, match.opportunity_id).places_filled
    result = runner.invoke(args=["match", "expire"])
    assert "1 match expired" in result.output
    assert db.session.get(Match, match.id).status == "expired"
    assert db.session.get(Opportunity, match.opportunity_id).places_filled == filled - 1


def test_only_coordinators_run_or_approve_and_applicants_answer_only_their_own(client, auth, users, world):
    auth.login("coordinator")
    match_round = create_round(client)
    run_ = run(client, match_round)
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    auth.logout()
    auth.login_as(world["host"])
    assert client.post(f"/coordination/rounds/{match_round.id}/run", data={"seed": "1"}).status_code == 403
    assert client.get(f"/coordination/runs/{run_.id}").status_code == 403
    auth.logout()
    mine, theirs = db.session.scalars(select(Match).where(Match.run_id == run_.id)).all()[:2]
    auth.login_as(mine.applicant)
    assert client.post(f"/placements/{theirs.id}/accept").status_code == 404
    assert db.session.get(Match, theirs.id).status == "published"
    assert (
        client.post(
            f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(mine.id)], "action": "reject"}
        ).status_code
        == 403
    )


def test_host_cancels_with_a_reason_and_the_applicant_is_told(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    auth.logout()
    auth.login_as(world["host"])
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).first()
    assert client.post(f"/placements/{match.id}/cancel", data={"reason": " "}).status_code == 302
    assert db.session.get(Match, match.id).status == "published"
    client.post(f"/placements/{match.id}/cancel", data={"reason": "The IR suite is closed for renovation."})
    assert db.session.get(Match, match.id).status == "cancelled"
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "placement_cancelled")
    ).one()
    assert mail.user_id == match.applicant_id and "renovation" in mail.body_text


def test_audit_trail_covers_a_match_s_whole_life(client, auth, world):
    coordinator = auth.login("coordinator")
    run_ = run(client, create_round(client))
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).first()
    client.post(
        f"/coordination/runs/{run_.id}/decide",
        data={"match_id": [str(match.id)], "action": "reject", "reason": "check dates"},
    )
    client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(match.id)], "action": "approve"}
    )
    approve_all(client, run_)
    client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"response_deadline": (TODAY + timedelta(days=3)).isoformat()},
    )
    auth.logout()
    auth.login_as(match.applicant)
    client.post(f"/placements/{match.id}/accept")
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
        data={"response_deadline": (TODAY + timedelta(days=3)).isoformat()},
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
