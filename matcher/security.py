"""Password hashing (argon2id) and signed, expiring tokens for links sent by email."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from matcher.translate import gettext as _


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash was made with other parameters than today's."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def fingerprint(value: str) -> str:
    """A short digest that changes whenever the value does (binds tokens to state)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


class TokenError(Exception):
    """A link that is invalid, expired or already used; `reason` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenKind:
    salt: str
    max_age_key: str


EMAIL_VERIFICATION = TokenKind("email-verify", "EMAIL_TOKEN_MAX_AGE")
PASSWORD_RESET = TokenKind("password-reset", "RESET_TOKEN_MAX_AGE")
EMAIL_CHANGE = TokenKind("email-change", "EMAIL_TOKEN_MAX_AGE")
ORGANISATION_INVITE = TokenKind("organisation-invite", "INVITE_TOKEN_MAX_AGE")


def _serializer(kind: TokenKind) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=kind.salt)


def make_token(kind: TokenKind, payload: dict[str, Any]) -> str:
    return _serializer(kind).dumps(payload)


def read_token(kind: TokenKind, token: str) -> dict[str, Any]:
    """Check signature and age; single use is the caller's job (payloads carry state)."""
    max_age = current_app.config[kind.max_age_key]
    try:
        payload = _serializer(kind).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise TokenError(_("This link is not valid. Check that you copied all of it.")) from exc
    if not isinstance(payload, dict):
        raise TokenError(_("This link is not valid."))
    return payload
