"""Configuration: defaults, then instance/config.py, then MATCHER_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from matcher.web.links import trusted_hosts

DEFAULT_SECRET_KEY = "change-me"  # noqa: S105 - a placeholder that production refuses

# Keys that users set through MATCHER_<KEY>; values are parsed as JSON where possible
# (so MATCHER_MAIL_PORT=2525 is an int), otherwise kept as strings.
ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
}


def defaults(instance_path: str) -> dict[str, Any]:
    """The built-in settings: safe for production except the secret key."""
    return {
        "ENV": "production",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "matcher.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        # Trips' proof documents (PDF, JPEG or PNG): the largest file, and the days after a
        # placement ends before its documents are deleted (a daily job).
        "DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
        "DOCUMENT_RETENTION_DAYS": 30,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        # Fields per form: the host's order of applicants has one per applicant (up to 999).
        "MAX_FORM_PARTS": 1000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead of a clock
        "PREFERRED_URL_SCHEME": "https",
        "SERVER_NAME": None,
        # Argon2id at OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane).
        "ARGON2_MEMORY_COST": 19456,
        "ARGON2_TIME_COST": 2,
        "ARGON2_PARALLELISM": 1,
        "EMAIL_TOKEN_MAX_AGE": 48 * 3600,
        "RESET_TOKEN_MAX_AGE": 2 * 3600,
        "INVITE_TOKEN_MAX_AGE": 7 * 24 * 3600,
        # Number of trusted reverse proxies in front of the app (0: none). Behind one, set 1 so that
        # rate limits and the audit log see the client's address rather than the proxy's.
        "PROXY_FIX_X_FOR": 0,
        # Whether the proxy's X-Forwarded-Host is believed (0: no). Links never use it, but the
        # host check does: set 1 only behind a proxy that sets the header itself.
        "PROXY_FIX_X_HOST": 0,
        # JSON lines of logins, denials, role changes, verifications and match decisions
        # (matcher.audit); empty: the normal log only.
        "AUDIT_LOG_PATH": os.path.join(instance_path, "audit.log"),
        # Seconds a browser or proxy may reuse an anonymous public page, the API or the feed before
        # asking again (then a 304 while nothing changed; matcher.web.caching).
        "PUBLIC_MAX_AGE": 60,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins: per account and address; per address across accounts; per account across
        # addresses (looser, and skipped for a browser that logged in to it before: slows, never locks).
        "LOGIN_RATE_LIMIT": "5 per minute;20 per hour",
        "LOGIN_ADDRESS_RATE_LIMIT": "10 per minute;50 per hour",
        "LOGIN_ACCOUNT_RATE_LIMIT": "10 per minute;40 per hour",
        # Emails sent to addresses typed by anyone: sign-ups per client address, reset links per
        # address asked for, invitations per member and per organisation (rolling 24 hours).
        "SIGNUP_RATE_LIMIT": "5 per hour;20 per day",
        "RESET_RATE_LIMIT": "3 per hour;6 per day",
        # Requests per API token (any endpoint, read or write), counted whoever sends them.
        "API_TOKEN_RATE_LIMIT": "120 per minute;5000 per hour",
        "INVITES_PER_MEMBER_PER_DAY": 10,
        "INVITES_PER_ORGANISATION_PER_DAY": 25,
        # "Invite to apply" from the volunteer directory: per sender (rolling 24 hours) and per
        # volunteer (rolling 7 days), so that no one is flooded.
        "TEACHING_INVITES_PER_SENDER_PER_DAY": 20,
        "TEACHING_INVITES_PER_VOLUNTEER_PER_WEEK": 5,
        # The site's public address: every absolute link (all links in emails) is built from it,
        # never from the request's Host header (matcher.web.links).
        "BASE_URL": "http://127.0.0.1:5000",
        # Hosts a request may name (Flask refuses others with 400); None: BASE_URL's host, and in
        # development also localhost and 127.0.0.1. A list, or one string of comma-separated names;
        # a name starting with a dot accepts its subdomains.
        "TRUSTED_HOSTS": None,
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_DEFAULT_SENDER": "IR Opportunity Matcher <no-reply@localhost>",
        "MAIL_TIMEOUT": 10,
        "MAIL_MAX_ATTEMPTS": 8,
        "MAIL_BACKOFF_SECONDS": 30,
        "DEMO_PASSWORD": "irmatch-demo-2026",
        # The task queue (matcher.jobs): unset, a SQLite file in instance/ (no extra service);
        # redis://host:6379/0 across machines. The name prefixes its keys (or rows).
        "TASK_QUEUE_URL": None,
        "TASK_QUEUE_NAME": "matcher",
        "TASK_QUEUE_IMMEDIATE": False,  # run each task as it is sent, in the sender (debugging)
        # A running job with no sign of life for this long had its worker die: it is failed, to retry.
        "JOBS_STALE_AFTER_SECONDS": 15 * 60,
        # A queued job no worker took for this long is sent to the queue again (its message was lost).
        "JOBS_RESEND_AFTER_SECONDS": 5 * 60,
        # Travel advisory feeds the task worker imports every 6 hours: file paths or URLs, each a
        # string (format detected) or {"url": ..., "format": "matcher" | "us-state" | "uk-fcdo"}.
        "ADVISORY_SOURCES": [],
        # Advice not confirmed by an import for this many days shows as stale.
        "ADVISORY_STALE_DAYS": 30,
        # Webhooks (matcher.services.webhooks): each delivery is tried this many times, backing off
        # from the base delay (doubling); an endpoint failing this many times in a row is disabled.
        # Loopback and http:// receivers are refused unless WEBHOOKS_ALLOW_LOOPBACK (or TESTING).
        "WEBHOOK_MAX_ATTEMPTS": 6,
        "WEBHOOK_BACKOFF_SECONDS": 30,
        "WEBHOOK_DISABLE_AFTER": 10,
        "WEBHOOK_TIMEOUT": 5,
        "WEBHOOK_PINGS_PER_HOUR": 10,
        "WEBHOOK_LOG_DAYS": 30,  # finished deliveries and their tries are forgotten after this
        "WEBHOOKS_ALLOW_LOOPBACK": False,
    }


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, the instance file, the environment and overrides."""
    app.config.from_mapping(defaults(app.instance_path))
    # Tests are hermetic: a developer's instance/config.py or shell variables never leak in.
    if not (overrides or {}).get("TESTING"):
        app.config.from_pyfile("config.py", silent=True)
        for key, value in _prefixed_env("MATCHER_").items():
            app.config[ENV_ALIASES.get(key, key)] = value
    if overrides:
        app.config.from_mapping(overrides)
    if app.config["ENV"] == "development" or app.testing:
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
        app.config["PREFERRED_URL_SCHEME"] = "http"
    _set_trusted_hosts(app)
    _check_secret_key(app)


def _set_trusted_hosts(app: Flask) -> None:
    hosts = app.config["TRUSTED_HOSTS"]
    if isinstance(hosts, str):
        hosts = [name.strip() for name in hosts.split(",") if name.strip()]
    if not hosts:  # never "every host": an empty setting means the default
        hosts = trusted_hosts(app.config["BASE_URL"], development=app.config["ENV"] == "development")
    app.config["TRUSTED_HOSTS"] = list(hosts)


def _prefixed_env(prefix: str) -> dict[str, Any]:
    import json

    found: dict[str, Any] = {}
    for name, raw in os.environ.items():
        if not name.startswith(prefix) or name.startswith(prefix + "TEST_"):
            continue
        try:
            found[name[len(prefix) :]] = json.loads(raw)
        except ValueError:
            found[name[len(prefix) :]] = raw
    return found


def _check_secret_key(app: Flask) -> None:
    if app.config["SECRET_KEY"] != DEFAULT_SECRET_KEY:
        return
    if app.config["ENV"] == "production" and not app.testing:
        raise RuntimeError(
            "Refusing to start in production with the default SECRET_KEY: "  # i18n: ignore
            "set MATCHER_SECRET_KEY or SECRET_KEY in instance/config.py "
            "(or MATCHER_ENV=development on a laptop)."
        )
    # Development: a random key kept in the instance folder, so sessions survive restarts.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
