"""The audit log: one JSON line per security event, with who, from where, when, and no secrets."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from matcher import audit
from matcher.extensions import db
from tests.security.audit_log import AuditLog
from tests.security.world import World

ADDRESS = "192.0.2.9"
SECRET_PASSWORD = "hunter2 is my secret passphrase"


def _only(log: AuditLog, action: str) -> dict:
    entries = log.entries(action)
    assert len(entries) == 1, (action, log.lines())
    return entries[0]


def test_a_login_is_recorded_with_user_address_and_utc_time(client, users, audit_log: AuditLog):
    user = users.create(email="amina@example.org")
    client.post(
        "/login",
        data={"email": user.email, "password": users.PASSWORD},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    entry = _only(audit_log, "login")
    assert set(entry) == {"time", "action", "user_id", "ip", "details"}
    assert entry["user_id"] == user.id and entry["ip"] == ADDRESS
    assert entry["time"].endswith("Z")
    when = datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
    assert when.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - when) < timedelta(minutes=1)


def test_a_failed_login_is_recorded_without_the_password(client, users, audit_log: AuditLog):
    users.create(email="amina@example.org")
    client.post(
        "/login",
        data={"email": "amina@example.org", "password": SECRET_PASSWORD},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    entry = _only(audit_log, "login_failed")
    assert entry["user_id"] is None and entry["ip"] == ADDRESS
    assert entry["details"]["email"] == "amina@example.org"
    assert SECRET_PASSWORD not in audit_log.path.read_text()
    assert audit_log.entries("login") == []


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}])
def test_a_throttled_login_is_recorded(client, users, audit_log: AuditLog):
    for _ in range(3):
        client.post("/login", data={"email": "target@example.org", "password": "wrong guess!"})
    entry = _only(audit_log, "login_throttled")
    assert entry["details"] == {
        "email": "target@example.org",
        "limit": "2 per 1 minute",
        "scope": "failed-login",
    }


def test_a_403_is_recorded_with_the_path(world: World, audit_log: AuditLog):
    path = f"/opportunities/{world.opp_a.id}/placements"
    assert world.client("member_b").get(path).status_code == 403
    entry = _only(audit_log, "access_denied")
    assert entry["user_id"] == world.member_b.id
    assert entry["details"] == {"method": "GET", "path": path, "endpoint": "placements.for_opportunity"}


def test_a_role_change_is_recorded_and_a_refused_one_is_not(world: World, audit_log: AuditLog):
    admin = world.client("admin")
    admin.post(f"/admin/users/{world.student.id}/role", data={"role": "coordinator"})
    entry = _only(audit_log, "role_changed")
    assert entry["user_id"] == world.admin.id
    assert entry["details"] == {"target_user_id": world.student.id, "old": "student", "new": "coordinator"}
    admin.post(f"/admin/users/{world.admin.id}/role", data={"role": "student"})  # the last admin: refused
    assert len(audit_log.entries("role_changed")) == 1


def test_verifications_and_rejections_of_organisations_are_recorded(world: World, audit_log: AuditLog, users):
    coordinator = world.client("coordinator")
    coordinator.post(
        f"/coordination/organisations/{world.org_pending.id}/reject", data={"reason": "Who are you?"}
    )
    coordinator.post(f"/coordination/organisations/{world.org_pending.id}/verify")
    coordinator.post(f"/coordination/claims/{world.claim.id}/approve")
    rejected, verified = _only(audit_log, "organisation_rejected"), _only(audit_log, "organisation_verified")
    assert rejected["details"] == {"organisation_id": world.org_pending.id, "reason": "Who are you?"}
    assert verified["details"] == {"organisation_id": world.org_pending.id}
    assert rejected["user_id"] == verified["user_id"] == world.coordinator.id
    claim = _only(audit_log, "membership_approved")
    assert claim["details"]["organisation_id"] == world.org_a.id


def test_every_match_decision_is_recorded_with_its_actor(world: World, audit_log: AuditLog):
    coordinator, proposed = world.client("coordinator"), world.proposed.id
    decide = f"/coordination/runs/{world.open_run.id}/decide"
    coordinator.post(decide, data={"action": "reject", "match_id": str(proposed), "reason": "Not now"})
    coordinator.post(decide, data={"action": "approve", "match_id": str(proposed)})
    reply_by = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    coordinator.post(
        f"/coordination/runs/{world.open_run.id}/publish",
        data={"confirm": "yes", "response_deadline": reply_by},
    )
    world.client("student").post(f"/placements/{proposed}/accept")
    world.client("trainee").post(f"/placements/{world.match.id}/decline")
    world.client("member_a").post(f"/placements/{world.accepted.id}/cancel", data={"reason": "Closed ward"})

    expected = [
        ("match_rejected", proposed, world.coordinator.id),
        ("match_approved", proposed, world.coordinator.id),
        ("match_accepted", proposed, world.student.id),
        ("match_declined", world.match.id, world.trainee.id),
        ("match_cancelled", world.accepted.id, world.member_a.id),
    ]
    found = [(e["action"], e["details"].get("match_id"), e["user_id"]) for e in audit_log.entries()]
    for item in expected:
        assert item in found, (item, found)
    published = _only(audit_log, "matches_published")  # one entry for the whole run, set-based
    assert published["user_id"] == world.coordinator.id
    assert published["details"] == {"run_id": world.open_run.id, "round_id": world.open_round.id, "count": 1}
    assert _only(audit_log, "match_rejected")["details"]["reason"] == "Not now"
    assert _only(audit_log, "match_cancelled")["details"]["from_status"] == "accepted"


def test_newlines_in_what_people_type_cannot_forge_an_entry(world: World, audit_log: AuditLog):
    forged = '"}\n{"time": "2020-01-01T00:00:00Z", "action": "login", "user_id": 1}\u2028\r\nmore'
    coordinator, anonymous = world.client("coordinator"), world.client("anonymous")
    already = len(audit_log.lines())  # the coordinator's own login
    path = f"/coordination/organisations/{world.org_pending.id}/reject"
    coordinator.post(path, data={"reason": forged})
    anonymous.post("/login", data={"email": 'x@example.org\n{"action":"login"}', "password": "x"})
    raw = audit_log.path.read_text()
    lines = raw.split("\n")[:-1]
    assert all(line.isascii() for line in lines)  # so no reader splits on U+2028 either
    assert len(lines) == len(raw.splitlines()) == len(audit_log.entries())
    assert [e["action"] for e in audit_log.entries()[already:]] == ["organisation_rejected"]
    assert _only(audit_log, "organisation_rejected")["details"]["reason"] == forged.strip()


def test_secrets_never_reach_the_log(world: World, audit_log: AuditLog, app):
    trainee = world.client("trainee")
    trainee.post(
        "/account/password",
        data={
            "pw-current_password": "correct horse battery",
            "pw-password": SECRET_PASSWORD,
            "pw-confirm": SECRET_PASSWORD,
        },
    )
    trainee.post("/login", data={"email": world.trainee.email, "password": SECRET_PASSWORD})
    assert _only(audit_log, "password_changed")["user_id"] == world.trainee.id
    raw = audit_log.path.read_text()
    db.session.expire_all()
    for secret in (
        SECRET_PASSWORD,
        "correct horse battery",
        app.config["SECRET_KEY"],
        world.trainee.session_token,
    ):
        assert secret not in raw
    with app.test_request_context():
        entry = audit.entry("test", password="x", reset_token="y", session_cookie="z", note="kept")
    assert entry["details"] == {
        "password": "[redacted]",
        "reset_token": "[redacted]",
        "session_cookie": "[redacted]",
        "note": "kept",
    }


def test_a_change_rolled_back_leaves_no_entry(app, audit_log: AuditLog):
    audit.on_commit(db.session, "rolled_back")
    db.session.rollback()
    audit.on_commit(db.session, "committed")
    db.session.commit()
    assert [e["action"] for e in audit_log.entries()] == ["committed"]


def test_entries_also_go_to_the_normal_log(client, audit_log: AuditLog, caplog):
    with caplog.at_level(logging.INFO, logger="matcher.audit"):
        client.post("/login", data={"email": "nobody@example.org", "password": "x"})
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "matcher.audit"]
    assert [e["action"] for e in logged] == ["login_failed"]
    assert logged == audit_log.entries()
