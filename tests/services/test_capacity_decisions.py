"""A coordinator's decisions: approve, reject, decide many, approve all, publish, waitlist offers.

Each step is checked by the ledger (places_filled equals the place-holding matches everywhere;
the step moved exactly the rows named), with the scene's bystanders in place: another open round
holding places at another organisation's opportunity (tests/services/conftest.py).
"""

from datetime import date, timedelta

from sqlalchemy import select

from matcher.models import Match, MatchEvent, OutboxJob, OutboxMessage
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.matching import decisions
from matcher.services.matching.decisions import BulkApproval
from tests.support.capacity import Ledger, refused

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=10)


def events(scene, match: Match) -> list[tuple[str | None, str, int | None, str | None]]:
    rows = scene.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id)
    )
    return [(e.from_status, e.to_status, e.actor_id, e.reason) for e in rows]


def test_approving_holds_one_place_at_that_opportunity_only(scene, audited):
    match = scene.match(scene.student("Amina"), scene.elective)
    ledger = Ledger(scene.session)

    decisions.approve(scene.session, scene.coordinator, match.id, "strong fit")

    ledger.expect({match.id: "approved"}, {scene.elective.id: +1})
    assert events(scene, match) == [("proposed", "approved", scene.coordinator.id, "strong fit")]
    assert audited == [
        (
            "match_approved",
            scene.coordinator.id,
            {
                "match_id": match.id,
                "run_id": scene.run.id,
                "opportunity_id": scene.elective.id,
                "applicant_id": match.applicant_id,
                "from_status": "proposed",
                "reason": "strong fit",
            },
        )
    ]


def test_approving_at_a_full_opportunity_is_refused(scene):
    scene.match(scene.student("Neema"), scene.visit, "approved")
    match = scene.match(scene.student("Amina"), scene.visit)
    ledger = Ledger(scene.session)

    with refused(Conflict, "This opportunity has no place left."):
        decisions.approve(scene.session, scene.coordinator, match.id)
    ledger.unchanged()


def test_rejecting_an_approval_frees_its_place_and_no_other(scene):
    match = scene.match(scene.student("Amina"), scene.elective, "approved")
    ledger = Ledger(scene.session)

    decisions.reject(scene.session, scene.coordinator, match.id, "dates clash")

    ledger.expect({match.id: "rejected"}, {scene.elective.id: -1})
    assert events(scene, match)[-1] == ("approved", "rejected", scene.coordinator.id, "dates clash")


def test_rejecting_a_proposal_moves_no_place(scene):
    match = scene.match(scene.student("Amina"), scene.elective)
    ledger = Ledger(scene.session)

    decisions.reject(scene.session, scene.coordinator, match.id)

    ledger.expect({match.id: "rejected"}, {})


def test_only_coordinators_decide(scene):
    match = scene.match(scene.student("Amina"), scene.elective)
    ledger = Ledger(scene.session)
    message = "Only coordinators run and decide match rounds."

    for decide in (decisions.approve, decisions.reject):
        with refused(PermissionDenied, message):
            decide(scene.session, scene.host, match.id)
    with refused(PermissionDenied, message):
        decisions.decide_many(scene.session, scene.host, scene.run, [match.id], "approve", None, TODAY)
    with refused(PermissionDenied, message):
        decisions.approve_all(scene.session, scene.host, scene.run, select(Match))
    with refused(PermissionDenied, message):
        decisions.publish(scene.session, scene.host, scene.run, DEADLINE, TODAY)
    ledger.unchanged()


def test_a_published_round_takes_approvals_of_waitlist_offers_only(scene):
    scene.round.status = "published"
    proposal = scene.match(scene.student("Amina"), scene.elective)
    offer = scene.match(scene.student("Lucas"), scene.elective, from_waitlist=True)
    ledger = Ledger(scene.session)

    with refused(Conflict, "This round is already published."):
        decisions.approve(scene.session, scene.coordinator, proposal.id)
    decisions.approve(scene.session, scene.coordinator, offer.id)

    ledger.expect({offer.id: "approved"}, {scene.elective.id: +1})


def test_a_deleted_applicant_s_match_cannot_be_approved(scene):
    match = scene.match(scene.student("Amina"), scene.elective)
    match.applicant_id = None
    scene.session.flush()
    ledger = Ledger(scene.session)

    with refused(Conflict, "The applicant has deleted their account."):
        decisions.approve(scene.session, scene.coordinator, match.id)
    ledger.unchanged()


def test_deciding_many_refuses_one_without_spoiling_the_others(scene):
    scene.match(scene.student("Neema"), scene.visit, "approved")
    at_elective = scene.match(scene.student("Amina"), scene.elective)
    at_full_visit = scene.match(scene.student("Lucas"), scene.visit)
    ledger = Ledger(scene.session)

    result = decisions.decide_many(
        scene.session,
        scene.coordinator,
        scene.run,
        [at_full_visit.id, at_elective.id],
        "approve",
        "ok",
        TODAY,
    )

    assert result.done == [at_elective.id]
    assert result.refused == [(at_full_visit.id, "This opportunity has no place left.")]
    ledger.expect({at_elective.id: "approved"}, {scene.elective.id: +1})


def test_deciding_many_rejects_with_the_reason(scene):
    match = scene.match(scene.student("Amina"), scene.elective, "approved")
    ledger = Ledger(scene.session)

    result = decisions.decide_many(
        scene.session, scene.coordinator, scene.run, [match.id], "reject", "no", TODAY
    )

    assert (result.done, result.refused) == ([match.id], [])
    ledger.expect({match.id: "rejected"}, {scene.elective.id: -1})
    assert events(scene, match)[-1][3] == "no"


def test_deciding_many_needs_a_known_action_and_this_run_s_matches(scene):
    mine = scene.match(scene.student("Amina"), scene.elective)
    ledger = Ledger(scene.session)

    with refused(DomainError, "Choose approve or reject."):
        decisions.decide_many(scene.session, scene.coordinator, scene.run, [mine.id], "publish", None, TODAY)
    with refused(NotFound, "Some of these matches are not in this run."):
        decisions.decide_many(
            scene.session,
            scene.coordinator,
            scene.run,
            [mine.id, scene.other_approved.id],
            "reject",
            None,
            TODAY,
        )
    ledger.unchanged()


def test_an_approved_waitlist_offer_goes_out_at_once_with_the_round_s_reply_by_day(scene):
    scene.round.status, scene.round.response_deadline = "published", DEADLINE
    lucas = scene.student("Lucas")
    offer = scene.match(lucas, scene.elective, from_waitlist=True)
    ledger = Ledger(scene.session)

    decisions.decide_many(scene.session, scene.coordinator, scene.run, [offer.id], "approve", None, TODAY)

    ledger.expect({offer.id: "published"}, {scene.elective.id: +1})
    assert offer.response_deadline == DEADLINE
    assert events(scene, offer)[-1] == (
        "approved",
        "published",
        scene.coordinator.id,
        "offered from the waitlist",
    )
    (mail,) = scene.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "waitlist_offer"))
    assert (mail.user_id, mail.subject) == (
        lucas.id,
        "A place was freed and is offered to you: Muhimbili elective",
    )


def test_a_waitlist_offer_after_the_round_s_reply_by_day_gets_a_week(scene):
    scene.round.status, scene.round.response_deadline = "published", TODAY - timedelta(days=1)
    offer = scene.match(scene.student("Lucas"), scene.elective, from_waitlist=True)

    decisions.decide_many(scene.session, scene.coordinator, scene.run, [offer.id], "approve", None, TODAY)

    assert (offer.status, offer.response_deadline) == ("published", TODAY + timedelta(days=7))


def test_a_waitlist_offer_on_the_round_s_reply_by_day_keeps_that_day(scene):
    scene.round.status, scene.round.response_deadline = "published", TODAY
    offer = scene.match(scene.student("Lucas"), scene.elective, from_waitlist=True)

    decisions.decide_many(scene.session, scene.coordinator, scene.run, [offer.id], "approve", None, TODAY)

    assert offer.response_deadline == TODAY


def test_rejecting_a_waitlist_offer_in_a_published_round_sends_nothing(scene):
    scene.round.status = "published"
    offer = scene.match(scene.student("Lucas"), scene.elective, from_waitlist=True)
    ledger = Ledger(scene.session)

    decisions.decide_many(scene.session, scene.coordinator, scene.run, [offer.id], "reject", None, TODAY)

    ledger.expect({offer.id: "rejected"}, {})
    assert scene.session.scalars(select(OutboxMessage)).all() == []


def test_approving_in_an_open_round_publishes_nothing_even_a_waitlist_offer(scene):
    offer = scene.match(scene.student("Lucas"), scene.elective, from_waitlist=True)
    ledger = Ledger(scene.session)

    decisions.decide_many(scene.session, scene.coordinator, scene.run, [offer.id], "approve", None, TODAY)

    ledger.expect({offer.id: "approved"}, {scene.elective.id: +1})


def test_publishing_one_run_releases_the_round_s_other_runs_and_leaves_other_rounds_alone(scene, audited):
    amina, lucas, neema, omar, zara = (scene.student(n) for n in ("Amina", "Lucas", "Neema", "Omar", "Zara"))
    first = scene.match(amina, scene.elective, "approved")
    second = scene.match(lucas, scene.visit, "approved")
    untouched = [scene.match(neema, scene.elective), scene.match(omar, scene.elective, "rejected")]
    other_run = scene.build.run(scene.round)
    released = scene.build.match(other_run, zara, scene.elective, "approved")
    scene.build.match(other_run, neema, scene.visit, "rejected")
    stamped = {m.id: m.updated_at for m in (first, second)}
    ledger = Ledger(scene.session)

    assert decisions.publish(scene.session, scene.coordinator, scene.run, DEADLINE, TODAY) == 2

    ledger.expect(
        {first.id: "published", second.id: "published", released.id: "proposed"}, {scene.elective.id: -1}
    )
    assert (first.response_deadline, second.response_deadline, released.response_deadline) == (
        DEADLINE,
        DEADLINE,
        None,
    )
    assert events(scene, first)[-1] == ("approved", "published", scene.coordinator.id, None)
    assert all(events(scene, m) == [] for m in (scene.other_approved, *untouched))
    assert all(m.updated_at > stamped[m.id] for m in (first, second))
    assert events(scene, released)[-1] == (
        "approved",
        "proposed",
        scene.coordinator.id,
        "run 1 was published instead",
    )
    assert (scene.round.status, scene.round.response_deadline) == ("published", DEADLINE)
    assert scene.round.published_at is not None and scene.run.published_at == scene.round.published_at
    assert other_run.published_at is None and scene.other_round.status == "open"
    job = scene.session.scalars(select(OutboxJob)).one()
    assert (job.kind, job.payload) == ("run_published", {"run_id": scene.run.id})
    assert audited[-1] == (
        "matches_published",
        scene.coordinator.id,
        {"run_id": scene.run.id, "round_id": scene.round.id, "count": 2},
    )


def test_publishing_without_a_date_uses_the_round_s_reply_by_day(scene):
    scene.round.response_deadline = TODAY
    match = scene.match(scene.student("Amina"), scene.elective, "approved")

    decisions.publish(scene.session, scene.coordinator, scene.run, None, TODAY)

    assert (match.status, match.response_deadline) == ("published", TODAY)


def test_publishing_needs_a_reply_by_day_that_has_not_passed(scene):
    scene.match(scene.student("Amina"), scene.elective, "approved")
    ledger = Ledger(scene.session)
    message = "Set a reply deadline that is today or later."

    with refused(DomainError, message, field="response_deadline"):
        decisions.publish(scene.session, scene.coordinator, scene.run, None, TODAY)
    with refused(DomainError, message, field="response_deadline"):
        decisions.publish(scene.session, scene.coordinator, scene.run, TODAY - timedelta(days=1), TODAY)
    ledger.unchanged()
    assert scene.round.status == "open"


def test_publishing_a_run_without_approvals_or_twice_is_refused(scene):
    scene.match(scene.student("Amina"), scene.elective)
    ledger = Ledger(scene.session)

    with refused(Conflict, "This run has no approved match to publish. Approve some first."):
        decisions.publish(scene.session, scene.coordinator, scene.run, DEADLINE, TODAY)
    scene.round.status = "published"
    with refused(Conflict, "This round is already published."):
        decisions.publish(scene.session, scene.coordinator, scene.run, DEADLINE, TODAY)
    ledger.unchanged()


def test_approve_all_takes_only_this_run_s_proposals_where_all_fit(scene, audited):
    amina, lucas, neema, omar = (scene.student(n) for n in ("Amina", "Lucas", "Neema", "Omar"))
    fits = [scene.match(amina, scene.elective), scene.match(lucas, scene.elective)]
    too_many = [scene.match(neema, scene.visit), scene.match(omar, scene.visit)]
    scene.match(scene.student("Rejected"), scene.elective, "rejected")
    gone = scene.match(scene.student("Gone"), scene.elective)
    gone.applicant_id = None
    scene.build.match(scene.build.run(scene.round), scene.student("Elsewhere"), scene.bystander)
    ledger = Ledger(scene.session)

    # The selection may name any match; only this run's proposals with an applicant are taken.
    result = decisions.approve_all(scene.session, scene.coordinator, scene.run, select(Match))

    assert result == BulkApproval(approved=2, left_proposed=2, opportunities_short=1)
    ledger.expect({m.id: "approved" for m in fits}, {scene.elective.id: +2})
    assert [m.status for m in too_many] == ["proposed", "proposed"]
    reason = "approved with all the proposals the filter selected"
    assert events(scene, fits[0]) == [("proposed", "approved", scene.coordinator.id, reason)]
    assert audited == [
        (
            "matches_approved_in_bulk",
            scene.coordinator.id,
            {"run_id": scene.run.id, "approved": 2, "opportunities_short": 1},
        )
    ]


def test_approve_all_holds_each_place_once_when_several_opportunities_take_as_many(scene):
    third = scene.users.opportunity(scene.org, title="Roomy", capacity=3)
    chosen = [scene.match(scene.student(n), o) for n, o in (("Amina", scene.elective), ("Lucas", third))]
    stamped = {m.id: m.updated_at for m in chosen}
    ledger = Ledger(scene.session)

    result = decisions.approve_all(scene.session, scene.coordinator, scene.run, select(Match))

    assert result == BulkApproval(2, 0, 0)
    ledger.expect({m.id: "approved" for m in chosen}, {scene.elective.id: +1, third.id: +1})
    assert [len(events(scene, m)) for m in chosen] == [1, 1]
    assert all(m.updated_at > stamped[m.id] for m in chosen)


def test_approve_all_follows_the_selection(scene):
    at_elective = scene.match(scene.student("Amina"), scene.elective)
    scene.match(scene.student("Lucas"), scene.visit)
    ledger = Ledger(scene.session)

    selection = select(Match).where(Match.opportunity_id == scene.elective.id)
    result = decisions.approve_all(scene.session, scene.coordinator, scene.run, selection)

    assert result == BulkApproval(1, 0, 0)
    ledger.expect({at_elective.id: "approved"}, {scene.elective.id: +1})


def test_approve_all_with_nothing_selected_changes_nothing(scene, audited):
    ledger = Ledger(scene.session)

    assert decisions.approve_all(scene.session, scene.coordinator, scene.run, select(Match)) == BulkApproval(
        0, 0, 0
    )

    ledger.unchanged()
    assert audited == []


def test_approve_all_is_refused_once_the_round_is_published(scene):
    scene.match(scene.student("Amina"), scene.elective)
    scene.round.status = "published"
    ledger = Ledger(scene.session)

    with refused(Conflict, "This round is already published; approve waitlist offers one by one."):
        decisions.approve_all(scene.session, scene.coordinator, scene.run, select(Match))
    ledger.unchanged()
