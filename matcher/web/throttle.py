"""Login throttling: only failed attempts count, per account and client address.

Flask-Limiter's decorator counts every request; a person who logs in and out all day must not
be locked out, so failed attempts are recorded here through the limiter's own storage (memory,
or Redis when configured), and a blocked key gets 429 before its password is checked.
"""

from __future__ import annotations

from flask import abort, current_app
from limits import RateLimitItem, parse_many

from matcher import audit
from matcher.extensions import limiter
from matcher.web.client import client_ip

NAMESPACE = "failed-login"


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["LOGIN_RATE_LIMIT"])


def _key(email: str) -> str:
    return f"{client_ip()}:{email.strip().lower()[:254]}"


def check_login_allowed(email: str) -> None:
    """Abort with 429 while this account and address have too many recent failures."""
    if not limiter.enabled:
        return
    for item in _limits():
        if not limiter.limiter.test(item, NAMESPACE, _key(email)):
            audit.record("login_throttled", email=email, limit=str(item))
            abort(429, description=str(item))


def record_failed_login(email: str) -> None:
    if limiter.enabled:
        for item in _limits():
            limiter.limiter.hit(item, NAMESPACE, _key(email))
