"""The audit log: one JSON object per line for each security-relevant event, without a table.

Each entry has `time` (UTC, ISO 8601), `action`, `user_id` (the acting user, or null), `ip` and
`details`. Entries go to the `matcher.audit` logger and, when AUDIT_LOG_PATH is set, are appended
to that file. JSON with `ensure_ascii` keeps every entry on one line whatever a user typed: a
newline (or U+2028, which `str.splitlines` also splits on) inside a name or a reason is written as
an escape, so nobody can forge a second entry. Detail keys that name a secret are redacted.

Changes recorded from a service (`on_commit`) are written only once their transaction commits, so
the log never claims a decision that was rolled back; savepoints inside that transaction are not
tracked separately (record after the step that can fail, as the services do).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session
from werkzeug.wrappers import Response

from matcher.web.client import client_ip

log = logging.getLogger("matcher.audit")

SECRET_WORDS = ("password", "token", "secret", "hash", "cookie", "session")
MAX_TEXT = 500
_PENDING = "audit.pending"


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "id", None)


def _current_user_id() -> int | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    return _user_id(current_user)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value[:100]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _clean(str(value))


def _details(details: dict[str, Any]) -> dict[str, Any]:
    return {
        key: "[redacted]" if any(word in key.lower() for word in SECRET_WORDS) else _clean(value)
        for key, value in details.items()
    }


def entry(action: str, user: Any = None, **details: Any) -> dict[str, Any]:
    """The entry as a dict; `user` defaults to whoever is logged in for this request."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "action": action,
        "user_id": _user_id(user) if user is not None else _current_user_id(),
        "ip": client_ip() if has_request_context() else None,
        "details": _details(details),
    }


def write(data: dict[str, Any]) -> None:
    line = json.dumps(data, ensure_ascii=True, separators=(",", ":"), default=str)
    log.info(line)
    path = current_app.config.get("AUDIT_LOG_PATH") if has_app_context() else None
    if not path:
        return
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # One write of one line with O_APPEND: lines from several processes never interleave.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
    except OSError:  # the entry is still in the normal log; a full disk must not stop a login
        log.exception("could not append to the audit log %s", path)


def record(action: str, user: Any = None, **details: Any) -> None:
    """Write an entry now (logins, failed logins, denials: nothing to wait for)."""
    write(entry(action, user, **details))


def on_commit(
    session: Session | scoped_session | None, action: str, user: Any = None, **details: Any
) -> None:
    """Write an entry once `session` commits; nothing if it rolls back."""
    data = entry(action, user, **details)
    if session is None:
        write(data)
        return
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.begin()  # the entry belongs to a transaction, so that a rollback can drop it
    session.info.setdefault(_PENDING, []).append(data)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for data in session.info.pop(_PENDING, []):
        write(data)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (which would have emptied the list).
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)


def record_denials(response: Response) -> Response:
    """After each request: a 403 answer is a denial worth knowing about."""
    if response.status_code == 403:
        record(
            "access_denied",
            method=request.method,
            path=request.path,
            endpoint=request.endpoint,
        )
    return response
