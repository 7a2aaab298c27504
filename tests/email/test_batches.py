"""Delivery in batches: one connection for all, a batch's outcome recorded at once, nothing sent twice."""

from collections import Counter

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail import delivery
from matcher.mail.delivery import deliver_due
from matcher.mail.outbox import queue_email
from matcher.mail.preferences import set_frequency
from matcher.models import DigestItem, OutboxMessage
from tests.support.querycount import counting_queries


@pytest.fixture
def app_config(smtp_sink):
    return {**smtp_sink.config(), "MAIL_BACKOFF_SECONDS": 1}


def queue(app, person, category="coordination", template="round_finished"):
    with app.test_request_context():
        return queue_email(
            db.session,
            to=person,
            template=template,
            subject=f"Run finished ({category})",
            category=category,
            context={
                "round": {"name": "R"},
                "run": {"number": 1, "seed": 1, "counts": {}},
                "link": "http://matcher.test/x",
            },
        )


def statuses() -> list[tuple[int, str, int]]:
    return [
        tuple(row)
        for row in db.session.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts).order_by(OutboxMessage.id)
        )
    ]


def make_all_due() -> None:
    for row in db.session.scalars(select(OutboxMessage)):
        row.next_attempt_at = row.created_at
    db.session.commit()


@pytest.mark.parametrize("kept", [False, True], ids=["lost in flight", "kept in flight"])
def test_a_server_dying_mid_batch_keeps_the_sent_ones_and_resends_at_most_the_one_in_flight(
    app, users, smtp_sink, kept
):
    person = users.create(role="coordinator")
    for _ in range(10):
        queue(app, person)
    db.session.commit()
    smtp_sink.hang_up_after, smtp_sink.keep_the_one_in_flight = 4, kept

    first = deliver_due(db.session)

    assert (first.sent, first.failed, first.dead) == (4, 1, 0)
    after = statuses()
    assert [status for _, status, _ in after] == ["sent"] * 4 + ["failed"] + ["pending"] * 5
    assert [attempts for _, _, attempts in after] == [1] * 5 + [0] * 5
    in_flight = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")).one()
    assert "SMTPServerDisconnected" in in_flight.last_error

    make_all_due()
    second = deliver_due(db.session)

    assert second.sent == 6 and {status for _, status, _ in statuses()} == {"sent"}
    received = Counter(r.message["Message-ID"] for r in smtp_sink.received)
    assert set(received) == set(db.session.scalars(select(OutboxMessage.message_id)))
    # The only copy ever sent twice is the one the server kept while its answer was lost.
    assert {mid for mid, times in received.items() if times > 1} == (
        {in_flight.message_id} if kept else set()
    )
    assert sum(received.values()) == 10 + kept


def test_one_connection_serves_every_batch(app, users, smtp_sink, monkeypatch):
    opened = []
    original = delivery.TimeoutConnection.configure_host

    def counted(connection):
        opened.append(connection)
        return original(connection)

    monkeypatch.setattr(delivery.TimeoutConnection, "configure_host", counted)
    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)
    person = users.create(role="coordinator")
    for _ in range(8):
        queue(app, person)
    db.session.commit()

    assert deliver_due(db.session).sent == 8
    assert len(opened) == 1 and len(smtp_sink.received) == 8
    assert {status for _, status, _ in statuses()} == {"sent"}


def test_each_batch_is_recorded_in_statements_that_do_not_grow_with_its_rows(app, users, smtp_sink):
    def statements_to_deliver(count: int) -> int:
        person = users.create(role="coordinator")
        for _ in range(count):
            queue(app, person)
        db.session.commit()
        with counting_queries() as log:
            assert deliver_due(db.session).sent == count
        return log.count

    assert statements_to_deliver(2) == statements_to_deliver(40)


def test_preferences_are_read_once_a_batch_and_each_row_gets_its_recipients_choice(app, users, smtp_sink):
    off, daily, immediate = (users.create(role="coordinator") for _ in range(3))
    for person in (off, daily, immediate):
        queue(app, person)  # coordination
        queue(app, person, category="account", template="email_changed")  # essential: always sent
    db.session.commit()
    set_frequency(db.session, off, "coordination", "off")
    set_frequency(db.session, daily, "coordination", "daily")
    db.session.commit()

    report = deliver_due(db.session)

    assert (report.sent, report.skipped) == (4, 2)
    got = Counter((r.rcpt_tos[0], r.message["Subject"]) for r in smtp_sink.received)
    assert got == Counter(
        [(p.email, "Run finished (account)") for p in (off, daily, immediate)]
        + [(immediate.email, "Run finished (coordination)")]
    )
    skipped = db.session.execute(
        select(OutboxMessage.user_id, OutboxMessage.last_error).where(OutboxMessage.status == "skipped")
    ).all()
    assert sorted(skipped) == sorted(
        [
            (off.id, "recipient chose off for coordination"),
            (daily.id, "recipient chose daily for coordination"),
        ]
    )
    digest = db.session.execute(select(DigestItem.user_id, DigestItem.text)).all()
    assert digest == [(daily.id, "Run finished (coordination)")]
