"""The mail phase: mail workers drain one outbox of N emails into an SMTP sink; each email must
arrive exactly once."""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.web.servers import ROOT, SECRET, bench_app, clean_env, flask_cli
from bench.web.tables import print_checks
from matcher.extensions import db
from matcher.mail.outbox import queue_email
from matcher.reference.sync import sync_reference_data
from tests.support.loopback import HOST
from tests.support.smtp import SmtpSink

DUE = "SELECT count(*) FROM outbox_messages WHERE status IN ('pending', 'failed')"


def header(raw: bytes, name: bytes) -> bytes:
    """A header's (unfolded) value from a raw message, without parsing the whole message."""
    match = re.search(
        rb"^" + name + rb":\s*(.*?)\r?\n(?![ \t])", raw, re.MULTILINE | re.IGNORECASE | re.DOTALL
    )
    return match.group(1).strip() if match else b""


def message_id(raw: bytes) -> str:
    return header(raw, b"Message-ID").decode()


def recreate_database(url: str) -> str:
    """DROP and CREATE the database of `url`, migrated to the latest schema; its URL as a string."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    url_s = parsed.render_as_string(hide_password=False)
    env = clean_env(DATABASE_URL=url_s, SECRET_KEY=SECRET, AUDIT_LOG_PATH="")
    subprocess.run(flask_cli("db", "upgrade"), cwd=ROOT, env=env, check=True, capture_output=True)
    return url_s


def queue_emails(url: str, n: int) -> None:
    """n password-reset emails to n distinct addresses, through the app's own queue_email."""
    app = bench_app(url)
    with app.app_context(), app.test_request_context(base_url=f"http://{HOST}"):
        sync_reference_data(db.session)
        for i in range(n):
            queue_email(
                db.session,
                to=(f"person{i:05d}@bench.invalid", f"Person {i}"),
                template="reset_password",
                subject=f"Bench email {i:05d}",
                category="account",
                context={"link": f"http://{HOST}/reset/{uuid.uuid4().hex}"},
            )
        db.session.commit()
        db.session.remove()


def start_workers(
    args: argparse.Namespace, url: str, sink: SmtpSink, workdir: Path
) -> list[subprocess.Popen]:
    """`flask mail worker` processes; each one's envelope sender says which worker sent an email."""
    workers = []
    for n in range(args.mail_workers):
        env = clean_env(
            DATABASE_URL=url,
            SECRET_KEY=SECRET,
            AUDIT_LOG_PATH="",
            MAIL_SERVER=HOST,
            MAIL_PORT=sink.port,
            MAIL_DEFAULT_SENDER=f"worker{n}@bench.invalid",
        )
        with open(workdir / f"mail-worker-{n}.log", "ab") as log:
            workers.append(
                subprocess.Popen(
                    flask_cli("mail", "worker", "--interval", "0.5"),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            )
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for proc in workers:
        proc.send_signal(signal.SIGINT)
    for proc in workers:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def phase_mail(args: argparse.Namespace, workdir: Path) -> dict:
    """Two mail workers drain one outbox of N emails into an SMTP sink; each must arrive once."""
    url = recreate_database(args.mail_database)
    queue_emails(url, args.emails)
    sink = SmtpSink()
    sink.start()
    workers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        workers = start_workers(args, url, sink, workdir)
        engine = create_engine(url)
        deadline = time.monotonic() + args.mail_timeout
        due = args.emails
        while time.monotonic() < deadline:
            with engine.connect() as c:
                due = c.execute(text(DUE)).scalar()
            if not due:
                break
            time.sleep(0.5)  # the workers' progress is only in the database: read it twice a second
        drained = time.perf_counter() - started
        time.sleep(1.0)  # let a worker that is mid-batch finish (a duplicate would show up here)
        stop_workers(workers)
        with engine.connect() as c:
            statuses = dict(
                c.execute(text("SELECT status, count(*) FROM outbox_messages GROUP BY status")).all()
            )
            attempts = dict(
                c.execute(text("SELECT attempts, count(*) FROM outbox_messages GROUP BY attempts")).all()
            )
            expected_ids = set(c.execute(text("SELECT message_id FROM outbox_messages")).scalars())
        engine.dispose()
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
        sink.stop()
    received = list(sink.received)
    ids = Counter(message_id(r.raw) for r in received)
    pairs = Counter((tuple(r.rcpt_tos), header(r.raw, b"Subject")) for r in received)
    return {
        "emails": args.emails,
        "due_left": due,
        "seconds": drained,
        "received": len(received),
        "distinct_ids": len(ids),
        "duplicate_ids": sum(n - 1 for n in ids.values() if n > 1),
        "duplicate_pairs": sum(n - 1 for n in pairs.values() if n > 1),
        "missing": len(expected_ids - set(ids)),
        "unexpected": len(set(ids) - expected_ids),
        "senders": Counter(r.mail_from for r in received),
        "statuses": statuses,
        "attempts": attempts,
    }


def print_mail(out: dict, args: argparse.Namespace) -> None:
    n = out["emails"]
    rows = [
        ("emails received by the sink", f"{n:,}", f"{out['received']:,}", out["received"] == n),
        ("distinct Message-IDs", f"{n:,}", f"{out['distinct_ids']:,}", out["distinct_ids"] == n),
        ("emails sent twice (same Message-ID)", "0", str(out["duplicate_ids"]), out["duplicate_ids"] == 0),
        (
            "emails sent twice (same recipient and subject)",
            "0",
            str(out["duplicate_pairs"]),
            out["duplicate_pairs"] == 0,
        ),
        ("outbox rows never received", "0", str(out["missing"]), out["missing"] == 0),
        ("outbox rows left due", "0", str(out["due_left"]), out["due_left"] == 0),
        (
            "rows sent, with 1 attempt each",
            f"{n:,}",
            f"{out['statuses'].get('sent', 0):,} sent; attempts {dict(sorted(out['attempts'].items()))}",
            out["statuses"].get("sent", 0) == n and set(out["attempts"]) == {1},
        ),
    ]
    print_checks(f"{args.mail_workers} mail workers, one outbox of {n:,} emails, aiosmtpd sink", rows)
    share = ", ".join(f"{s.split('@')[0]} {c:,}" for s, c in sorted(out["senders"].items()))
    print(
        f"\ndrained in {out['seconds']:.1f} s ({n / out['seconds']:,.0f} emails/s); sent per worker: {share}"
    )
