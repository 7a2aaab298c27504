"""Bearer tokens on the API: `Authorization: Bearer irm_…` (services.api_tokens).

The read endpoints need no token, but one that is sent must be valid: a wrong or revoked token is
a 401, never silently ignored. Each request with a token counts against that token's rate limit
(API_TOKEN_RATE_LIMIT), kept in the limiter's storage like the other throttles (web.throttle).
The write endpoints need a write token (`write_token`); the API never reads the session cookie.
"""

from __future__ import annotations

import math
import time
from datetime import date

from flask import g, request
from werkzeug.wrappers import Response

from matcher.api import bp
from matcher.api.answers import error_answer
from matcher.extensions import db, limiter
from matcher.models import ApiToken, TokenScope
from matcher.services.api_tokens import authenticate
from matcher.translate import gettext as _
from matcher.web.throttle import count, exhausted, limit_words

NAMESPACE = "api-token"
SETTING = "API_TOKEN_RATE_LIMIT"


def unauthorised(message: str) -> Response:
    response = error_answer(401, _("Unauthorised"), message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_request
def recognise_token() -> Response | None:
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None or request.method == "OPTIONS":
        return None
    scheme, _space, presented = header.strip().partition(" ")
    token = authenticate(db.session, presented.strip(), date.today()) if scheme.lower() == "bearer" else None
    if token is None:
        db.session.rollback()
        return unauthorised(_("This token is not valid: it is mistyped or was revoked."))
    key = str(token.id)
    item = exhausted(SETTING, NAMESPACE, key)
    if item is not None:
        db.session.rollback()
        response = error_answer(
            429, _("Too many requests"), _("This token's limit is %(limit)s.", limit=limit_words(item))
        )
        reset = limiter.limiter.get_window_stats(item, NAMESPACE, key).reset_time
        response.headers["Retry-After"] = str(max(1, math.ceil(reset - time.time())))
        return response
    count(SETTING, NAMESPACE, key)
    if db.session.dirty:
        db.session.commit()  # the last-used date
    g.api_token = token
    return None


def write_token() -> ApiToken | Response:
    """The request's write token, or the 401 or 403 answer to send instead."""
    token = g.get("api_token")
    if token is None:
        return unauthorised(_("Send a write token: Authorization: Bearer followed by the token."))
    if token.scope != TokenScope.WRITE:
        return error_answer(
            403, _("Forbidden"), _("This token may only read. Make a write token to change data.")
        )
    return token
