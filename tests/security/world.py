"""A small world where every URL has a real id: organisation A's data, and people who must not see it.

Organisation A (verified) has published opportunities (one nobody applied to), a draft, and a
closed one that has begun. The trainee applied to A's two open ones, has a CV, a published match in a
published round and a completed placement from an earlier round, where the student's is under way.
Organisation B (verified) has its own opportunity, to which the student applied; an open second
round proposes the student there. A pending organisation and a pending claim on A wait for a
coordinator. Distinctive SECRET_* strings mark the trainee's private data, so a test can check
that a page refused to show it.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Connection

from matcher import uploads
from matcher.db import utcnow
from matcher.extensions import db
from matcher.jobs import words as job_words
from matcher.models import (
    Application,
    BackgroundJob,
    Match,
    MatchRound,
    MatchRun,
    Membership,
    MembershipRole,
    Opportunity,
    Organisation,
    OutboxMessage,
    OutcomeLetter,
    Profile,
    ReadingLink,
    User,
    WebhookEndpoint,
)
from matcher.models.api_token import ApiToken
from matcher.models.departure import CountryPack, CountryRule, Trip
from matcher.models.teaching import Site, TeachingRequest
from matcher.services import api_tokens
from matcher.services.matching.rounds import Scope
from tests.security.world_documents import DocumentsWorld, build_documents_world
from tests.security.world_impact import ImpactWorld, build_impact_world
from tests.security.world_teams import TeamsWorld, build_teams_world
from tests.security.world_trips import TripsWorld, build_trips_world
from tests.support.factories import UserFactory
from tests.support.pdf import minimal_pdf
from tests.support.teaching import make_request, make_site

ROLES = ("anonymous", "student", "trainee", "member_a", "member_b", "coordinator", "admin")
SECRET_STATEMENT = "SECRET-STATEMENT-of-the-trainee"
SECRET_MOTIVATION = "SECRET-MOTIVATION-of-the-trainee"
SECRET_INSTITUTION = "SECRET-INSTITUTION-of-the-trainee"
TODAY = date.today()


@dataclass
class World:
    app: Flask
    people: dict[str, User]
    org_a: Organisation
    org_b: Organisation
    org_pending: Organisation
    opp_a: Opportunity
    opp_a2: Opportunity
    opp_free: Opportunity
    draft_a: Opportunity
    opp_b: Opportunity
    opp_past: Opportunity
    trainee_application: Application
    student_application: Application
    claim: Membership
    round: MatchRound
    run: MatchRun
    match: Match
    open_round: MatchRound
    open_run: MatchRun
    proposed: Match
    ready_run: MatchRun  # of another open round, with an approved match: its publish form shows
    completed: Match
    accepted: Match
    letter: OutcomeLetter  # the trainee's, from the earlier round
    reading_link: ReadingLink
    failed_job: BackgroundJob  # a run of the open round that failed: its page offers Retry
    site_a: Site  # A's hospital, with ultrasound and CT
    open_request: TeachingRequest  # A's, open to everyone
    draft_request: TeachingRequest  # A's, a draft
    teams: TeamsWorld | None = None  # organisation A's teaching visits and a team (world_teams)
    documents: DocumentsWorld | None = (
        None  # the student's trip to A's elective, a document (world_documents)
    )
    country_rule: CountryRule | None = None  # Kenya's licence rule (issue 21, the countries' rules)
    trips: TripsWorld | None = None  # the student's trip to A's placement under way (world_trips)
    held_trip: Trip | None = None  # another student's trip to A's past opportunity, held for an advisory
    api_token_a: ApiToken | None = None  # A's write token, made by A's member (issue 24)
    impact: ImpactWorld | None = None  # A's elective that ended, its logbook, a learner (issue 22)
    cv_files: dict[Path, bytes] = field(default_factory=dict)
    webhook_a: WebhookEndpoint | None = None  # A's webhook (its URL is never called: nothing runs the queue)
    webhook_off: WebhookEndpoint | None = None  # A's webhook turned off after failures
    cookies: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    # -- clients -----------------------------------------------------------------------------

    def login(self, *roles: str) -> None:
        """Log roles in (all by default) through the real form; keep each session cookie."""
        for role in roles or ROLES:
            user = self.people[role]
            if user is None or role in self.cookies:
                continue
            browser = self.app.test_client()
            response = browser.post("/login", data={"email": user.email, "password": UserFactory.PASSWORD})
            assert response.status_code == 302, (role, response.status_code)
            self.cookies[role] = browser.get_cookie("session", domain="matcher.test").value

    def client(self, role: str) -> FlaskClient:
        """A new browser holding only this role's session cookie (none for anonymous)."""
        browser = self.app.test_client()
        if role != "anonymous":
            self.login(role)
            browser.set_cookie("session", self.cookies[role], domain="matcher.test")
        return browser

    # -- isolation ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def undone(self) -> Iterator[None]:
        """Whatever requests inside this block change is rolled back afterwards (CV files too)."""
        db.session.commit()  # the test's own session holds no savepoint that the rollback would cut
        connection: Connection = db.session().bind
        savepoint = connection.begin_nested()
        try:
            yield
        finally:
            db.session.rollback()  # the test's own reads inside the block began a savepoint in ours
            savepoint.rollback()
            self.restore_files()

    def restore_files(self) -> None:
        for path, data in self.cv_files.items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)


def _store_cv(world_files: dict[Path, bytes], profile: Profile, name: str) -> None:
    stored = secrets.token_hex(16) + ".pdf"
    path = uploads.path_of(stored)
    data = minimal_pdf()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    world_files[path] = data
    profile.cv_filename, profile.cv_original_name = stored, name
    profile.cv_size, profile.cv_uploaded_at = len(data), utcnow()


def build_world(app: Flask, users: UserFactory) -> World:
    session = db.session
    org_a = users.organisation(name="Organisation A")
    # B asked for a new name, which waits for a coordinator (issue 16).
    org_b = users.organisation(name="Organisation B", pending_name="Organisation B renamed")
    org_pending = users.organisation(name="Pending organisation", verified=False)
    # Its contact's address is confirmed, so it waits in the coordinators' queue (issue 16).
    users.create("org_member", organisation=org_pending, name="Pending contact")
    people = {
        "student": users.create("student"),
        "trainee": users.create("trainee"),
        "member_a": users.create("org_member", organisation=org_a),
        "member_b": users.create("org_member", organisation=org_b),
        "coordinator": users.create("coordinator"),
        "admin": users.create("admin"),
    }
    claimant = users.create("org_member")
    claim = Membership(user=claimant, organisation=org_a, role=MembershipRole.MEMBER)
    session.add(claim)

    wide = {"level_min": 1, "level_max": 12}
    opp_a = users.opportunity(org_a, title="Opportunity A", capacity=3, **wide)
    opp_a2 = users.opportunity(org_a, title="Second opportunity A", capacity=3, **wide)
    opp_free = users.opportunity(org_a, title="Nobody applied yet", capacity=3, **wide)
    draft_a = users.opportunity(org_a, title="Draft of A", status="draft", **wide)
    opp_b = users.opportunity(org_b, title="Opportunity B", capacity=3, **wide)
    started = TODAY - timedelta(days=10)
    opp_past = users.opportunity(
        org_a, title="Earlier elective of A", status="closed", starts_on=started, deadline=None, **wide
    )

    cv_files: dict[Path, bytes] = {}
    # The trainee also offers to teach and is listed in the volunteer directory.
    trainee_profile = users.profile(
        people["trainee"],
        statement=SECRET_STATEMENT,
        institution=SECRET_INSTITUTION,
        volunteers_to_teach=True,
        teaching_weeks=4,
        directory_listed=True,
    )
    student_profile = users.profile(people["student"])
    _store_cv(cv_files, trainee_profile, "trainee-cv.pdf")
    _store_cv(cv_files, student_profile, "student-cv.pdf")
    trainee_application = users.application(people["trainee"], opp_a, motivation=SECRET_MOTIVATION)
    student_application = users.application(people["student"], opp_b, motivation="The student's reasons.")
    users.application(people["trainee"], opp_a2, motivation="Second choice.")

    coordinator = people["coordinator"]
    published_round = MatchRound(
        name="Published round",
        mode="ranked",
        scope=Scope().as_json(),
        status="published",
        created_by_id=coordinator.id,
        response_deadline=TODAY + timedelta(days=14),
        published_at=utcnow(),
    )
    run = _run(published_round, coordinator, published=True)
    match = Match(
        run=run,
        status="published",
        applicant_id=people["trainee"].id,
        opportunity_id=opp_a.id,
        score=0.8,
        breakdown=[{"name": "region", "value": 1.0, "weight": 1.0, "reason": "Eastern Africa"}],
        response_deadline=TODAY + timedelta(days=14),
    )
    opp_a.places_filled = 1
    open_round = MatchRound(
        name="Open round", mode="ranked", scope=Scope().as_json(), status="open", created_by_id=coordinator.id
    )
    open_run = _run(open_round, coordinator, published=False)
    proposed = Match(
        run=open_run, status="proposed", applicant_id=people["student"].id, opportunity_id=opp_b.id, score=0.5
    )
    ready_round = MatchRound(
        name="Ready round",
        mode="ranked",
        scope=Scope().as_json(),
        status="open",
        created_by_id=coordinator.id,
    )
    ready_run = _run(ready_round, coordinator, published=False)
    ready = Match(
        run=ready_run,
        status="approved",
        applicant_id=people["trainee"].id,
        opportunity_id=opp_b.id,
        score=0.6,
    )
    opp_b.places_filled = 1
    # An earlier round: the trainee's placement is over (feedback), the student's has begun (attendance).
    earlier_round = MatchRound(
        name="Earlier round",
        mode="ranked",
        scope=Scope().as_json(),
        status="closed",
        created_by_id=coordinator.id,
    )
    earlier_run = _run(earlier_round, coordinator, published=True)
    completed = Match(
        run=earlier_run, status="completed", applicant_id=people["trainee"].id, opportunity_id=opp_past.id
    )
    accepted = Match(
        run=earlier_run, status="accepted", applicant_id=people["student"].id, opportunity_id=opp_past.id
    )
    opp_past.places_filled = 2
    dead_mail = OutboxMessage(
        message_id="<dead-message@matcher.test>",
        category="account",
        template="verify_email",
        to_address="gone@example.org",
        subject="Confirm your email address",
        body_text="text",
        body_html="<p>html</p>",
        status="dead",
        attempts=8,
        last_error="550 no such user",
    )
    session.add_all(
        [published_round, run, match, open_round, open_run, proposed, ready_round, ready_run, ready]
    )
    session.add_all([earlier_round, earlier_run, completed, accepted, dead_mail])
    traveller = users.create("student", name="Held traveller")
    held_match = Match(
        run=earlier_run, status="accepted", applicant_id=traveller.id, opportunity_id=opp_past.id
    )
    held_trip = Trip(
        user_id=traveller.id, opportunity_id=opp_past.id, match=held_match, hold_level=3, hold_since=utcnow()
    )
    session.add(held_trip)
    letter = OutcomeLetter(
        run=earlier_run,
        applicant_id=people["trainee"].id,
        choices=[
            {
                "opportunity_id": opp_a.id,
                "title": opp_a.title,
                "kind": "not_ranked",
                "reason": "The host did not rank you among its applicants.",
            }
        ],
    )
    session.add(letter)
    reading_link = ReadingLink(title="RAD-AID International", url="https://www.rad-aid.org/", position=1)
    session.add_all([reading_link, ReadingLink(title="SIR", url="https://www.sirweb.org/", position=2)])
    failed_job = BackgroundJob(
        kind="run_round",
        title=f"Run of {open_round.name}",
        parameters={"round_id": open_round.id, "seed": 1, "top_n": 5},
        dedupe_key=f"round:{open_round.id}",
        status="failed",
        attempts=1,
        error=job_words.UNEXPECTED.format(detail="RuntimeError: boom"),
        started_by_id=coordinator.id,
    )
    session.add(failed_job)
    teams = build_teams_world(session, org_a, people["trainee"], coordinator)
    trips = build_trips_world(session, accepted)
    session.commit()
    documents = build_documents_world(session, trips.trip, cv_files)
    session.commit()
    site_a = make_site(session, org_a, name="Site of A", slug="site-a")
    open_request = make_request(session, site_a, title="Open request of A", status="open")
    draft_request = make_request(session, site_a, title="Draft request of A")
    country_rule = _country_rule(session)
    impact = build_impact_world(session, users, org_a, site_a, people["trainee"], people["member_a"], TODAY)
    session.commit()
    api_token_a = api_tokens.create(session, people["member_a"], org_a, "Sync of A", "write").token
    webhook_a = WebhookEndpoint(
        organisation=org_a, url="http://127.0.0.1:9/hook", secret="whsec_world", events="match.accepted"
    )
    webhook_off = WebhookEndpoint(
        organisation=org_a,
        url="http://127.0.0.1:9/off",
        secret="whsec_off",
        events="match.declined",
        consecutive_failures=10,
        disabled_at=utcnow(),
    )
    session.add_all([webhook_a, webhook_off])
    session.commit()
    people["anonymous"] = None
    return World(
        app=app,
        people=people,
        org_a=org_a,
        org_b=org_b,
        org_pending=org_pending,
        opp_a=opp_a,
        opp_a2=opp_a2,
        opp_free=opp_free,
        draft_a=draft_a,
        opp_b=opp_b,
        opp_past=opp_past,
        trainee_application=trainee_application,
        student_application=student_application,
        claim=claim,
        round=published_round,
        run=run,
        match=match,
        open_round=open_round,
        open_run=open_run,
        proposed=proposed,
        ready_run=ready_run,
        completed=completed,
        accepted=accepted,
        letter=letter,
        reading_link=reading_link,
        failed_job=failed_job,
        site_a=site_a,
        open_request=open_request,
        draft_request=draft_request,
        teams=teams,
        documents=documents,
        trips=trips,
        held_trip=held_trip,
        cv_files=cv_files,
        country_rule=country_rule,
        api_token_a=api_token_a,
        webhook_a=webhook_a,
        webhook_off=webhook_off,
        impact=impact,
    )


def _country_rule(session) -> CountryRule:
    session.add(CountryPack(country_code="KE", reviewed_on=TODAY, digest="world"))
    rule = CountryRule(
        country_code="KE",
        code="temporary-licence",
        kind="licence",
        title="Temporary licence",
        source_url="https://kmpdc.go.ke/",
        source_date=TODAY,
    )
    session.add(rule)
    session.commit()
    return rule


def _run(match_round: MatchRound, coordinator: User, *, published: bool) -> MatchRun:
    return MatchRun(
        round=match_round,
        number=1,
        algorithm_version="test",
        seed=1,
        inputs_hash="0" * 64,
        ran_by_id=coordinator.id,
        published_at=utcnow() if published else None,
        counts={},
        unmatched={},
        waitlists={},
    )
