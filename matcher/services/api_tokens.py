"""API tokens: members of an organisation create them (the secret shown once, only its SHA-256
kept), revoke them, and the API recognises them.

A token reads `irm_` then 43 URL-safe characters (256 random bits). Its first characters are kept
as a prefix to look it up and to show on the page; the hash of the whole token is compared in
constant time. The API acts as the member who created the token, for the token's organisation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matcher import audit
from matcher.db import utcnow
from matcher.models import ApiToken, Organisation, TokenScope, User
from matcher.services.errors import DomainError, NotFound
from matcher.services.opportunities import require_editor
from matcher.translate import gettext as _

TOKEN_START = "irm_"  # noqa: S105  (a public marker, not a secret)
PREFIX_LENGTH = 12  # "irm_" and 8 random characters: enough to tell tokens apart, not to guess them
NAME_MAX = 80


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` is the only copy of the token there will ever be."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(session: Session, organisation: Organisation) -> list[ApiToken]:
    """The organisation's tokens, active ones first, newest first, with who made and revoked them."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.organisation_id == organisation.id)
            .options(joinedload(ApiToken.created_by), joinedload(ApiToken.revoked_by))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create(session: Session, actor: User, organisation: Organisation, name: str, scope: str) -> NewToken:
    require_editor(session, actor, organisation)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the token a name, such as the system that will use it."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("Keep the name to %(max)d characters.", max=NAME_MAX), field="name")
    if scope not in {s.value for s in TokenScope}:
        raise DomainError(_("Choose read or write."), field="scope")
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        created_by_id=actor.id,
        name=name,
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=digest(secret),
    )
    session.add(token)
    session.flush()
    audit.on_commit(
        session, "api_key_created", actor, organisation=organisation.slug, key_id=token.id, scope=scope
    )
    return NewToken(token=token, secret=secret)


def token_of(session: Session, organisation: Organisation, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.organisation_id != organisation.id:
        raise NotFound(_("There is no such token."))
    return token


def revoke(session: Session, actor: User, organisation: Organisation, token_id: int) -> ApiToken:
    """Revoke for good; revoking a revoked token changes nothing."""
    require_editor(session, actor, organisation)
    token = token_of(session, organisation, token_id)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by_id = utcnow(), actor.id
        audit.on_commit(session, "api_key_revoked", actor, organisation=organisation.slug, key_id=token.id)
    return token


def authenticate(session: Session, presented: str, today: date) -> ApiToken | None:
    """The active token `presented` is, or None; its last-used date moves to `today` (once a day)."""
    if not presented.startswith(TOKEN_START) or len(presented) > 100:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == presented[:PREFIX_LENGTH]))
    if token is None or not hmac.compare_digest(token.secret_hash, digest(presented)):
        return None
    if token.revoked_at is not None:
        return None
    if token.last_used_on != today:
        token.last_used_on = today
    return token
