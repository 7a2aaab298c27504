"""The changes that queue webhook events, each in the transaction of its change: applying and
withdrawing, publishing an opportunity and a round's matches, accepting and declining a place."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.jobs import expand_jobs
from matcher.models import Match, MatchRound, MatchRun, WebhookDelivery
from matcher.services import applications, opportunities
from matcher.services.matching import decisions, placements
from matcher.services.webhooks import endpoints

EVERY_EVENT = [
    "application.created",
    "application.withdrawn",
    "match.published",
    "match.accepted",
    "match.declined",
    "opportunity.published",
]
TODAY = date.today()


@pytest.fixture
def hooked(app, member, organisation):
    """The organisation's endpoint that takes every event, and another organisation's that does too."""
    made = endpoints.register(db.session, member, organisation, "http://127.0.0.1:9/ours", EVERY_EVENT)
    db.session.commit()
    return made.endpoint


@pytest.fixture
def in_request(app):
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        yield


def sent_events(endpoint_id=None):
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return [(d.event, json.loads(d.body)["data"]) for d in db.session.scalars(query)]


def test_applying_and_withdrawing_tell_the_host(in_request, hooked, users, organisation):
    opportunity = users.opportunity(organisation, title="Elective in Dar")
    applicant = users.create(role="student")
    application = applications.apply(db.session, applicant, opportunity.id, "", TODAY)
    db.session.commit()
    applications.withdraw(db.session, applicant, application.id)
    db.session.commit()
    assert [(e, d["application"], d["opportunity"]["id"]) for e, d in sent_events(hooked.id)] == [
        ("application.created", {"id": application.id}, opportunity.id),
        ("application.withdrawn", {"id": application.id}, opportunity.id),
    ]
    assert sent_events()[0][1]["opportunity"]["title"] == "Elective in Dar"
    assert sent_events()[0][1]["opportunity"]["url"].endswith(f"/opportunities/{opportunity.id}")


def test_a_refused_application_queues_nothing(in_request, hooked, users, organisation):
    opportunity = users.opportunity(organisation, status="draft")
    applicant = users.create(role="student")
    with pytest.raises(Exception, match="no such opportunity"):
        applications.apply(db.session, applicant, opportunity.id, "", TODAY)
    db.session.rollback()
    assert sent_events() == []


def test_publishing_an_opportunity_tells_its_organisation_only(
    in_request, hooked, member, users, organisation
):
    other = users.organisation(name="RAD-AID", slug="rad-aid")
    theirs = endpoints.register(
        db.session,
        users.create(role="org_member", organisation=other),
        other,
        "http://127.0.0.1:9/t",
        EVERY_EVENT,
    ).endpoint
    draft = users.opportunity(organisation, status="draft", title="Draft visit")
    opportunities.transition(db.session, member, draft, "publish", TODAY)
    db.session.commit()
    assert [(e, d["opportunity"]["id"]) for e, d in sent_events(hooked.id)] == [
        ("opportunity.published", draft.id)
    ]
    assert sent_events(theirs.id) == []


def _published_match(users, organisation, status="published"):
    opportunity = users.opportunity(organisation, places_filled=1)
    applicant = users.create(role="student")
    return users.match(applicant, opportunity, status, response_deadline=TODAY + timedelta(days=7)), applicant


@pytest.mark.parametrize(("accept", "event"), [(True, "match.accepted"), (False, "match.declined")])
def test_answering_an_offer_tells_the_host(in_request, hooked, users, organisation, accept, event):
    match, applicant = _published_match(users, organisation)
    placements.respond(db.session, applicant, match.id, accept, TODAY)
    db.session.commit()
    events = sent_events(hooked.id)
    assert [e for e, _ in events] == [event]
    assert events[0][1]["match"]["id"] == match.id and events[0][1]["match"]["status"] == event.split(".")[1]


def test_publishing_a_round_tells_the_host_of_each_match_once(in_request, hooked, users, organisation):
    coordinator = users.create(role="coordinator")
    match_round = MatchRound(name="Spring", mode="ranked", scope={})
    run = MatchRun(round=match_round, number=1, algorithm_version="test", seed=1, inputs_hash="0" * 64)
    approved = [
        users.match(
            users.create(role="student"),
            users.opportunity(organisation, places_filled=1),
            "approved",
            run=run,
        )
        for _ in range(2)
    ]
    rejected = users.match(users.create(role="student"), users.opportunity(organisation), "rejected", run=run)
    decisions.publish(db.session, coordinator, run, TODAY + timedelta(days=7), TODAY)
    db.session.commit()
    assert sent_events() == []  # written with the emails, by the worker

    expand_jobs(db.session)
    db.session.commit()
    expand_jobs(db.session)  # nothing twice
    db.session.commit()
    events = sent_events(hooked.id)
    assert sorted(d["match"]["id"] for e, d in events if e == "match.published") == sorted(
        m.id for m in approved
    )
    assert len(events) == 2 and rejected.id not in {d["match"]["id"] for _, d in events}
    assert {db.session.get(Match, m.id).status for m in approved} == {"published"}
