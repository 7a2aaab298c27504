"""Places after publication: the applicant's reply, the waitlist, expiry, cancel, attendance, feedback.

Each step is checked by the ledger: every opportunity's places_filled equals its place-holding
matches, and the step moved exactly the rows the test names, never another round's match nor
the bystander opportunity's count (see tests/services/conftest.py for the scene).
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.models import Match, MatchEvent, Membership, OutboxMessage
from matcher.models.impact import VisitFeedback
from matcher.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from matcher.services.matching import placements
from tests.support.capacity import Ledger, refused

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=10)


def published(scene, applicant, opportunity, deadline=DEADLINE) -> Match:
    return scene.match(applicant, opportunity, "published", response_deadline=deadline)


def mails(scene, template: str) -> list[OutboxMessage]:
    return list(
        scene.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
        )
    )


def last_event(scene, match: Match) -> MatchEvent:
    return scene.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id.desc())
    ).first()


def waitlist_offer(scene) -> Match:
    return scene.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()


def test_accepting_keeps_the_place_and_tells_the_host_and_the_round_owner(app, scene, audited):
    amina = scene.student("Amina")
    match = published(scene, amina, scene.elective)
    ledger = Ledger(scene.session)

    with app.test_request_context("/placements"):  # as from the page: links must still be absolute
        placements.respond(scene.session, amina, match.id, True, TODAY)

    ledger.expect({match.id: "accepted"}, {})
    assert match.responded_at is not None
    told = mails(scene, "match_answered")
    assert {m.to_address for m in told} == {scene.host.email, scene.coordinator.email} and len(told) == 2
    assert {m.subject for m in told} == {"Amina accepted Muhimbili elective"}
    assert {m.category for m in told} == {"matching"}
    link = f"http://matcher.test/opportunities/{scene.elective.id}/placements"
    assert all(link in m.body_text and "Amina has accepted the place" in m.body_text for m in told)
    assert audited == [
        (
            "match_accepted",
            amina.id,
            {
                "match_id": match.id,
                "run_id": scene.run.id,
                "opportunity_id": scene.elective.id,
                "applicant_id": amina.id,
                "from_status": "published",
                "reason": None,
            },
        )
    ]
    event = last_event(scene, match)
    assert (event.from_status, event.to_status, event.actor_id) == ("published", "accepted", amina.id)


def test_the_host_told_of_a_reply_is_an_approved_member_once_even_when_also_the_round_owner(scene):
    waiting = scene.users.create(role="org_member", name="Pending member", organisation=scene.org)
    scene.session.scalars(select(Membership).where(Membership.user_id == waiting.id)).one().approved_at = None
    scene.round.created_by_id = scene.host.id
    amina = scene.student("Amina")
    match = published(scene, amina, scene.elective)

    placements.respond(scene.session, amina, match.id, True, TODAY)

    assert [m.to_address for m in mails(scene, "match_answered")] == [scene.host.email]


def test_declining_frees_the_place_and_proposes_it_to_the_next_on_the_waitlist(scene):
    amina, lucas = scene.student("Amina"), scene.student("Lucas")
    scene.run.waitlists = {str(scene.elective.id): [lucas.id]}
    match = published(scene, amina, scene.elective)
    ledger = Ledger(scene.session)

    placements.respond(scene.session, amina, match.id, False, TODAY)

    offer = waitlist_offer(scene)
    ledger.expect({match.id: "declined", offer.id: "proposed"}, {scene.elective.id: -1})
    assert (offer.run_id, offer.applicant_id, offer.opportunity_id) == (
        scene.run.id,
        lucas.id,
        scene.elective.id,
    )
    assert offer.score == 0.0 and offer.breakdown == []
    event = last_event(scene, offer)
    assert (event.from_status, event.to_status, event.actor_id) == (None, "proposed", None)
    assert event.reason == f"place freed by match {match.id} (declined); next on the waitlist"
    assert [m.subject for m in mails(scene, "match_answered")] == [
        "Amina declined Muhimbili elective",
        "Amina declined Muhimbili elective",
    ]


def _held_here_rejected_in_another_run(scene, who) -> None:
    scene.match(who, scene.visit, "accepted")
    scene.build.match(scene.build.run(scene.round), who, scene.elective, "rejected")


# What the first on the waitlist did elsewhere, and whether the freed place goes to them (or to
# the one after). A place held anywhere, or any match in this run, takes them out of the running;
# matches in other runs of the round were sent back when the round was published, and count not.
WAITLIST_HISTORIES = {
    "holds a place in this run": (lambda s, who: s.match(who, s.visit, "accepted"), False),
    "holds a place from another round": (
        lambda s, who: s.build.match(s.build.run(s.other_round), who, s.bystander, "accepted"),
        False,
    ),
    "holds a place here, rejected in another run": (_held_here_rejected_in_another_run, False),
    "was rejected in this run": (lambda s, who: s.match(who, s.visit, "rejected"), False),
    "was rejected in another run of the round": (
        lambda s, who: s.build.match(s.build.run(s.round), who, s.visit, "rejected"),
        True,
    ),
    "was proposed in a run left unpublished": (
        lambda s, who: s.build.match(s.build.run(s.round), who, s.visit, "proposed"),
        True,
    ),
    "declined a place in another round": (
        lambda s, who: s.build.match(s.build.run(s.other_round), who, s.bystander, "declined"),
        True,
    ),
    "has no other match": (lambda s, who: None, True),
}


@pytest.mark.parametrize(("history", "offered_first"), WAITLIST_HISTORIES.values(), ids=WAITLIST_HISTORIES)
def test_the_waitlist_offers_the_freed_place_to_the_first_applicant_still_free(scene, history, offered_first):
    amina, first, lucas = scene.student("Amina"), scene.student("Neema"), scene.student("Lucas")
    scene.run.waitlists = {str(scene.elective.id): [first.id, lucas.id]}
    history(scene, first)
    match = published(scene, amina, scene.elective)
    ledger = Ledger(scene.session)

    placements.respond(scene.session, amina, match.id, False, TODAY)

    offer = waitlist_offer(scene)
    ledger.expect({match.id: "declined", offer.id: "proposed"}, {scene.elective.id: -1})
    assert offer.applicant_id == (first if offered_first else lucas).id


def test_the_waitlist_skips_a_deleted_account(scene):
    amina, lucas = scene.student("Amina"), scene.student("Lucas")
    scene.run.waitlists = {str(scene.elective.id): [2_000_000_000, lucas.id]}
    match = published(scene, amina, scene.elective)

    placements.respond(scene.session, amina, match.id, False, TODAY)

    assert waitlist_offer(scene).applicant_id == lucas.id


def test_a_freed_place_with_no_one_free_on_its_waitlist_stays_free(scene):
    amina, lucas = scene.student("Amina"), scene.student("Lucas")
    scene.run.waitlists = {str(scene.visit.id): [lucas.id]}  # the other opportunity's waitlist
    match = published(scene, amina, scene.elective)
    ledger = Ledger(scene.session)

    placements.respond(scene.session, amina, match.id, False, TODAY)

    ledger.expect({match.id: "declined"}, {scene.elective.id: -1})


def test_an_applicant_may_reply_on_the_reply_by_day_itself(scene):
    amina = scene.student("Amina")
    match = published(scene, amina, scene.elective, deadline=TODAY)
    ledger = Ledger(scene.session)

    placements.respond(scene.session, amina, match.id, True, TODAY)

    ledger.expect({match.id: "accepted"}, {})


def test_replying_the_day_after_the_reply_by_day_is_refused(scene):
    amina = scene.student("Amina")
    match = published(scene, amina, scene.elective, deadline=TODAY)
    ledger = Ledger(scene.session)

    with refused(Conflict, f"The deadline to reply was {TODAY:%-d %B %Y}; it has passed."):
        placements.respond(scene.session, amina, match.id, True, TODAY + timedelta(days=1))

    ledger.unchanged()


def test_a_match_without_a_reply_by_day_can_be_answered_any_day(scene):
    amina = scene.student("Amina")
    match = published(scene, amina, scene.elective, deadline=None)

    placements.respond(scene.session, amina, match.id, True, TODAY + timedelta(days=365))

    assert match.status == "accepted"


def test_an_answered_placement_cannot_be_answered_again(scene):
    amina = scene.student("Amina")
    match = scene.match(amina, scene.elective, "accepted")
    ledger = Ledger(scene.session)

    with refused(Conflict, "This placement is already accepted."):
        placements.respond(scene.session, amina, match.id, False, TODAY)

    ledger.unchanged()


@pytest.mark.parametrize("status", ["proposed", "approved", "rejected"])
def test_an_applicant_cannot_see_or_answer_an_unpublished_match(scene, status):
    amina = scene.student("Amina")
    match = scene.match(amina, scene.elective, status)

    with refused(NotFound, "No such placement."):
        placements.respond(scene.session, amina, match.id, True, TODAY)


def test_an_applicant_cannot_answer_someone_else_s_placement(scene):
    amina, lucas = scene.student("Amina"), scene.student("Lucas")
    match = published(scene, amina, scene.elective)
    ledger = Ledger(scene.session)

    with refused(NotFound, "No such placement."):
        placements.respond(scene.session, lucas, match.id, True, TODAY)
    with refused(NotFound, "No such placement."):
        placements.respond(scene.session, lucas, 2_000_000_000, True, TODAY)
    ledger.unchanged()


def test_expiry_ends_only_published_matches_past_their_reply_by_day(scene, audited):
    amina, lucas, neema, david = (scene.student(n) for n in ("Amina", "Lucas", "Neema", "David"))
    scene.run.waitlists = {str(scene.elective.id): [lucas.id]}
    overdue = published(scene, amina, scene.elective, deadline=TODAY - timedelta(days=1))
    due_today = published(scene, neema, scene.visit, deadline=TODAY)
    scene.match(david, scene.elective, "accepted", response_deadline=TODAY - timedelta(days=5))
    ledger = Ledger(scene.session)

    assert placements.expire_overdue(scene.session, TODAY) == 1

    offer = waitlist_offer(scene)
    ledger.expect({overdue.id: "expired", offer.id: "proposed"}, {scene.elective.id: -1})
    assert offer.applicant_id == lucas.id
    event = last_event(scene, overdue)
    assert (event.to_status, event.actor_id, event.reason) == ("expired", None, "no reply by the deadline")
    assert [(action, actor) for action, actor, _ in audited] == [("match_expired", None)]
    assert scene.session.get(Match, due_today.id).status == "published"


def test_cancelling_frees_the_place_tells_the_applicant_and_offers_the_waitlist(app, scene, audited):
    amina, lucas = scene.student("Amina"), scene.student("Lucas")
    scene.run.waitlists = {str(scene.elective.id): [lucas.id]}
    match = scene.match(amina, scene.elective, "accepted")
    ledger = Ledger(scene.session)

    with app.test_request_context("/placements"):  # as from the page: links must still be absolute
        placements.cancel(scene.session, scene.host, match.id, "  The IR suite is closed.  ")

    offer = waitlist_offer(scene)
    ledger.expect({match.id: "cancelled", offer.id: "proposed"}, {scene.elective.id: -1})
    assert offer.applicant_id == lucas.id
    (mail,) = mails(scene, "placement_cancelled")
    assert (mail.user_id, mail.category) == (amina.id, "matching")
    assert mail.subject == "Your placement was cancelled: Muhimbili elective"
    assert "\n\nThe IR suite is closed.\n\n" in mail.body_text
    assert "http://matcher.test/placements" in mail.body_text
    assert audited[0][:2] == ("match_cancelled", scene.host.id)
    assert audited[0][2]["reason"] == "  The IR suite is closed.  "


def test_a_coordinator_may_cancel_for_any_organisation(scene):
    match = scene.match(scene.student("Amina"), scene.elective, "published", response_deadline=DEADLINE)

    placements.cancel(scene.session, scene.coordinator, match.id, "Visa refused.")

    assert match.status == "cancelled"


def test_cancelling_a_deleted_applicant_s_placement_sends_no_email(scene):
    match = scene.match(scene.student("Amina"), scene.elective, "accepted")
    match.applicant_id = None
    scene.session.flush()
    ledger = Ledger(scene.session)

    placements.cancel(scene.session, scene.host, match.id, "Closed.")

    ledger.expect({match.id: "cancelled"}, {scene.elective.id: -1})
    assert mails(scene, "placement_cancelled") == []


def test_cancelling_needs_the_host_organisation_and_a_reason(scene):
    outsider = scene.users.create(role="org_member", name="Other host")
    match = scene.match(scene.student("Amina"), scene.elective, "accepted")
    ledger = Ledger(scene.session)

    with refused(PermissionDenied, "You do not act for this organisation."):
        placements.cancel(scene.session, outsider, match.id, "Because.")
    with refused(DomainError, "Give the reason; the applicant will read it.", field="reason"):
        placements.cancel(scene.session, scene.host, match.id, " \n ")
    with refused(NotFound, "No such match."):
        placements.cancel(scene.session, scene.host, 2_000_000_000, "Gone.")
    ledger.unchanged()


def test_a_declined_match_cannot_be_cancelled(scene):
    match = scene.match(scene.student("Amina"), scene.elective, "declined")
    ledger = Ledger(scene.session)

    with refused(Conflict, "This match is declined, so it cannot become cancelled."):
        placements.cancel(scene.session, scene.host, match.id, "Too late.")
    ledger.unchanged()


def test_attendance_is_confirmed_from_the_first_day_and_keeps_the_place(scene, audited):
    match = scene.match(scene.student("Amina"), scene.elective, "accepted")
    ledger = Ledger(scene.session)
    first_day = scene.elective.starts_on

    with refused(Conflict, "Attendance can be confirmed once the placement has started."):
        placements.confirm_attendance(scene.session, scene.host, match.id, first_day - timedelta(days=1))
    ledger.unchanged()

    placements.confirm_attendance(scene.session, scene.host, match.id, first_day)

    ledger.expect({match.id: "completed"}, {})
    assert match.attendance_confirmed_at is not None
    # The visit's completion (issue 22: the ground of the certificate) is recorded with it.
    assert [(a, actor, d.get("reason")) for a, actor, d in audited] == [
        ("match_completed", scene.host.id, "attendance confirmed"),
        ("visit_completed", scene.host.id, None),
    ]


def test_only_the_host_or_a_coordinator_confirms_attendance(scene):
    outsider = scene.users.create(role="org_member", name="Other host")
    match = scene.match(scene.student("Amina"), scene.elective, "accepted")
    first_day = scene.elective.starts_on

    with refused(PermissionDenied, "You do not act for this organisation."):
        placements.confirm_attendance(scene.session, outsider, match.id, first_day)
    placements.confirm_attendance(scene.session, scene.coordinator, match.id, first_day)

    assert match.status == "completed"


def after_the_visit(scene) -> date:
    return scene.elective.ends_on + timedelta(days=1)


def written(scene) -> list[tuple[int, str, int, str]]:
    """The visit feedback rows (issue 22: the placements' feedback is the visitor's side)."""
    return [
        (r.visitor_id, r.side, r.rating, r.comments)
        for r in scene.session.scalars(select(VisitFeedback).order_by(VisitFeedback.id))
    ]


def test_feedback_opens_once_the_placement_is_completed(scene):
    amina = scene.student("Amina")
    match = scene.match(amina, scene.elective, "accepted")

    with refused(Conflict, "Feedback opens once the host has confirmed the placement."):
        placements.give_feedback(scene.session, amina, match.id, 5, "Great", after_the_visit(scene))
    assert written(scene) == []


def test_feedback_opens_once_the_visit_has_ended(scene):
    amina = scene.student("Amina")
    match = scene.match(amina, scene.elective, "completed")

    with pytest.raises(Conflict, match="Feedback opens on"):
        placements.give_feedback(scene.session, amina, match.id, 5, "Great", scene.elective.ends_on)
    assert written(scene) == []


@pytest.mark.parametrize("rating", [0, 6])
def test_feedback_ratings_run_from_one_to_five(scene, rating):
    amina = scene.student("Amina")
    match = scene.match(amina, scene.elective, "completed")

    with refused(DomainError, "Choose a rating from 1 to 5.", field="rating"):
        placements.give_feedback(scene.session, amina, match.id, rating, "Hm", after_the_visit(scene))

    assert written(scene) == []


@pytest.mark.parametrize("rating", [1, 5])
def test_feedback_is_the_visitor_s_side_kept_trimmed_and_refused_over_five_thousand(scene, rating):
    amina = scene.student("Amina")
    match = scene.match(amina, scene.elective, "completed")

    with refused(DomainError, "Keep your comments to 5,000 characters or fewer.", field="comments"):
        placements.give_feedback(scene.session, amina, match.id, rating, "x" * 5001, after_the_visit(scene))
    assert written(scene) == []
    placements.give_feedback(
        scene.session, amina, match.id, rating, "  " + "x" * 5000 + " ", after_the_visit(scene)
    )

    assert written(scene) == [(amina.id, "visitor", rating, "x" * 5000)]
    assert (match.rating, match.feedback) == (None, None)  # the old columns are no longer written


def test_taking_the_last_place_twice_is_refused_by_the_database(scene):
    placements.take_place(scene.session, scene.visit.id)

    with refused(Conflict, "This opportunity has no place left."):
        placements.take_place(scene.session, scene.visit.id)


def test_freeing_a_place_of_an_empty_opportunity_leaves_it_at_zero(scene):
    ledger = Ledger(scene.session)

    placements.free_place(scene.session, scene.visit.id)

    ledger.unchanged()
