"""Throttles kept in the limiter's storage (memory, or Redis when configured).

Flask-Limiter's decorator counts every request; a person who logs in and out all day, or who
corrects a typo in a form, must not be locked out. So only what costs something is counted here:
failed logins, and the emails that a sign-up or a reset request sends. A blocked key is refused
before anything is checked or sent.

Failed logins are counted three ways:
- per account and client address (LOGIN_RATE_LIMIT), the tightest;
- per client address across accounts (LOGIN_ADDRESS_RATE_LIMIT), against one machine trying a few
  passwords on many accounts;
- per account across addresses (LOGIN_ACCOUNT_RATE_LIMIT), against many machines guessing one
  password. This one only slows guessing: it is looser, counted over time windows that free up,
  and skipped for a browser that has logged in to that account before (a signed "known device"
  cookie), so an attack on an account never locks its owner out.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from flask import Flask, Response, abort, current_app, request
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse, parse_many

from matcher import audit
from matcher.extensions import limiter
from matcher.services.errors import TooMany
from matcher.translate import ngettext
from matcher.web.client import client_ip
from matcher.web.forms import show_error

NAMESPACE = "failed-login"
ADDRESS_NAMESPACE = "failed-login-address"
ACCOUNT_NAMESPACE = "failed-login-account"
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_DAYS = 365


def _limits(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def exhausted(setting: str, namespace: str, key: str) -> RateLimitItem | None:
    """The first of the setting's limits that `key` has used up, or None (also when limits are off)."""
    if not limiter.enabled:
        return None
    for item in _limits(setting):
        if not limiter.limiter.test(item, namespace, key):
            return item
    return None


def count(setting: str, namespace: str, key: str) -> None:
    """Use up one unit of each of the setting's limits for `key`."""
    if limiter.enabled:
        for item in _limits(setting):
            limiter.limiter.hit(item, namespace, key)


def refuse(form: FlaskForm, message: str, field: str | None = None) -> None:
    """Show a too-many refusal at `field` (or the top of the form); `render_form` then answers 429.

    What was typed stays in the form, so nothing is lost while waiting."""
    show_error(form, TooMany(message, field=field))


def _account(email: str) -> str:
    return email.strip().lower()[:254]


def _key(email: str) -> str:
    return f"{client_ip()}:{_account(email)}"


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def is_known_device(email: str) -> bool:
    """True when this browser logged in to the account before (it carries our signed cookie)."""
    token = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not token:
        return False
    try:
        accounts = _device_serializer().loads(token)
    except BadSignature:
        return False
    return isinstance(accounts, list) and _account(email) in accounts


def remember_device(response: Response, email: str) -> Response:
    """After a successful login: mark this browser as known for the account (a few at most)."""
    known: list[str] = []
    token = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if token:
        try:
            loaded = _device_serializer().loads(token)
            known = [a for a in loaded if isinstance(a, str)] if isinstance(loaded, list) else []
        except BadSignature:
            known = []
    accounts = [_account(email), *[a for a in known if a != _account(email)]][:5]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        _device_serializer().dumps(accounts),
        max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _login_checks(email: str) -> list[tuple[str, str, str]]:
    checks = [
        ("LOGIN_RATE_LIMIT", NAMESPACE, _key(email)),
        ("LOGIN_ADDRESS_RATE_LIMIT", ADDRESS_NAMESPACE, client_ip()),
    ]
    if not is_known_device(email):
        checks.append(("LOGIN_ACCOUNT_RATE_LIMIT", ACCOUNT_NAMESPACE, _account(email)))
    return checks


_PERIODS: dict[str, Callable[[int, int], str]] = {
    "second": lambda amount, n: ngettext(
        "%(amount)d per second", "%(amount)d per %(num)d seconds", n, amount=amount
    ),
    "minute": lambda amount, n: ngettext(
        "%(amount)d per minute", "%(amount)d per %(num)d minutes", n, amount=amount
    ),
    "hour": lambda amount, n: ngettext(
        "%(amount)d per hour", "%(amount)d per %(num)d hours", n, amount=amount
    ),
    "day": lambda amount, n: ngettext("%(amount)d per day", "%(amount)d per %(num)d days", n, amount=amount),
    "month": lambda amount, n: ngettext(
        "%(amount)d per month", "%(amount)d per %(num)d months", n, amount=amount
    ),
    "year": lambda amount, n: ngettext(
        "%(amount)d per year", "%(amount)d per %(num)d years", n, amount=amount
    ),
}


def limit_words(item: RateLimitItem) -> str:
    """A limit as the 429 page states it, in the reader's language: "5 per minute"."""
    words = _PERIODS.get(item.GRANULARITY.name)
    return words(item.amount, item.multiples) if words else str(item)


def worded(limit: str) -> Callable[[], str]:
    """A Flask-Limiter `error_message`: the decorator's limit on its 429 page, in the reader's language."""
    return lambda: limit_words(parse(limit))


def check_login_allowed(email: str) -> None:
    """Abort with 429 while this account, this address, or both have too many recent failures."""
    for setting, namespace, key in _login_checks(email):
        item = exhausted(setting, namespace, key)
        if item is not None:
            audit.record("login_throttled", email=email, limit=str(item), scope=namespace)
            abort(429, description=limit_words(item))


def record_failed_login(email: str) -> None:
    # Every failure counts towards the account-wide limit, even from a known device: only the
    # check skips it there, so a stolen cookie alone does not hide an attack from the counters.
    count("LOGIN_RATE_LIMIT", NAMESPACE, _key(email))
    count("LOGIN_ADDRESS_RATE_LIMIT", ADDRESS_NAMESPACE, client_ip())
    count("LOGIN_ACCOUNT_RATE_LIMIT", ACCOUNT_NAMESPACE, _account(email))


_WORKERS_OPTION = re.compile(r"(?:^|\s)(?:-w\s*|--workers(?:\s+|=))(\d+)")


def declared_workers(environ: Mapping[str, str], argv: Sequence[str], configured: object = None) -> int:
    """How many server processes will run this app, as far as we can tell before they start.

    Read from MATCHER_WORKERS (the `WORKERS` setting), gunicorn's `WEB_CONCURRENCY` and
    `GUNICORN_CMD_ARGS`, and gunicorn's command line (`gunicorn --workers 4 wsgi:app`: each worker
    is forked from the process that parsed it, so sys.argv still holds it); 1 when none says.
    """
    found = [1]
    for value in (configured, environ.get("WEB_CONCURRENCY")):
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            found.append(int(value))
    command_lines = [environ.get("GUNICORN_CMD_ARGS", "")]
    if argv and Path(argv[0]).name.startswith("gunicorn"):
        command_lines.append(" ".join(argv[1:]))
    for line in command_lines:
        found.extend(int(n) for n in _WORKERS_OPTION.findall(line))
    return max(found)


def warn_if_counts_are_split(app: Flask) -> None:
    """Log a warning when several processes would each keep their own limits in memory://."""
    storage = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if not app.config.get("RATELIMIT_ENABLED") or not storage.startswith("memory://"):
        return
    workers = declared_workers(os.environ, sys.argv, app.config.get("WORKERS"))
    if workers > 1:
        logging.getLogger("matcher.limits").warning(
            "Rate limits are kept in memory:// but %d worker processes are configured: each counts "
            "failed logins and emails alone, so every limit is %d times looser. Set "
            "MATCHER_RATELIMIT_STORAGE_URI=redis://HOST:6379/0 (shared by every process and machine).",
            workers,
            workers,
        )
