"""No N+1: every page and API endpoint sends a fixed number of SQL statements, whatever it lists.

Each endpoint is requested twice by the same person: once with a few rows behind it, and once
after the crowd grew to many (tests/support/crowd.py adds distinct related rows, so a relation
loaded row by row shows up as more statements). Both counts must be at most the ceiling, and
equal. The count leaves out the SAVEPOINTs of the tests' rollback scheme (tests/support/querycount.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.mail.preferences import unsubscribe_url
from matcher.models import (
    BackgroundJob,
    Country,
    Licence,
    Opportunity,
    OrganisationInvite,
    Procedure,
    ProcedureSkill,
    Profile,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from matcher.models.departure import Trip, TripDocument, TripItem
from matcher.models.impact import LocalLearner, LogEntry, VisitFeedback
from matcher.models.matching import Match, MatchRound, MatchRun
from matcher.models.teaching import Site, TeachingRequest
from matcher.placements.calendar import calendar_token
from matcher.security import (
    EMAIL_CHANGE,
    EMAIL_VERIFICATION,
    ORGANISATION_INVITE,
    PASSWORD_RESET,
    fingerprint,
    make_token,
)
from matcher.services import api_tokens
from matcher.services.sites import sites_of
from tests.impact.crowd_impact import IMPACT, impact_page
from tests.support import hub_crowd, impact_crowd, learner_links_crowd, teaching_crowd, teams_crowd
from tests.support.crowd import Crowd
from tests.support.factories import UserFactory
from tests.support.querycount import QueryLog, assert_at_most, counting_queries, read_reference_data
from tests.support.teaching import make_request, make_site
from tests.support.trips import item

CEILING = 12
FEW, MANY = 2, 30
# Pages that score applicants with the engine read a whole profile: the row and its five lists
# (places, interests, availability, languages, teaching interests), and the engine's taxonomy
# (interests, levels, countries). That is a fixed cost, whatever the number of rows.
SCORING = "scores with the engine: a profile's six statements and three reference tables"
# Public pages a visitor opens first read less than any ceiling: kept there (issue 17, cheap to make).
HOME = "the verified organisations, the latest opportunities (one joined row each), the further reading"
FORM_ONLY = "a form and nothing from the database"
# An applicant's standing (services.eligibility): the scoring's reads, and their applications and
# any place they hold.
STANDING = SCORING + ", their applications and a place held"
# A teaching team's review (services.teams.reports.reviews), for one team or a whole build.
TEAM_REVIEW = (
    "a team's review: the teams with their visits, requests, needs, slots and members (one statement"
    " each), the members' skills, the build's runs (the builder's explanations), the professions"
)


@dataclass(frozen=True)
class Endpoint:
    id: str
    who: str  # anonymous | applicant | member | coordinator | admin
    url: str | Callable[[Crowd], str]  # a string is formatted with c = the crowd
    ceiling: int = CEILING
    why: str = ""  # the reason for a ceiling above CEILING
    shows: str = ""  # what the big crowd's page must contain (formatted with c), to prove it lists them
    status: int = 200

    def path(self, crowd: Crowd) -> str:
        return self.url.format(c=crowd) if isinstance(self.url, str) else self.url(crowd)


def _invite(crowd: Crowd) -> str:
    invite = OrganisationInvite(organisation=crowd.org_a, email="colleague@example.org")
    db.session.add(invite)
    db.session.commit()
    return "/invites/" + make_token(ORGANISATION_INVITE, {"invite": invite.id, "email": invite.email})


def _volunteer(crowd: Crowd) -> str:
    """The crowd's applicant made an IR trainee who volunteers: a skill in every procedure and a
    licence per crowd member up to the form's six, so that a row loaded one by one would show."""
    applicant, size = crowd.applicant, crowd.size
    applicant.role, applicant.profession_code = "trainee", "ir-trainee"
    profile = db.session.scalar(select(Profile).where(Profile.user_id == applicant.id))
    profile.volunteers_to_teach, profile.teaching_weeks = True, 4
    have = {lic.body for lic in profile.licences}
    countries = db.session.scalars(select(Country.iso2).order_by(Country.iso2).limit(min(size, 6))).all()
    for n, iso2 in enumerate(countries, 1):
        body = f"Licence body {n:03d}"
        if body not in have:
            profile.licences.append(Licence(country_code=iso2, body=body))
    known = {s.procedure_id for s in profile.procedure_skills}
    for procedure in db.session.scalars(select(Procedure)):
        if procedure.id not in known:
            profile.procedure_skills.append(ProcedureSkill(procedure=procedure, level="teach"))
    db.session.commit()
    return "/profile/teaching"


def _failed_job(crowd: Crowd) -> str:
    job = BackgroundJob(
        kind="run_round",
        title=f"Run of {crowd.round.name}",
        parameters={"round_id": crowd.round.id},
        status="failed",
        error="It stopped.",
        started_by_id=crowd.coordinator.id,
    )
    db.session.add(job)
    db.session.commit()
    return f"/jobs/{job.id}"


def _reset(crowd: Crowd) -> str:
    user = crowd.applicant
    return "/reset/" + make_token(PASSWORD_RESET, {"uid": user.id, "pw": fingerprint(user.password_hash)})


def _verify(crowd: Crowd) -> str:
    user = crowd.applicant
    return "/verify/" + make_token(EMAIL_VERIFICATION, {"uid": user.id, "email": user.email})


def _confirm_email(crowd: Crowd) -> str:
    user = crowd.applicant
    payload = {"uid": user.id, "old": user.email, "new": f"moved{crowd.size}@example.org"}
    return "/account/email/confirm/" + make_token(EMAIL_CHANGE, payload)


def _unsubscribe(crowd: Crowd) -> str:
    return unsubscribe_url(crowd.applicant, "alerts")


def _calendar(crowd: Crowd) -> str:
    return f"/placements/calendar/{calendar_token(crowd.applicant)}.ics"


def _teaching(crowd: Crowd) -> Site:
    """A's sites and open teaching requests, as many as the crowd is big (all requests at the first
    site, each wanting two procedures and two roles); gives back the first site."""
    sites = sites_of(db.session, crowd.org_a)
    procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.position).limit(2)))
    readiness = {"ultrasound": "yes", "ct": "limited", "drains": "no"}
    for i in range(len(sites) + 1, crowd.size + 1):
        make_site(db.session, crowd.org_a, name=f"Site {i:03}", slug=f"site-{i:03}", readiness=readiness)
    first = sites_of(db.session, crowd.org_a)[0]
    have = db.session.scalar(select(func.count()).select_from(TeachingRequest))
    for i in range(have + 1, crowd.size + 1):
        make_request(
            db.session,
            first,
            title=f"Request {i:03}",
            status="open",
            procedures=tuple(p.code for p in procedures),
        )
    return first


def _site_page(suffix: str = "") -> Callable[[Crowd], str]:
    def path(crowd: Crowd) -> str:
        return f"/organisations/{crowd.org_a.slug}/sites/{_teaching(crowd).slug}{suffix}"

    return path


def _request_page(edit: bool) -> Callable[[Crowd], str]:
    def path(crowd: Crowd) -> str:
        _teaching(crowd)
        last = db.session.scalar(select(func.max(TeachingRequest.id)))
        if edit:
            return f"/organisations/{crowd.org_a.slug}/teaching-requests/{last}/edit"
        return f"/teaching-requests/{last}"

    return path


def _listing(path: str) -> Callable[[Crowd], str]:
    def build(crowd: Crowd) -> str:
        _teaching(crowd)
        return path.format(c=crowd)

    return build


def _api_tokens(crowd: Crowd) -> str:
    """A's API tokens, one per crowd member ("Token 001"...), every other one revoked; their page."""
    have = len(api_tokens.tokens_of(db.session, crowd.org_a))
    for i in range(have + 1, crowd.size + 1):
        made = api_tokens.create(db.session, crowd.member, crowd.org_a, f"Token {i:03}", "read")
        if i % 2:
            api_tokens.revoke(db.session, crowd.member, crowd.org_a, made.token.id)
    db.session.commit()
    return f"/organisations/{crowd.org_a.slug}/api-tokens"


def _webhooks(log: bool) -> Callable[[Crowd], str]:
    """One endpoint of A per crowd member ("https://hooks.example/001"...), the first with a tried
    delivery per crowd member; then the list, or the first one's page with its log."""

    def build(crowd: Crowd) -> str:
        have = db.session.scalar(select(func.count()).select_from(WebhookEndpoint))
        for i in range(have + 1, crowd.size + 1):
            endpoint = WebhookEndpoint(
                organisation=crowd.org_a, url=f"https://hooks.example/{i:03}", secret="s", events="ping"
            )
            db.session.add(endpoint)
            db.session.flush()
            first = db.session.scalar(select(func.min(WebhookEndpoint.id)))
            delivery = WebhookDelivery(event_id=f"event-{i:03}", endpoint_id=first, event="ping", body="{}")
            db.session.add(delivery)
            db.session.flush()
            db.session.add(
                WebhookAttempt(
                    delivery=delivery, endpoint_id=first, attempt=1, status_code=200, duration_ms=i
                )
            )
        db.session.commit()
        if not log:
            return f"/organisations/{crowd.org_a.slug}/webhooks"
        first = db.session.scalar(select(func.min(WebhookEndpoint.id)))
        return f"/organisations/{crowd.org_a.slug}/webhooks/{first}"

    return build


def _readiness(path: str) -> Callable[[Crowd], str]:
    """A trip for each accepted placement at A (one per crowd member: "Applicant 001"...), each
    with an item due soon, one later and a proof on the first; then the board at `path`."""

    def build(crowd: Crowd) -> str:
        have = set(db.session.scalars(select(Trip.match_id)))
        accepted = select(Match).where(Match.status == "accepted", Match.opportunity_id == crowd.opp_a.id)
        for match in db.session.scalars(accepted):
            if match.id in have:
                continue
            starts = crowd.opp_a.starts_on
            trip = Trip(user_id=match.applicant_id, opportunity_id=match.opportunity_id, match_id=match.id)
            trip.items = [
                TripItem(position=0, **item("licence", starts - timedelta(days=30))),
                TripItem(position=1, **item("letter", starts - timedelta(days=10))),
            ]
            db.session.add(trip)
            db.session.flush()
            trip.items[0].documents.append(
                TripDocument(
                    trip_id=trip.id,
                    stored_name=f"proof-{trip.id}",
                    filename="licence.pdf",
                    content_type="application/pdf",
                    size=100,
                    expires_on=starts,
                )
            )
        db.session.commit()
        return path.format(c=crowd)

    return build


def _ended_visit(who: str = "") -> Callable[[Crowd], str]:
    """A's elective that ended, with the crowd's applicant and one more visitor per crowd member
    ("Visitor 001"...), each with both sides of feedback written (issue 22); then the feedback page
    (`who` empty), or the host's page on the applicant."""

    def path(crowd: Crowd) -> str:
        visit = db.session.scalar(select(Opportunity).where(Opportunity.title == "Ended visit of A"))
        if visit is None:
            visit = crowd._opportunity(crowd.org_a, "Ended visit of A", crowd.countries[0], status="closed")
            today = date.today()
            visit.starts_on, visit.ends_on = today - timedelta(days=40), today - timedelta(days=12)
            visit.deadline = None
            db.session.flush()
            _complete(crowd, crowd.applicant, visit)
        have = db.session.scalar(
            select(func.count()).select_from(Match).where(Match.opportunity_id == visit.id)
        )
        for n in range(have, crowd.size + 1):
            visitor = crowd.people(1)[0]
            visitor.name = f"Visitor {n:03}"
            _complete(crowd, visitor, visit)
            for side, author in (("visitor", visitor.id), ("host", crowd.member.id)):
                db.session.add(
                    VisitFeedback(
                        visit_id=visit.id, visitor_id=visitor.id, side=side, author_id=author, rating=4
                    )
                )
        db.session.commit()
        return f"/visits/{visit.id}/feedback" + (f"/{crowd.applicant.id}" if who else "")

    return path


def _complete(crowd: Crowd, person, visit) -> None:
    """A completed placement at the visit, in a round of its own (one match per person and run)."""
    run = crowd._run(crowd._round(f"Round of {person.name}", "closed"), 1, published=True)
    db.session.add(Match(run=run, status="completed", applicant_id=person.id, opportunity_id=visit.id))


def _trip(suffix: str = "") -> Callable[[Crowd], str]:
    """The applicant's trip to A's opportunity, with one checklist item per row of the crowd."""

    def path(crowd: Crowd) -> str:
        trip = db.session.scalar(select(Trip).where(Trip.user_id == crowd.applicant.id))
        if trip is None:
            match = Match(
                run=crowd.earlier_run,
                status="accepted",
                applicant_id=crowd.applicant.id,
                opportunity_id=crowd.opp_a.id,
            )
            trip = Trip(user_id=crowd.applicant.id, opportunity_id=crowd.opp_a.id, match=match)
            db.session.add(trip)
        for n in range(len(trip.items), crowd.size):
            trip.items.append(
                TripItem(
                    code=f"country:rule-{n + 1:03}",
                    source="country",
                    title=f"Rule {n + 1:03}",
                    due_on=crowd.opp_a.starts_on,
                )
            )
        db.session.commit()
        return f"/trips/{trip.id}{suffix}"

    return path


def _logbook(suffix: str = "") -> Callable[[Crowd], str]:
    """A's elective that ended, where the applicant's placement is accepted, with one log entry per
    crowd member: each names its own local learner, every other one confirmed (issue 22)."""

    def path(crowd: Crowd) -> str:
        visit = db.session.scalar(select(Opportunity).where(Opportunity.title == "Ended visit"))
        if visit is None:
            site = make_site(db.session, crowd.org_a, name="Logbook hospital", slug="logbook-hospital")
            visit = crowd._opportunity(crowd.org_a, "Ended visit", crowd.countries[0], status="closed")
            visit.starts_on, visit.ends_on, visit.deadline = (
                date.today() - timedelta(days=40),
                date.today() - timedelta(days=10),
                None,
            )
            visit.site_id = site.id
            run = MatchRun(
                round=MatchRound(name="Round of the ended visit", mode="ranked", scope={}, status="closed"),
                number=1,
                algorithm_version="test",
                seed=1,
                inputs_hash="0" * 64,
            )
            db.session.add(
                Match(run=run, status="accepted", applicant_id=crowd.applicant.id, opportunity=visit)
            )
            db.session.flush()
        procedures = db.session.scalars(select(Procedure).order_by(Procedure.id)).all()
        have = db.session.scalar(
            select(func.count()).select_from(LogEntry).where(LogEntry.visit_id == visit.id)
        )
        for n in range(have + 1, crowd.size + 1):
            learner = LocalLearner(site_id=visit.site_id, name=f"Learner {n:03}")
            db.session.add(learner)
            db.session.flush()
            db.session.add(
                LogEntry(
                    visit_id=visit.id,
                    author_id=crowd.applicant.id,
                    held_on=visit.starts_on + timedelta(days=n % 28),
                    kind="procedure",
                    procedure_id=procedures[n % len(procedures)].id,
                    learner_role="assisted",
                    cases=n,
                    learners_present=n,
                    local_learner_id=learner.id,
                    confirmed_at=None if n % 2 else utcnow(),
                    confirmed_by_id=None if n % 2 else crowd.member.id,
                )
            )
        db.session.commit()
        if suffix:
            waiting = db.session.scalar(
                select(LogEntry.id).where(LogEntry.visit_id == visit.id, LogEntry.confirmed_at.is_(None))
            )
            return f"/visits/{visit.id}/log/{waiting}{suffix}"
        return f"/visits/{visit.id}/log"

    return path


LAST = "{c.size:03}"  # in the names of the rows the crowd added last
FILTERS = "region=Africa&type=clinical_elective&level=ms5&language=en&open=1&interest={c.interests[0].slug}"

# fmt: off
ENDPOINTS = [
    Endpoint("home", "anonymous", "/", ceiling=3, why=HOME, shows="Organisation " + LAST),
    Endpoint("home-applicant", "applicant", "/", ceiling=4, why=HOME + ", and the person"),
    Endpoint("dashboard-applicant", "applicant", "/dashboard", ceiling=14,
             why="the applicant's dashboard, whether their profession teaches, they volunteer, their trips"),
    Endpoint("dashboard-member", "member", "/dashboard"),
    Endpoint("dashboard-coordinator", "coordinator", "/dashboard"),
    Endpoint("healthz", "anonymous", "/healthz"),
    Endpoint("signup", "anonymous", "/signup", ceiling=1, why="a form and the professions it offers"),
    Endpoint("login", "anonymous", "/login", ceiling=0, why=FORM_ONLY),
    Endpoint("forgot", "anonymous", "/forgot", ceiling=0, why=FORM_ONLY),
    Endpoint("account", "applicant", "/account"),
    Endpoint("notification-settings", "applicant", "/account/notifications"),
    Endpoint("unsubscribe", "anonymous", _unsubscribe),
    Endpoint("invite", "anonymous", _invite),
    Endpoint("reset-password", "anonymous", _reset),
    Endpoint("verify-email", "anonymous", _verify, status=302),
    Endpoint("confirm-email-change", "anonymous", _confirm_email, status=302),
    # Opportunities
    Endpoint("search", "anonymous", "/opportunities?per_page=100", shows="Opportunity " + LAST),
    Endpoint("search-filtered", "anonymous", "/opportunities?per_page=100&" + FILTERS,
             shows="Opportunity " + LAST),
    Endpoint("search-newest", "member", "/opportunities?sort=newest&per_page=100"),
    # Issue 23: the cost is one expression (two correlated subqueries on the country rules) in the
    # same two statements.
    Endpoint("search-by-cost", "anonymous",
             "/opportunities?sort=cost&max_cost=100000&other_way=0&fee_waiver=0&travel_grant=0&per_page=100",
             shows="Opportunity " + LAST),
    # The crowd's applicant holds places, so "only places I can be matched to" (their default) keeps
    # none: these read every filtered result, and the "everything" page checks each one it shows.
    Endpoint("search-by-score", "applicant", "/opportunities?sort=score&matchable=0&per_page=100",
             ceiling=16, why=STANDING, shows="Opportunity " + LAST),
    Endpoint("search-applicant-matchable", "applicant", "/opportunities?sort=score&per_page=100",
             ceiling=16, why=STANDING, shows="0 opportunities found"),
    Endpoint("search-applicant-everything", "applicant", "/opportunities?matchable=0&per_page=100",
             ceiling=16, why=STANDING, shows="Opportunity " + LAST),
    Endpoint("feed", "anonymous", "/opportunities/feed.atom", shows="Opportunity " + LAST),
    Endpoint("opportunity", "anonymous", "/opportunities/{c.opp_a.id}", ceiling=3,
             why="the opportunity with its organisation, country, interests and languages; the levels; "
             "the travel advisories (issue 21)"),
    Endpoint("opportunity-applicant", "applicant", "/opportunities/{c.opp_a.id}", ceiling=16, why=STANDING),
    Endpoint("opportunity-host", "member", "/opportunities/{c.opp_a.id}"),
    Endpoint("opportunity-new", "member", "/organisations/{c.org_a.slug}/opportunities/new"),
    Endpoint("opportunity-edit", "member", "/opportunities/{c.opp_a.id}/edit"),
    Endpoint("apply", "applicant", "/opportunities/{c.opp_a.id}/apply", ceiling=16, why=STANDING),
    # Organisations
    Endpoint("organisations", "anonymous", "/organisations", ceiling=2,
             why="the organisations, then their countries", shows="Organisation " + LAST),
    Endpoint("organisation", "anonymous", "/organisations/{c.org_a.slug}", ceiling=4,
             why="the organisation with its countries; its cards as rows with their interests' ids; the"
                 " reference data's version (the interests' words in every language, kept per process);"
                 " its sites",
             shows="Opportunity " + LAST),
    Endpoint("organisation-editor", "member", "/organisations/{c.org_a.slug}", shows="Draft " + LAST),
    Endpoint("embed", "anonymous", "/embed/organisations/{c.org_a.slug}", shows="Opportunity " + LAST),
    Endpoint("organisation-edit", "member", "/organisations/{c.org_a.slug}/edit"),
    Endpoint("coordination-organisations", "coordinator", "/coordination/organisations",
             shows="Claimant " + LAST),
    # Applications and profiles
    Endpoint("applications", "applicant", "/applications"),
    Endpoint("motivation", "applicant", "/applications/{c.first_application_id}/motivation"),
    Endpoint("applicants", "member", "/opportunities/{c.opp_a.id}/applicants",
             ceiling=15, why=SCORING + ", and the opportunity with its interests and languages",
             shows="Applicant " + LAST),
    Endpoint("profile", "applicant", "/profile"),
    Endpoint("profile-edit", "applicant", "/profile/edit"),
    Endpoint("profile-export", "applicant", "/profile/data.json", ceiling=18,
             why="the export reads every kind of data the person has, one statement per kind (trips and"
             " their documents included, and their feedback on visits)"),
    Endpoint("profile-delete", "applicant", "/profile/delete"),
    Endpoint("profile-teaching", "applicant", _volunteer, shows="Licence body 006"),
    Endpoint("profile-seen-by-host", "member", "/profiles/{c.applicant.id}"),
    Endpoint("profile-seen-by-coordinator", "coordinator", "/profiles/{c.applicant.id}"),
    Endpoint("own-cv", "applicant", "/profile/cv"),
    Endpoint("cv-seen-by-host", "member", "/profiles/{c.applicant.id}/cv"),
    # Placements
    Endpoint("placements", "applicant", "/placements", shows="Elsewhere " + LAST),
    Endpoint("trip", "applicant", _trip(), shows="Rule " + LAST),
    Endpoint("trip-contacts", "applicant", _trip("/contacts")),
    Endpoint("my-trips", "applicant", "/trips"),
    Endpoint("calendar", "anonymous", _calendar),
    Endpoint("outcome-letter", "applicant", "/placements/letters/{c.letter.id}",
             ceiling=20, why=SCORING + ", the open opportunities with their countries, interests, languages "
             "and organisations, the letter with its run and round, pairs declined before, the next round"),
    Endpoint("host-placements", "member", "/opportunities/{c.opp_a.id}/placements",
             shows="Applicant " + LAST),
    # Double-blind feedback after a visit (issue 22)
    Endpoint("visit-feedback", "applicant", _ended_visit()),
    Endpoint("visit-feedback-hosts", "member", _ended_visit(), shows="Visitor " + LAST),
    Endpoint("visit-feedback-host-side", "member", _ended_visit("host")),
    Endpoint("visit-feedback-staff", "coordinator", _ended_visit("host")),
    # Match rounds
    Endpoint("coordination-dashboard", "coordinator", "/coordination/dashboard", shows="Next round " + LAST),
    Endpoint("rounds", "coordinator", "/coordination/rounds", shows="Round " + LAST),
    Endpoint("round-new", "coordinator", "/coordination/rounds/new"),
    Endpoint("round", "coordinator", "/coordination/rounds/{c.round.id}"),
    Endpoint("job-progress", "coordinator", _failed_job),
    Endpoint("run-review", "coordinator", "/coordination/runs/{c.run.id}", shows="Elsewhere " + LAST),
    Endpoint("run-review-filtered", "coordinator",
             "/coordination/runs/{c.run.id}?region=Africa&status=proposed&band=low"),
    Endpoint("run-unmatched", "coordinator", "/coordination/runs/{c.run.id}/unmatched"),
    Endpoint("run-approve-all", "coordinator", "/coordination/runs/{c.run.id}/approve-all"),
    Endpoint("run-publish", "coordinator", "/coordination/runs/{c.run.id}/publish"),
    Endpoint("run-suggestions", "coordinator", "/coordination/runs/{c.recommendation_run.id}"),
    Endpoint("run-csv", "coordinator", "/coordination/runs/{c.run.id}/matches.csv"),
    Endpoint("placements-csv", "coordinator", "/coordination/placements.csv"),
    Endpoint("advisories", "coordinator", "/coordination/advisories", shows="Applicant " + LAST),
    Endpoint("advisory-release", "coordinator", "/trips/{c.held_trip.id}/release"),
    Endpoint("compare", "coordinator", "/coordination/compare?a={c.run.id}&b={c.run_b.id}"),
    Endpoint("match-history", "coordinator", "/coordination/matches/{c.history.id}",
             shows="Coordinator " + LAST),
    Endpoint("round-audit", "coordinator", "/coordination/rounds/{c.round.id}/audit"),
    Endpoint("round-settings", "coordinator", "/coordination/rounds/{c.round.id}/settings"),
    Endpoint("further-reading", "coordinator", "/coordination/reading"),
    Endpoint("countries", "coordinator", "/coordination/countries"),
    Endpoint("country", "coordinator", "/coordination/countries/TZ"),
    # Teaching: the volunteer directory, an invitation, the requests volunteers browse
    Endpoint("volunteers", "coordinator", teaching_crowd.directory, shows="Volunteer 19"),
    Endpoint("volunteer-invite", "member", teaching_crowd.invite_page, shows="Teaching request 29"),
    Endpoint("teaching-requests", "applicant", teaching_crowd.teaching_requests,
             shows="Teaching request 29"),
    # Teaching teams: a build with a team per crowd member, the first with a member per crowd member
    Endpoint("teams", "coordinator", teams_crowd.page("/coordination/teams"), ceiling=15,
             why="the dashboard's counts (every team with its slots, members, visit, request and needs; teams"
             " and members by status), the builds with their teams, the open requests with their sites and"
             " procedures, the visits without a team", shows="Team request " + LAST),
    Endpoint("teams-remote", "coordinator", teams_crowd.page("/coordination/teams/remote"),
             shows="Remote request " + LAST),
    Endpoint("team-build", "coordinator", teams_crowd.page("/coordination/teams/builds/{b.id}"),
             ceiling=16, why=TEAM_REVIEW + "; for every team of the build at once, and its latest run",
             shows="Team visit " + LAST),
    Endpoint("team-build-csv", "coordinator", teams_crowd.page("/coordination/teams/builds/{b.id}/teams.csv"),
             shows="Team visit " + LAST),
    Endpoint("team-review", "coordinator", teams_crowd.page("/coordination/teams/{t}"),
             ceiling=20, why=TEAM_REVIEW + "; the volunteers a coordinator could add, and the builder's"
             " rules for"
             " them (their profiles, skills, applications, wishes and weeks already given)",
             shows="Volunteer 29"),
    Endpoint("teams-hosted", "member", teams_crowd.page("/organisations/{c.org_a.slug}/teams"),
             shows="Team visit " + LAST),
    Endpoint("team-host", "member", teams_crowd.page("/teams/{t}/host"), ceiling=15,
             why=TEAM_REVIEW + "; the host's membership", shows="Volunteer 29"),
    Endpoint("teaching-visits", "applicant", teams_crowd.page("/teaching/visits"),
             shows="Team visit " + LAST),
    Endpoint("team-offer", "applicant", teams_crowd.page("/teaching/offers/{m}"), ceiling=16,
             why=TEAM_REVIEW + "; the volunteer's own place; the country's travel advisories and the"
             " place's trip (issue 21)"),
    # Administration
    Endpoint("admin-users", "admin", "/admin/users"),
    Endpoint("admin-users-search", "admin", "/admin/users?q=crowd"),
    Endpoint("outbox", "admin", "/admin/outbox", shows="mail{c.size}@example.org"),
    # The public API
    Endpoint("api-opportunities", "anonymous", "/api/v1/opportunities?per_page=100",
             shows="Opportunity " + LAST),
    Endpoint("api-opportunities-filtered", "anonymous", "/api/v1/opportunities?" + FILTERS),
    Endpoint("api-opportunity", "anonymous", "/api/v1/opportunities/{c.opp_a.id}", ceiling=2,
             why="the opportunity with its organisation, country, interests and languages; the levels"),
    Endpoint("api-organisations", "anonymous", "/api/v1/organisations", shows="Organisation " + LAST),
    Endpoint("api-openapi", "anonymous", "/api/v1/openapi.json", ceiling=0,
             why="the OpenAPI document depends on the code alone, nothing from the database"),
    Endpoint("api-reference", "anonymous", "/api", ceiling=0, why="the same document, as a page"),
    Endpoint("organisation-feed", "anonymous", "/organisations/{c.org_a.slug}/feed.atom"),
    Endpoint("api-tokens", "member", _api_tokens, shows="Token " + LAST),
    # Sites, teaching requests and the procedures taxonomy
    Endpoint("sites", "anonymous", _listing("/organisations/{c.org_a.slug}/sites"), shows="Site " + LAST),
    Endpoint("site", "anonymous", _site_page(), shows="Request " + LAST),
    Endpoint("site-edit", "member", _site_page("/edit")),
    Endpoint("site-new", "member", "/organisations/{c.org_a.slug}/sites/new"),
    Endpoint("teaching-requests", "member", _listing("/organisations/{c.org_a.slug}/teaching-requests"),
             shows="Request " + LAST),
    Endpoint("teaching-request-new", "member",
             _listing("/organisations/{c.org_a.slug}/teaching-requests/new"), shows="Site " + LAST),
    Endpoint("teaching-request-edit", "member", _request_page(edit=True), shows="Site " + LAST),
    Endpoint("teaching-request", "anonymous", _request_page(edit=False), shows="Request " + LAST),
    Endpoint("procedures", "anonymous", "/procedures"),
    Endpoint("procedure-list", "coordinator", "/coordination/procedures"),
    Endpoint("procedure-new", "coordinator", "/coordination/procedures/new"),
    Endpoint("procedure-edit", "coordinator", "/coordination/procedures/nephrostomy/edit"),
    # Before departure: the readiness boards
    Endpoint("readiness-coordinator", "coordinator", _readiness("/coordination/readiness"),
             shows="Applicant " + LAST),
    Endpoint("readiness-host", "member", _readiness("/organisations/{c.org_a.slug}/readiness"),
             shows="Applicant " + LAST),
    # Webhooks (issue 24)
    Endpoint("webhooks", "member", _webhooks(log=False), shows="https://hooks.example/" + LAST),
    Endpoint("webhook", "member", _webhooks(log=True), shows="event-" + LAST),
    # After your visits (issue 22): a visit of A's per crowd member, the first with a visitor per member
    Endpoint("visits-visitor", "applicant", hub_crowd.page("/visits"), shows="Past visit " + LAST),
    Endpoint("visits-host", "member", hub_crowd.page("/visits"), shows="Past site " + LAST),
    Endpoint("visit-host", "member", hub_crowd.page("/visits/{v.id}"), shows="Past visitor " + LAST),
    Endpoint("visit-visitor", "applicant", hub_crowd.page("/visits/{v.id}"), shows="Past visitor " + LAST),
    # After the visit (issue 22): local learners, a learner's progress, certificates
    Endpoint("local-learners", "member", impact_crowd.learners_page, shows="Learner " + LAST),
    Endpoint("local-learner", "member", impact_crowd.learner_page, shows="Visit " + LAST),
    Endpoint("certificate", "applicant", impact_crowd.certificate_page,
             shows="From {c.size} confirmed logbook entries"),
    Endpoint("certificate-check", "anonymous", impact_crowd.certificate_check, ceiling=1,
             why="the completion with its person, visit and organisation, in one statement"),
    # After the visit (issue 22): the logbook, as its visitor and as its host, and an entry's change
    Endpoint("visit-log", "applicant", _logbook(), shows="Learner " + LAST),
    Endpoint("visit-log-host", "member", _logbook(), shows="Learner " + LAST),
    Endpoint("visit-log-entry", "applicant", _logbook("/edit"), shows="Learner " + LAST),
    Endpoint("organisation-impact", "anonymous", impact_page(IMPACT)),
    Endpoint("organisation-impact-year", "anonymous", impact_page(IMPACT + "?year=2023")),
    Endpoint("organisation-impact-csv", "anonymous", impact_page(IMPACT + ".csv"), shows="2024,"),
    Endpoint("funders-report", "anonymous", impact_page(IMPACT + "/report?year=all"), shows="Impact site"),
    Endpoint("impact-reports", "coordinator", impact_page("/coordination/impact"), shows="Organisation A"),
    Endpoint("impact-reports-csv", "coordinator", impact_page("/coordination/impact.csv?region=Africa")),
    Endpoint("api-organisation-impact", "anonymous", impact_page("/api/v1" + IMPACT), shows='"year":2024'),
    Endpoint("api-impact", "anonymous", impact_page("/api/v1/impact?year=2023")),
    # After the visit (issue 22): local learners' feedback links, the form behind one, the answers
    Endpoint("learner-links", "member", learner_links_crowd.links_page),
    Endpoint("learner-form", "anonymous", learner_links_crowd.form_page),
    Endpoint("learner-answers", "member", learner_links_crowd.answers_page, shows="Comment " + LAST),
]
# fmt: on
NOT_MEASURED = {
    "static": "files from disk, no database",
    "reading.edit": "a form for one link; their list, reading.index, is measured",
    "trips.country_rule_edit": "a form for one rule; the country's list, trips.country, is measured",
    "trips.document": "one document's row and its file: nothing is listed",
    "trips.item_documents": "one item's documents, at most five (documents.MAX_DOCUMENTS_PER_ITEM); the trip"
    " page that lists every item's, trips.show, is measured",
    "i18n.choose": "sets a cookie and redirects, no database",
}


def _browser(app, crowd: Crowd, who: str) -> FlaskClient:
    browser = app.test_client()
    if who != "anonymous":
        user = getattr(crowd, who)
        response = browser.post("/login", data={"email": user.email, "password": UserFactory.PASSWORD})
        assert response.status_code == 302, who
    return browser


def _measure(browser: FlaskClient, url: str, endpoint: Endpoint) -> tuple[QueryLog, bytes]:
    with counting_queries() as log:
        response = browser.get(url)
    assert response.status_code == endpoint.status, (url, response.status_code)
    return log, response.get_data()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.id for e in ENDPOINTS])
def test_statements_do_not_grow_with_rows(app, endpoint: Endpoint):
    assert endpoint.ceiling == CEILING or endpoint.why, "a ceiling of its own needs its reason"
    crowd = Crowd(db.session).grow(FEW)
    browser = _browser(app, crowd, endpoint.who)
    read_reference_data()
    few, _ = _measure(browser, endpoint.path(crowd), endpoint)
    crowd.grow(MANY - FEW)
    many, page = _measure(browser, endpoint.path(crowd), endpoint)
    print(f"{endpoint.id}: {few.count} statements with {FEW} rows, {many.count} with {MANY}")
    if endpoint.shows:
        assert endpoint.shows.format(c=crowd).encode() in page, "the big crowd's rows are not on the page"
    assert_at_most(few, endpoint.ceiling, f"{endpoint.id} with {FEW} rows")
    assert_at_most(many, endpoint.ceiling, f"{endpoint.id} with {MANY} rows")
    assert many.count == few.count, (
        f"{endpoint.id}: {few.count} statements with {FEW} rows, {many.count} with {MANY}.\n"
        f"With {FEW}:\n{few.report()}\nWith {MANY}:\n{many.report()}"
    )


def test_every_page_is_measured(app):
    """A new GET route fails this until it has an Endpoint above (or a reason not to)."""
    adapter = app.url_map.bind("matcher.test")
    crowd = Crowd(db.session).grow(1)
    measured = set()
    for endpoint in ENDPOINTS:
        path = endpoint.path(crowd).removeprefix("http://matcher.test").split("?")[0]
        measured.add(adapter.match(path, method="GET")[0])
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert not routes - measured - set(NOT_MEASURED), sorted(routes - measured - set(NOT_MEASURED))
    assert not set(NOT_MEASURED) - routes, "a route listed in NOT_MEASURED is gone"
