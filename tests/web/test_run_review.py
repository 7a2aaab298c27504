"""Reviewing a run: approve all a filter selects, score bands, unmatched and unfilled, emails after."""

import html

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Match, MatchEvent, Opportunity
from tests.support.capacity import Ledger
from tests.support.rounds import CONFIRM, RoundBuilder, create_round, host_orders, run


def statuses(run_) -> dict[str, str]:
    rows = db.session.scalars(select(Match).where(Match.run_id == run_.id))
    return {m.applicant.name: m.status for m in rows}


def test_approve_all_approves_every_proposal_and_holds_the_places(client, auth, world, bystanders):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    assert set(statuses(run_).values()) == {"proposed"} and len(statuses(run_)) == 3
    page = client.get(f"/coordination/runs/{run_.id}").get_data(as_text=True)
    assert "Approve every proposed match of this run" in page
    ledger = Ledger(db.session)

    response = client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM, follow_redirects=True)
    assert "3 matches approved." in response.get_data(as_text=True)
    in_run = db.session.scalars(select(Match.id).where(Match.run_id == run_.id)).all()
    ledger.expect(dict.fromkeys(in_run, "approved"), {world["muhimbili"].id: +1, world["kenyatta"].id: +2})
    events = db.session.scalar(
        select(func.count())
        .select_from(MatchEvent)
        .join(Match)
        .where(
            Match.run_id == run_.id, MatchEvent.to_status == "approved", MatchEvent.from_status == "proposed"
        )
    )
    assert events == 3
    # Nothing left to approve: said plainly, nothing changes.
    again = client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM, follow_redirects=True)
    assert "No proposed match fits these filters." in again.get_data(as_text=True)
    ledger.unchanged()


def test_approve_all_follows_the_filters(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    west = client.post(
        f"/coordination/runs/{run_.id}/approve-all", data={**CONFIRM, "region": "Western Africa"}
    )
    assert west.status_code == 302 and "region=Western" in west.headers["Location"]
    assert set(statuses(run_).values()) == {"proposed"}  # both electives are in Eastern Africa
    client.post(
        f"/coordination/runs/{run_.id}/approve-all", data={**CONFIRM, "region": "Eastern Africa", "band": "x"}
    )
    assert set(statuses(run_).values()) == {"approved"}


def test_an_opportunity_without_room_for_all_its_proposals_keeps_them_proposed(client, auth, users, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    kenyatta = world["kenyatta"]
    # Meanwhile another round's placement takes one of Kenyatta's two places.
    builder = RoundBuilder(db.session)
    builder.match(builder.run(builder.round("Elsewhere")), users.create(), kenyatta, "accepted")
    ledger = Ledger(db.session)
    response = client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "1 match approved." in text
    assert "2 proposed at 1 opportunity without enough free places stay proposed" in text
    by_place = {
        m.opportunity.title: m.status
        for m in db.session.scalars(select(Match).where(Match.run_id == run_.id))
    }
    assert by_place["Muhimbili elective"] == "approved" and by_place["Kenyatta elective"] == "proposed"
    approved = db.session.scalars(select(Match.id).where(Match.run_id == run_.id, Match.status == "approved"))
    ledger.expect(dict.fromkeys(approved, "approved"), {world["muhimbili"].id: +1})


def test_approve_all_needs_a_coordinator(app, client, auth, users, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    auth.logout()
    auth.login_as(world["amina"])
    assert client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM).status_code == 403
    assert set(statuses(run_).values()) == {"proposed"}


def test_review_shows_the_first_unmatched_and_the_rest_page_by_page(client, auth, users, world, monkeypatch):
    from matcher.rounds import unmatched_views, views

    monkeypatch.setattr(views, "UNMATCHED_SHOWN", 1)
    monkeypatch.setattr(unmatched_views, "PER_PAGE", 2)
    for name in ("Zawadi", "Baraka"):
        late = users.create(role="student", name=name)
        users.profile(late, interests=("pph-embolisation",))
        users.application(late, world["muhimbili"], rank=1)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    assert run_.counts["unmatched"] == 3
    review = client.get(f"/coordination/runs/{run_.id}").get_data(as_text=True)
    assert "The first 1 of 3" in review and f"/coordination/runs/{run_.id}/unmatched" in review
    first = client.get(f"/coordination/runs/{run_.id}/unmatched").get_data(as_text=True)
    second = client.get(f"/coordination/runs/{run_.id}/unmatched?page=2").get_data(as_text=True)
    assert "3 applicants without a proposal" in first and "Page 1 of 2" in first
    names = {u.name for u in (world["amina"], world["lucas"], world["david"])} | {"Zawadi", "Baraka"}
    listed = [n for n in names if f"<strong>{n}</strong>" in first] + [
        n for n in names if f"<strong>{n}</strong>" in second
    ]
    assert len(listed) == 3 and len(set(listed)) == 3  # each unmatched applicant exactly once
    assert "was full with 1 applicant it ranked higher" in first + second


def test_review_lists_unfilled_places_with_their_waitlists(client, auth, world):
    kenyatta = db.session.get(Opportunity, world["kenyatta"].id)
    kenyatta.capacity = 5  # more places than applicants
    db.session.commit()
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    at_kenyatta = db.session.scalar(
        select(func.count())
        .select_from(Match)
        .where(Match.run_id == run_.id, Match.opportunity_id == kenyatta.id)
    )
    page = client.get(f"/coordination/runs/{run_.id}").get_data(as_text=True)
    section = page[page.index("<h2>Unfilled places</h2>") :]
    assert f"Kenyatta elective</a>: {5 - at_kenyatta} places; waitlist 0" in section
    assert "Muhimbili elective" not in section  # its one place is proposed


def test_a_rejected_match_gets_no_email_and_a_broken_job_holds_back_no_other(app, client, auth, world):
    from datetime import date, timedelta

    from matcher.mail import jobs
    from matcher.models import OutboxJob, OutboxMessage

    auth.login("coordinator")
    run_ = run(client, create_round(client))
    rejected = db.session.scalars(select(Match).where(Match.run_id == run_.id).order_by(Match.id)).first()
    client.post(
        f"/coordination/runs/{run_.id}/decide", data={"match_id": [str(rejected.id)], "action": "reject"}
    )
    client.post(f"/coordination/runs/{run_.id}/approve-all", data=CONFIRM)
    # A job of an unknown kind stands for any job that fails: it must not stop the run's emails.
    db.session.add(OutboxJob(kind="broken", payload={}))
    db.session.commit()
    reply_by = (date.today() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/coordination/runs/{run_.id}/publish",
        data={"confirm": "yes", "response_deadline": reply_by},
        follow_redirects=True,
    )
    assert "Published 2 matches" in response.get_data(as_text=True)
    db.session.commit()  # the test's own savepoint starts after the publication (see conftest)
    with app.test_request_context():
        jobs.expand_jobs(db.session)
    told = set(
        db.session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.template == "match_published")
        )
    )
    published = db.session.scalars(
        select(Match).where(Match.run_id == run_.id, Match.status == "published")
    ).all()
    assert told == {m.applicant.email for m in published} and len(told) == 2
    assert db.session.get(Match, rejected.id).applicant.email not in told
    kinds = dict(db.session.execute(select(OutboxJob.kind, OutboxJob.done_at.is_not(None))).all())
    assert kinds == {"run_published": True, "broken": False}  # the broken one waits for a fix


def test_a_round_cannot_be_created_with_a_reply_by_date_in_the_past(client, auth):
    from matcher.models.matching import MatchRound

    auth.login("coordinator")
    before = db.session.scalar(select(func.count()).select_from(MatchRound))
    response = client.post(
        "/coordination/rounds/new",
        data={"name": "Late", "mode": "ranked", "regions": ["Africa"], "response_deadline": "2020-01-01"},
    )
    assert response.status_code in (200, 422)
    assert "The reply-by date has passed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MatchRound)) == before


def test_unmatched_applicants_are_told_which_constraint_they_fail(client, auth, users, world):
    resident = users.create(role="trainee", name="Rehema")
    users.profile(resident)  # a resident: the electives take students only
    users.application(resident, world["muhimbili"], rank=1)
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    page = client.get(f"/coordination/runs/{run_.id}/unmatched").get_data(as_text=True)
    section = page[page.index("<strong>Rehema</strong>") :]
    assert "Muhimbili elective: not eligible: accepts" in section[:600]
    assert "Rehema&#39;s profile says" in section[:600] and "your profile" not in section[:600]


def test_unmatched_reasons_name_the_applicant_for_coordinators(client, auth, users, world):
    auth.login("coordinator")
    match_round = create_round(client)
    # Kenyatta ranks only Neema: Amina and Lucas were not ranked there.
    host_orders(db.session, {world["kenyatta"]: [world["neema"]]})
    run_ = run(client, match_round)
    page = client.get(f"/coordination/runs/{run_.id}/unmatched").get_data(as_text=True)
    unranked = [n for n in ("Amina", "Lucas", "David") if f"Kenyatta elective did not rank {n}" in page]
    assert unranked and "did not rank you" not in page
    # A run stored before reasons carried their codes keeps its words.
    applicant_id, reasons = next(iter(run_.unmatched.items()))
    run_.unmatched = {applicant_id: [[opportunity_id, words] for opportunity_id, words, *_ in reasons]}
    db.session.commit()
    page = html.unescape(client.get(f"/coordination/runs/{run_.id}/unmatched").get_data(as_text=True))
    assert all(words in page for _, words in run_.unmatched[applicant_id])


def test_score_bands_follow_the_score_as_shown(client, auth, world):
    auth.login("coordinator")
    run_ = run(client, create_round(client))
    match = db.session.scalars(select(Match).where(Match.run_id == run_.id)).first()
    match.score = 0.4987  # shown as 0.50
    db.session.commit()
    low = client.get(f"/coordination/runs/{run_.id}?band=low").get_data(as_text=True)
    medium = client.get(f"/coordination/runs/{run_.id}?band=medium").get_data(as_text=True)
    checkbox = f'name="match_id" value="{match.id}"'
    assert checkbox not in low and checkbox in medium
    assert "<strong>0.50</strong>" in medium
