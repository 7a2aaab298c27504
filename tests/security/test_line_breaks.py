"""A line break in a one-line field is refused at input, and one already saved breaks nothing.

Before: a name, organisation name, opportunity title or round name holding CR/LF (or another line
separator) was saved, and then applying, accepting, cancelling, inviting, running a round and
signing up answered 500 (the email's subject or To: name refused it), and a publication job with
such a title sent none of its emails. Now the services refuse line breaks with a field error,
the mail layer folds whitespace in headers, and a row that still fails is skipped and recorded.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.extensions import db
from matcher.mail import jobs
from matcher.mail.delivery import deliver_due
from matcher.models import Match, MatchRound, OutboxJob, OutboxMessage, Role, User
from matcher.models.matching import MatchStatus, OutcomeLetter
from matcher.services import accounts, opportunities, organisation_invites, organisations, profiles
from matcher.services.errors import DomainError
from matcher.services.matching import rounds
from matcher.services.text import LINE_BREAKS
from tests.support.rounds import CONFIRM, RoundBuilder, approve_all, create_round, east_africa, run
from tests.web.test_opportunity_editing import form_data as opportunity_form

MESSAGE = "Write this on one line, without line breaks."
TODAY = date.today()


@pytest.fixture
def app_config(smtp_sink):
    return smtp_sink.config()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _assert_field_error(response, field: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and MESSAGE in page


# -- refused at input --------------------------------------------------------------------------


SIGN_UP = {
    "role": "student",
    "name": "Amina Mushi",
    "email": "amina@example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
}


@pytest.mark.parametrize("brk", list(LINE_BREAKS), ids=[f"U+{ord(c):04X}" for c in LINE_BREAKS])
def test_sign_up_refuses_every_line_separator_in_the_name(client, brk):
    response = client.post("/signup", data={**SIGN_UP, "name": f"Amina{brk}Bcc: all@example.org"})
    _assert_field_error(response, "name")
    assert count(User) == 0 and count(OutboxMessage) == 0


def test_sign_up_refuses_a_line_break_in_the_organisation_name(client):
    data = {**SIGN_UP, "role": "org_member", "organisation_name": "Hospital\u2028of Somewhere"}
    _assert_field_error(client.post("/signup", data=data), "organisation_name")
    assert count(User) == 0


@pytest.mark.parametrize("field", ["title", "host_institution", "city", "contact_name"])
def test_an_opportunity_field_with_a_line_break_is_refused(client, auth, users, field):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    auth.login("org_member", organisation=organisation)
    response = client.post(
        "/organisations/road2ir/opportunities/new", data=opportunity_form(**{field: "Mwanza\r\nBugando"})
    )
    _assert_field_error(response, field)
    assert count(opportunities.Opportunity) == 0


def test_a_round_name_with_a_line_break_is_refused(client, auth):
    auth.login("coordinator")
    response = client.post(
        "/coordination/rounds/new",
        data={"name": "East Africa\n2027", "mode": "ranked", "regions": ["Africa"]},
    )
    _assert_field_error(response, "name")
    assert count(MatchRound) == 0


def test_an_organisation_renamed_with_a_line_break_is_refused(client, auth, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    auth.login("org_member", organisation=organisation)
    response = client.post("/organisations/road2ir/edit", data={"name": "Road2IR\rBcc: x@example.org"})
    _assert_field_error(response, "name")
    db.session.refresh(organisation)
    assert organisation.name == "Road2IR"


def _opportunity_data(**changes) -> opportunities.OpportunityData:
    start = TODAY + timedelta(days=90)
    fields = {
        "title": "IR elective",
        "description": "",
        "type": "clinical_elective",
        "host_institution": "Bugando Medical Centre",
        "city": "Mwanza",
        "country_code": "TZ",
        "level_min": 4,
        "level_max": 6,
        "starts_on": start,
        "ends_on": start + timedelta(days=27),
        "capacity": 2,
        "interests": ["nephrostomy"],
        "languages": [],
        **changes,
    }
    return opportunities.OpportunityData(**fields)


def test_services_refuse_line_breaks_whoever_calls_them(app, users):
    """The API and the CLI call the same services as the forms, so they are refused the same way."""
    coordinator = users.create(role=Role.COORDINATOR)
    member = users.create(role=Role.ORG_MEMBER)
    organisation = member.memberships[0].organisation
    student = users.create(role=Role.STUDENT)
    profile_data = profiles.ProfileData(institution="University\x85of Nairobi")
    profile = organisations.OrganisationProfile(
        name="Road2IR",
        description="",
        website=None,
        social_handle="@road\n2ir",
        country_code=None,
        countries=[],
    )
    calls = {
        "name": lambda: accounts.create_user(
            db.session, email="a@example.org", name="A\nB", password="a long passphrase", role=Role.STUDENT
        ),
        "organisation_name": lambda: accounts.sign_up(
            db.session,
            accounts.SignUp("b@example.org", "B", "a long passphrase", Role.ORG_MEMBER, "Org\x1cName"),
        ),
        "new_email": lambda: accounts.request_email_change(
            db.session, student, users.PASSWORD, "new@example.org\r\nBcc: x@example.org"
        ),
        "title": lambda: opportunities.validate(db.session, _opportunity_data(title="IR\u2029elective")),
        "fee_currency": lambda: opportunities.validate(db.session, _opportunity_data(fee_currency="US\vD")),
        "social_handle": lambda: organisations.update_profile(db.session, member, organisation, profile),
        "email": lambda: organisation_invites.invite(
            db.session, member, organisation, "c@example.org\nBcc: d@x.org"
        ),
        "institution": lambda: profiles.validate(db.session, student, profile_data, TODAY),
        "round_name": lambda: rounds.create_round(
            db.session,
            coordinator,
            name="Round\f1",
            mode="ranked",
            scope=rounds.Scope(),
            response_deadline=None,
        ),
    }
    with app.test_request_context():
        for expected, call in calls.items():
            with pytest.raises(DomainError) as refused:
                call()
            assert refused.value.message == MESSAGE, expected
            assert refused.value.field == ("name" if expected == "round_name" else expected)
            db.session.rollback()


def test_the_create_user_command_refuses_a_line_break_in_the_name(runner):
    command = ["create-user", "--role", "coordinator", "--name", "Ada\nLovelace", "ada@example.org"]
    result = runner.invoke(args=[*command, "--password", "a long passphrase"])
    assert result.exit_code != 0 and MESSAGE in result.output
    assert count(User) == 0


# -- pre-existing bad data breaks nothing ------------------------------------------------------


@pytest.fixture
def tainted(users):
    """The East Africa world, with line breaks saved directly in every name and title."""
    world = east_africa(users)
    world["org"].name = "Road2IR\r\nBcc: everyone@example.org"
    world["muhimbili"].title = "Muhimbili\nelective"
    world["kenyatta"].title = "Kenyatta\u2028elective"
    world["host"].name = "Host\rPerson"
    for name in ("amina", "lucas", "neema", "david"):
        world[name].name = f"{name.capitalize()}\r\nStudent"
    world["coordinator"] = users.create(role=Role.COORDINATOR, name="Coordi\nNator")
    db.session.commit()
    return world


def _assert_every_header_on_one_line() -> None:
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert rows
    for row in rows:
        for value in (row.subject, row.to_name, row.to_address):
            assert not any(brk in value for brk in LINE_BREAKS), value


def _published_match(world, applicant: str, status: str = MatchStatus.PUBLISHED) -> Match:
    builder = RoundBuilder(db.session)
    match_round = builder.round("Bad\nround", status="published", response_deadline=TODAY + timedelta(days=7))
    return builder.match(
        builder.run(match_round),
        world[applicant],
        world["kenyatta"],
        status,
        response_deadline=TODAY + timedelta(days=7),
    )


def test_applying_to_an_opportunity_with_a_bad_title_works(client, auth, users, tainted):
    applicant = auth.login("student")
    users.profile(applicant)
    response = client.post(f"/opportunities/{tainted['muhimbili'].id}/apply", data={"motivation": "Keen."})
    assert response.status_code == 302
    _assert_every_header_on_one_line()
    assert sorted(db.session.scalars(select(OutboxMessage.subject))) == [
        "New application: Muhimbili elective",  # to the host
        "You applied to Muhimbili elective",  # the applicant's receipt
    ]


def test_accepting_a_place_with_bad_names_works(client, auth, tainted):
    match = _published_match(tainted, "amina")
    auth.login_as(tainted["amina"])
    assert client.post(f"/placements/{match.id}/accept").status_code == 302
    assert db.session.get(Match, match.id).status == MatchStatus.ACCEPTED
    _assert_every_header_on_one_line()


def test_cancelling_a_placement_with_bad_names_works(client, auth, tainted):
    match = _published_match(tainted, "lucas", MatchStatus.ACCEPTED)
    auth.login_as(tainted["host"])
    response = client.post(f"/placements/{match.id}/cancel", data={"reason": "The department closed."})
    assert response.status_code == 302
    assert db.session.get(Match, match.id).status == MatchStatus.CANCELLED
    _assert_every_header_on_one_line()


def test_inviting_to_an_organisation_with_a_bad_name_works(client, auth, tainted, smtp_sink):
    auth.login_as(tainted["host"])
    response = client.post("/organisations/road2ir/invite", data={"email": "colleague@example.org"})
    assert response.status_code == 302
    assert deliver_due(db.session).sent == 1
    (received,) = smtp_sink.received
    assert received.rcpt_tos == ["colleague@example.org"]  # no Bcc: smuggled in by the name
    assert (
        received.message["Subject"] == "Join Road2IR Bcc: everyone@example.org on the IR Opportunity Matcher"
    )


def test_signing_up_while_a_coordinator_has_a_bad_name_works(app, client, tainted):
    data = {
        **SIGN_UP,
        "role": "org_member",
        "email": "new@example.org",
        "organisation_name": "A new hospital",
    }
    assert client.post("/signup", data=data).status_code == 302
    # Coordinators hear of a new organisation once its contact's address is confirmed, from cron.
    db.session.scalars(select(User).where(User.email == "new@example.org")).one().email_verified_at = utcnow()
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["notify", "digests"]).exit_code == 0
    _assert_every_header_on_one_line()
    alert = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == tainted["coordinator"].email)
    )
    assert alert.one().to_name == "Coordi Nator"


def test_running_and_publishing_a_round_with_bad_names_sends_every_email(
    app, client, auth, tainted, smtp_sink
):
    auth.login_as(tainted["coordinator"])
    match_round = create_round(client)
    match_round.name = "East Africa\r\n2027"
    db.session.commit()
    first = run(client, match_round)
    approve_all(client, first)
    deadline = (TODAY + timedelta(days=10)).isoformat()
    response = client.post(
        f"/coordination/runs/{first.id}/publish", data={**CONFIRM, "response_deadline": deadline}
    )
    assert response.status_code == 302
    deliver_due(db.session)
    job = db.session.scalars(select(OutboxJob)).one()
    assert job.done_at is not None and job.skipped == 0
    published = db.session.scalar(select(func.count()).select_from(Match).where(Match.run_id == first.id))
    letters = count(OutcomeLetter)
    # The run's email to the coordinator, one offer per match, one email to the host's one contact
    # listing them all, and an outcome letter to each applicant in scope without an offer.
    assert published == 3 and letters == 1
    assert len(smtp_sink.received) == 1 + published + 1 + letters
    _assert_every_header_on_one_line()


def test_a_row_that_cannot_be_written_is_skipped_and_recorded_and_the_rest_are_sent(
    app, client, auth, tainted, monkeypatch, caplog
):
    auth.login_as(tainted["coordinator"])
    first = run(client, create_round(client))
    approve_all(client, first)
    deadline = (TODAY + timedelta(days=10)).isoformat()
    client.post(f"/coordination/runs/{first.id}/publish", data={**CONFIRM, "response_deadline": deadline})
    bad = db.session.scalars(select(Match).where(Match.run_id == first.id).order_by(Match.id)).first()
    write = jobs.offers_to_applicants

    def fails_for_one(session, matches):
        rows = write(session, matches)  # writes the applicants' emails, then fails: none of them is kept
        if bad.id in {match.id for match in matches}:
            raise ValueError("a value no template can render")
        return rows

    monkeypatch.setattr(jobs, "offers_to_applicants", fails_for_one)
    with caplog.at_level(logging.ERROR, logger="matcher.mail"):
        deliver_due(db.session)
    job = db.session.scalars(select(OutboxJob)).one()
    assert job.done_at is not None and job.skipped == 1
    assert f"row {bad.id}: ValueError: a value no template can render" == job.last_error
    assert f"row {bad.id} skipped" in caplog.text
    written = db.session.scalars(
        select(OutboxMessage.to_address).where(OutboxMessage.template == "match_published")
    )
    assert bad.applicant.email not in written.all()
    # The run's email, the two good offers, the host's one email, and the outcome letter.
    assert count(OutboxMessage) == 1 + 2 + 1 + count(OutcomeLetter)


def test_a_queued_row_with_a_broken_header_is_marked_dead_and_the_others_are_sent(app, smtp_sink):
    def row(n: int, subject: str) -> OutboxMessage:
        return OutboxMessage(
            message_id=f"<row-{n}@matcher.test>",
            category="account",
            template="verify_email",
            to_address=f"person{n}@example.org",
            subject=subject,
            body_text="text",
            body_html="<p>html</p>",
        )

    rows = [row(1, "Fine"), row(2, "Broken\r\nBcc: all@example.org"), row(3, "Also fine")]
    db.session.add_all(rows)
    db.session.commit()
    report = deliver_due(db.session)
    assert (report.sent, report.dead) == (2, 1)
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.received) == ["person1@example.org", "person3@example.org"]
    broken = db.session.get(OutboxMessage, rows[1].id)
    assert broken.status == "dead" and broken.last_error.startswith("BadHeaderError")
