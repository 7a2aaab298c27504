"""A round's whole life leaves every other opportunity, round and run exactly as it was."""

from datetime import date, timedelta

from sqlalchemy import select

from matcher.models import Match, Opportunity
from matcher.services.matching import decisions, placements
from tests.support.capacity import Ledger

TODAY = date.today()


def test_a_bystander_opportunity_s_count_never_changes_through_a_whole_round(scene):
    amina, lucas, neema, omar = (scene.student(n) for n in ("Amina", "Lucas", "Neema", "Omar"))
    scene.run.waitlists = {str(scene.elective.id): [omar.id]}
    first = scene.match(amina, scene.elective)
    second = scene.match(lucas, scene.elective)
    third = scene.match(neema, scene.visit)
    rival = scene.build.match(scene.build.run(scene.round), omar, scene.visit, "approved")
    bystander_count = scene.bystander.places_filled
    ledger = Ledger(scene.session)
    coordinator = scene.coordinator

    def step(matches, places):
        ledger.expect(matches, places)
        assert (
            scene.session.scalar(
                select(Opportunity.places_filled).where(Opportunity.id == scene.bystander.id)
            )
            == bystander_count
        )

    decisions.reject(scene.session, coordinator, rival.id)
    step({rival.id: "rejected"}, {scene.visit.id: -1})
    decisions.decide_many(
        scene.session, coordinator, scene.run, [first.id, second.id, third.id], "approve", None, TODAY
    )
    step(
        {first.id: "approved", second.id: "approved", third.id: "approved"},
        {scene.elective.id: +2, scene.visit.id: +1},
    )
    decisions.publish(scene.session, coordinator, scene.run, TODAY + timedelta(days=3), TODAY)
    step({first.id: "published", second.id: "published", third.id: "published"}, {})
    placements.respond(scene.session, amina, first.id, True, TODAY)
    placements.respond(scene.session, neema, third.id, True, TODAY)
    step({first.id: "accepted", third.id: "accepted"}, {})
    placements.respond(scene.session, lucas, second.id, False, TODAY)
    offer = scene.session.scalars(select(Match).where(Match.from_waitlist.is_(True))).one()
    step({second.id: "declined", offer.id: "proposed"}, {scene.elective.id: -1})
    decisions.decide_many(scene.session, coordinator, scene.run, [offer.id], "approve", None, TODAY)
    step({offer.id: "published"}, {scene.elective.id: +1})
    assert placements.expire_overdue(scene.session, TODAY + timedelta(days=4)) == 1
    step({offer.id: "expired"}, {scene.elective.id: -1})
    placements.confirm_attendance(scene.session, scene.host, first.id, scene.elective.starts_on)
    step({first.id: "completed"}, {})
    placements.cancel(scene.session, scene.host, third.id, "The IR suite is closed.")
    step({third.id: "cancelled"}, {scene.visit.id: -1})
