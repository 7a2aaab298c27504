"""Dashboards: each role sees the next thing to do, with the right numbers and days, and where to act."""

from datetime import date, timedelta

import pytest

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Match, MatchRound, MatchRun, Membership, MembershipRole, OutboxMessage
from tests.support.querycount import counting_queries

TODAY = date.today()


def _next_steps(page: str) -> str:
    start = page.index('id="next-heading"')
    return page[start : page.index("</section>", start)]


def _dashboard(client) -> str:
    response = client.get("/dashboard")
    assert response.status_code == 200
    return _next_steps(response.get_data(as_text=True))


def _round(name: str, status: str = "open") -> MatchRound:
    match_round = MatchRound(name=name, mode="ranked", scope={}, status=status)
    db.session.add(match_round)
    return match_round


def _run(match_round: MatchRound, number: int = 1) -> MatchRun:
    run = MatchRun(round=match_round, number=number, algorithm_version="test", seed=1, inputs_hash="0" * 64)
    db.session.add(run)
    return run


def _match(run: MatchRun, applicant, opportunity, status: str, **fields) -> Match:
    match = Match(run=run, applicant_id=applicant.id, opportunity_id=opportunity.id, status=status, **fields)
    db.session.add(match)
    return match


# --- students and trainees ----------------------------------------------------------------------


def test_a_new_student_is_told_to_complete_the_profile_add_a_cv_and_find_opportunities(auth, client):
    auth.login("student", verified=False)
    steps = _dashboard(client)
    assert "Confirm your email address" in steps
    assert '<a href="/profile/edit">Complete your profile</a>: 8 parts still to fill in' in steps
    assert '<a href="/profile#cv-heading">Add your CV</a> (CV missing)' in steps
    assert '<a href="/opportunities">Find opportunities</a> and apply to up to 10' in steps


def test_a_student_with_applications_is_asked_to_order_them_before_the_nearest_deadline(auth, client, users):
    student = auth.login("student")
    users.profile(student, cv_filename="stored.pdf", cv_original_name="cv.pdf", cv_size=10)
    soon, later = TODAY + timedelta(days=20), TODAY + timedelta(days=50)
    users.application(student, users.opportunity(deadline=later))
    users.application(student, users.opportunity(deadline=soon))
    users.application(student, users.opportunity(status="closed"))
    steps = _dashboard(client)
    assert "You have 3 applications" in steps
    assert (
        f'<a href="/applications">put them in your order of preference</a>, until {soon:%-d %B %Y}' in steps
    )
    assert "Complete your profile" not in steps and "Add your CV" not in steps


def test_a_published_match_asks_the_applicant_to_accept_by_its_deadline(auth, client, users):
    trainee = auth.login("trainee")
    reply_by = TODAY + timedelta(days=12)
    opportunity = users.opportunity(title="Teaching visit in Mwanza")
    run = _run(_round("Spring", status="published"))
    _match(run, trainee, opportunity, "published", response_deadline=reply_by)
    earlier = _run(_round("Last year", status="closed"))
    _match(
        earlier,
        trainee,
        users.opportunity(title="Elective in Moshi", starts_on=TODAY - timedelta(days=40), deadline=None),
        "completed",
    )
    db.session.commit()
    steps = _dashboard(client)
    offer = '<a href="/placements">Accept your place at “Teaching visit in Mwanza”</a>'
    assert f"{offer} by <strong>{reply_by:%-d %B %Y}</strong>" in steps
    assert steps.index("Accept your place") < steps.index("Complete your profile")  # most urgent first
    assert '<a href="/placements">Tell us how “Elective in Moshi” went</a>' in steps


def test_an_answered_match_is_no_longer_a_next_step(auth, client, users):
    student = auth.login("student")
    run = _run(_round("Spring", status="published"))
    _match(run, student, users.opportunity(title="Accepted elective"), "accepted")
    _match(run, users.create("student"), users.opportunity(title="Someone else's"), "published")
    db.session.commit()
    steps = _dashboard(client)
    assert "Accept your place" not in steps and "Someone else's" not in steps


def test_an_applicant_who_accepted_a_place_is_no_longer_asked_to_order_applications(auth, client, users):
    student = auth.login("student")
    first, second = users.opportunity(title="First choice"), users.opportunity(title="Second choice")
    users.application(student, first)
    users.application(student, second)
    assert "put them in your order of preference" in _dashboard(client)
    _match(_run(_round("Spring", status="published")), student, first, "accepted")
    db.session.commit()
    assert "put them in your order of preference" not in _dashboard(client)


# --- organisation contacts ----------------------------------------------------------------------


def test_an_organisation_contact_sees_applications_to_order_drafts_deadlines_and_placements(
    auth, client, users
):
    organisation = users.organisation()
    busy = users.opportunity(organisation, title="Busy elective", capacity=3)
    quiet = users.opportunity(organisation, title="Quiet elective", capacity=1)
    closing = users.opportunity(
        organisation, title="Closing elective", deadline=TODAY + timedelta(days=5), capacity=2
    )
    users.opportunity(organisation, title="Unfinished draft", status="draft")
    started = users.opportunity(
        organisation, title="Elective under way", starts_on=TODAY - timedelta(days=3), deadline=None
    )
    applicants = [users.create("student") for _ in range(3)]
    for student in applicants:
        users.application(student, busy)
    ranked = users.application(users.create("student"), busy)
    ranked.host_rank = 1
    users.application(applicants[0], quiet)
    run = _run(_round("Earlier", status="published"))
    _match(run, applicants[1], started, "accepted")
    _match(run, applicants[2], started, "accepted")
    _round("Open round")
    stranger = users.opportunity(users.organisation(), title="Another organisation's elective")
    users.application(users.create("student"), stranger)
    db.session.commit()

    auth.login("org_member", organisation=organisation)
    steps = _dashboard(client)

    assert "4 applications waiting for your order: a match round is open" in steps
    assert (
        f'<a href="/opportunities/{busy.id}/applicants">“Busy elective”</a>: 3 applicants to put in order'
        in steps
    )
    assert (
        f'<a href="/opportunities/{quiet.id}/applicants">“Quiet elective”</a>: 1 applicant to put in order'
        in steps
    )
    assert "1 draft opportunity to finish and publish" in steps and "Unfinished draft" in steps
    deadline = (TODAY + timedelta(days=5)).strftime("%-d %B %Y")
    assert (
        f'<a href="/opportunities/{closing.id}/applicants">“Closing elective”</a> close on {deadline}'
        in steps
    )
    assert (
        f'<a href="/opportunities/{started.id}/placements">Confirm who came to “Elective under way”</a>: '
        "2 accepted placements" in steps
    )
    assert "Another organisation" not in steps


def test_a_contact_with_nothing_pending_is_told_so(auth, client, users):
    organisation = users.organisation()
    users.opportunity(organisation, deadline=TODAY + timedelta(days=60))
    auth.login("org_member", organisation=organisation)
    assert "Nothing waits for you right now." in _dashboard(client)


# --- coordinators and administrators ------------------------------------------------------------


def _staff_world(users):
    # Each with a contact whose address is confirmed (the factory's default): only those wait.
    users.create("org_member", organisation=users.organisation(name="Pending one", verified=False))
    users.create("org_member", organisation=users.organisation(name="Pending two", verified=False))
    # An address nobody confirmed reaches no coordinator (issue 16).
    users.create(
        "org_member", organisation=users.organisation(name="Unconfirmed", verified=False), verified=False
    )
    users.organisation(name="Refused", verified=False, rejected_at=utcnow())
    claimant = users.create("org_member")
    db.session.add(Membership(user=claimant, organisation=users.organisation(), role=MembershipRole.MEMBER))
    opportunity = users.opportunity(capacity=5)
    students = [users.create("student") for _ in range(4)]
    not_run = _round("Autumn 2027")
    reviewing = _round("Spring 2027")
    _run(reviewing, 1)
    latest = _run(reviewing, 2)
    for student, status in zip(students, ["proposed", "proposed", "approved", "rejected"], strict=True):
        _match(latest, student, opportunity, status)
    ready = _round("Winter 2027")
    ready_run = _run(ready, 1)
    _match(ready_run, students[0], opportunity, "approved")
    _round("Published long ago", status="published")
    for n in range(3):
        db.session.add(
            OutboxMessage(
                message_id=f"<dead-{n}@matcher.test>",
                category="account",
                template="verify_email",
                to_address=f"gone{n}@example.org",
                subject="Confirm",
                body_text="text",
                body_html="<p>html</p>",
                status="dead",
            )
        )
    db.session.commit()
    return not_run, latest, ready_run


def test_a_coordinator_sees_verifications_rounds_to_review_and_publish_and_dead_emails(auth, client, users):
    not_run, latest, ready_run = _staff_world(users)
    auth.login("coordinator")
    steps = _dashboard(client)
    assert '<a href="/coordination/organisations">2 organisations waiting for verification</a>' in steps
    assert (
        '<a href="/coordination/organisations#claims-heading">1 claim to act for an organisation</a>' in steps
    )
    run_it = f'<a href="/coordination/rounds/{not_run.id}">Run “Autumn 2027”</a>'
    assert f"{run_it}: the round is open and has no run yet" in steps
    assert (
        f'<a href="/coordination/runs/{latest.id}">Review 2 proposed matches</a> in “Spring 2027”, run 2 '
        "(1 approved so far)" in steps
    )
    assert (
        f'<a href="/coordination/runs/{ready_run.id}">Publish 1 approved match</a> of “Winter 2027”' in steps
    )
    assert "Published long ago" not in steps
    assert "3 emails could not be delivered; an administrator can retry them." in steps
    assert 'href="/admin/outbox"' not in steps


def test_an_administrator_is_sent_to_the_outbox_to_retry_dead_emails(auth, client, users):
    _staff_world(users)
    auth.login("admin")
    steps = _dashboard(client)
    assert '<a href="/admin/outbox">3 emails could not be delivered</a>: retry them' in steps


def test_a_quiet_day_for_a_coordinator(auth, client):
    auth.login("coordinator")
    assert "Nothing waits for you right now." in _dashboard(client)


@pytest.mark.parametrize("role", ["student", "org_member", "coordinator"])
def test_a_dashboard_sends_as_many_statements_for_many_rows_as_for_few(auth, client, users, role):
    """The next steps come from aggregate queries: more rows, not more SQL."""
    organisation = users.organisation()
    person = auth.login(role, organisation=organisation) if role == "org_member" else auth.login(role)

    def grow(n: int) -> None:
        match_round = _round(f"Round {n}")
        run = _run(match_round)
        users.organisation(verified=False)
        opportunity = users.opportunity(organisation)
        users.opportunity(organisation, status="draft")
        applicant = person if role == "student" else users.create("student")
        users.application(applicant, opportunity)
        _match(run, applicant, opportunity, "published", response_deadline=TODAY + timedelta(days=9))
        db.session.commit()

    grow(0)
    with counting_queries() as few:
        _dashboard(client)
    for n in range(1, 5):
        grow(n)
    with counting_queries() as many:
        _dashboard(client)
    assert many.count == few.count, many.report()


def test_an_unverified_organisations_contact_is_told_what_to_do_first(client, auth, users):
    organisation = users.organisation(
        verified=False, name="Mwanza IR Group", slug="mwanza-ir", description=""
    )
    auth.login("org_member", organisation=organisation, verified=False)
    steps = _dashboard(client)
    assert "Before a coordinator can verify “Mwanza IR Group”" in steps
    assert "confirm your email address with the link we sent to" in steps
    assert (
        '<a href="/organisations/mwanza-ir/edit">complete the organisation\'s page</a>: add a description of '
        "who you are and what you do in IR, a website or social media handle and the country it is based in"
    ) in steps
    assert "Nothing waits for you" not in steps


def test_a_complete_unverified_organisation_waits_on_the_coordinator_only(client, auth, users):
    organisation = users.organisation(
        verified=False, name="Mwanza IR Group", website="https://mwanza.example", country_code="TZ"
    )
    auth.login("org_member", organisation=organisation)
    steps = _dashboard(client)
    assert "nothing more from you: a coordinator checks its page" in steps
    assert "confirm your email" not in steps and "complete the organisation" not in steps


def test_a_verified_organisation_needs_no_verification_step(client, auth, users):
    auth.login("org_member", organisation=users.organisation(verified=True))
    assert "Before a coordinator can verify" not in _dashboard(client)
