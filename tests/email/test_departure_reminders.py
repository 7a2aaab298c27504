"""Reminders of checklist items before departure, delivered to a real SMTP server (aiosmtpd):
each step once, to the traveller or to the host's members, in their language, whatever their
notification settings (a deadline is essential mail)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.mail.preferences import set_frequency
from matcher.models import MatchStatus, Membership, OutboxMessage
from matcher.models.departure import ItemOwner, ItemSource, ItemStatus
from matcher.models.notification import SentOnce
from matcher.services.departure.reminders import reminder_step, send_departure_reminders
from tests.departure.board_scene import team_trip
from tests.support.trips import item, make_trip

START, END = date(2027, 6, 1), date(2027, 6, 28)
DUE = date(2027, 5, 1)
BASE_URL = "https://matcher.example.org"


@pytest.fixture
def app_config(smtp_sink):
    return {**smtp_sink.config(), "BASE_URL": BASE_URL}


@pytest.fixture
def host_scene(users):
    """A host with two approved members and one whose claim waits, another host, and its opportunity."""
    organisation = users.organisation(name="Kenyatta Host")
    first = users.create("org_member", name="Amani Host", organisation=organisation, locale="fr")
    second = users.create("org_member", name="Baraka Host", organisation=organisation)
    waiting = users.create("student", name="Waiting Claimant")
    db.session.add(Membership(user=waiting, organisation=organisation, role="member"))
    other = users.create("org_member", name="Other Host")
    db.session.commit()
    opportunity = users.opportunity(
        organisation, title="Nairobi IR", country_code="KE", starts_on=START, ends_on=END
    )
    return opportunity, (first, second), (waiting, other)


def remind(app, today: date) -> int:
    """What the daily job does: queue the reminders, commit, then the worker delivers them."""
    with app.test_request_context(base_url="http://attacker.example"):
        queued = send_departure_reminders(db.session, today)
    db.session.commit()
    deliver_due(db.session)
    return queued


def test_each_step_reminds_the_traveller_once_in_their_language(app, users, smtp_sink, host_scene):
    opportunity, _hosts, _others = host_scene
    traveller = users.create(name="Ana Viajante", locale="pt")
    trip = make_trip(
        users,
        traveller=traveller,
        opportunity=opportunity,
        items=[item("country:licence", DUE, title="Temporary licence (KMPDC)", details="Apply online.")],
    )
    days = [DUE - timedelta(days=n) for n in (20, 14, 13, 10, 3, 2, 0)] + [DUE + timedelta(days=1)] * 2
    sent = [remind(app, today) for today in days]
    assert sent == [0, 1, 0, 0, 1, 0, 0, 1, 0]
    assert len(smtp_sink.received) == 3
    assert {r.rcpt_tos[0] for r in smtp_sink.received} == {traveller.email}
    before, near, overdue = smtp_sink.received
    assert "Temporary licence (KMPDC)" in before.message["Subject"]
    assert "1 de maio de 2027" in before.message["Subject"]  # the day written in Portuguese
    assert '<html lang="pt">' in before.html and '<html lang="pt">' in overdue.html
    assert "Apply online." in before.text
    assert f"{BASE_URL}/trips/{trip.id}" in before.text and "attacker" not in before.text
    assert before.message["Subject"] == near.message["Subject"] != overdue.message["Subject"]
    assert db.session.scalar(select(func.count()).select_from(SentOnce)) == 3


def test_an_item_whose_date_moved_is_reminded_again_for_its_new_date(app, users, smtp_sink, host_scene):
    opportunity, _hosts, _others = host_scene
    trip = make_trip(users, opportunity=opportunity, items=[item("licence", DUE, title="Licence")])
    assert remind(app, DUE - timedelta(days=3)) == 1
    trip.items[0].due_on = DUE + timedelta(days=7)  # the rule's lead time changed
    db.session.commit()
    assert remind(app, DUE - timedelta(days=3)) == 1  # 10 days before the new date: its first step
    assert remind(app, DUE - timedelta(days=2)) == 0
    subjects = [r.message["Subject"] for r in smtp_sink.received]
    assert "1 May 2027" in subjects[0] and "8 May 2027" in subjects[1]


def test_host_items_go_to_each_approved_member_of_the_host_and_no_one_else(app, users, smtp_sink, host_scene):
    opportunity, (first, second), (waiting, other) = host_scene
    traveller = users.create(name="Ana Viajante")
    make_trip(
        users,
        traveller=traveller,
        opportunity=opportunity,
        items=[
            item(
                "host:letter",
                DUE,
                title="Welcome letter",
                source=ItemSource.HOST,
                owner=ItemOwner.HOST,
                needs_proof=False,
            )
        ],
    )
    assert remind(app, DUE - timedelta(days=3)) == 2
    assert remind(app, DUE - timedelta(days=3)) == 0
    received = {r.rcpt_tos[0]: r for r in smtp_sink.received}
    assert set(received) == {first.email, second.email}
    assert traveller.email not in received and waiting.email not in received and other.email not in received
    # Each member in their own language, about the traveller in the third person.
    assert '<html lang="fr">' in received[first.email].html
    assert '<html lang="en">' in received[second.email].html
    assert "the placement of Ana Viajante at Nairobi IR" in received[second.email].text
    assert "for your organisation to do" in received[second.email].text


def test_a_team_places_items_are_reminded_too(app, users, smtp_sink, host_scene):
    opportunity, _hosts, _others = host_scene
    volunteer = users.create("professional", name="Vera Volunteer")
    team_trip(users, volunteer, opportunity, [item("visa", DUE, title="Visa")])
    assert remind(app, DUE + timedelta(days=1)) == 1
    (received,) = smtp_sink.received
    assert received.rcpt_tos == [volunteer.email] and "Overdue since" in received.message["Subject"]
    assert "was due on 1 May 2027 and is not done yet" in received.text


def test_a_submitted_item_reminds_the_hosts_members_to_verify_it_from_three_days_before(
    app, users, smtp_sink, host_scene
):
    opportunity, (first, second), _others = host_scene
    traveller = users.create(name="Ana Viajante")
    make_trip(
        users,
        traveller=traveller,
        opportunity=opportunity,
        items=[item("licence", DUE, title="Licence", status=ItemStatus.SUBMITTED)],
    )
    sent = [remind(app, DUE - timedelta(days=n)) for n in (14, 5, 3, 2, -1, -2)]
    assert sent == [0, 0, 2, 0, 2, 0]
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.received) == sorted([first.email, second.email] * 2)
    english = next(r for r in smtp_sink.received if r.rcpt_tos == [second.email])
    assert english.message["Subject"] == "To verify by 1 May 2027: Licence of Ana Viajante"
    assert "Ana Viajante submitted “Licence” for the placement at Nairobi IR" in english.text


def test_switching_notifications_off_does_not_stop_them(app, users, smtp_sink, host_scene):
    opportunity, (first, second), _others = host_scene
    traveller = users.create(name="Ana Viajante")
    for person in (traveller, first, second):
        for category in ("matching", "organisation", "coordination", "alerts"):
            set_frequency(db.session, person, category, "off")
    db.session.commit()
    make_trip(
        users,
        traveller=traveller,
        opportunity=opportunity,
        items=[
            item("licence", DUE),
            item("host:letter", DUE, source=ItemSource.HOST, owner=ItemOwner.HOST, needs_proof=False),
        ],
    )
    assert remind(app, DUE - timedelta(days=14)) == 3
    assert {r.rcpt_tos[0] for r in smtp_sink.received} == {traveller.email, first.email, second.email}
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}
    english = next(r for r in smtp_sink.received if r.rcpt_tos == [second.email])
    assert "Emails like this one are always sent." in english.text


def test_nothing_is_reminded_that_is_done_optional_or_of_a_trip_not_going(app, users, smtp_sink, host_scene):
    opportunity, _hosts, _others = host_scene
    ended = users.opportunity(
        title="Ended", starts_on=DUE - timedelta(days=60), ends_on=DUE - timedelta(days=20)
    )
    make_trip(
        users,
        opportunity=opportunity,
        items=[
            item("verified", DUE, status=ItemStatus.VERIFIED),
            item(
                "host:letter",
                DUE,
                source=ItemSource.HOST,
                owner=ItemOwner.HOST,
                needs_proof=False,
                status=ItemStatus.SUBMITTED,
            ),
            item("not-needed", DUE, status=ItemStatus.NOT_NEEDED),
            item("optional", DUE, mandatory=False),
        ],
    )
    cancelled = make_trip(users, opportunity=opportunity, items=[item("licence", DUE)])
    cancelled.match.status = MatchStatus.CANCELLED
    make_trip(users, opportunity=ended, items=[item("licence", DUE - timedelta(days=90))])
    db.session.commit()
    for today in (DUE - timedelta(days=14), DUE - timedelta(days=3), DUE + timedelta(days=1)):
        assert remind(app, today) == 0
    assert smtp_sink.received == []
    assert db.session.scalar(select(func.count()).select_from(SentOnce)) == 0


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(15, None), (14, "14"), (4, "14"), (3, "3"), (0, "3"), (-1, "overdue"), (-30, "overdue")],
)
def test_the_steps_are_windows_so_a_missed_day_is_caught_up(days_left, step):
    assert reminder_step(DUE, DUE - timedelta(days=days_left)) == step


def test_the_command_queues_todays_reminders_once(app, users, runner):
    trip = make_trip(users, items=[item("licence", date.today() + timedelta(days=14), title="Licence")])
    result = runner.invoke(args=["notify", "departure"])
    assert result.exit_code == 0 and "1 reminder queued." in result.output, result.output
    assert runner.invoke(args=["notify", "departure"]).output.strip() == "0 reminders queued."
    (message,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "departure_reminder")
    )
    assert message.user_id == trip.user_id and f"{BASE_URL}/trips/{trip.id}" in message.body_text
