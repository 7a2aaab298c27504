"""Cache headers per kind of answer, and validators that turn a repeated fetch into a 304.

Three kinds (the README's "Caching and validators" says why):

- public: anonymous public pages, the API and the feed. `public, max-age=PUBLIC_MAX_AGE`,
  `Vary: Cookie, Accept-Language` (the language), a weak ETag (and Last-Modified where the view sets one).
- private: the calendar feed behind a secret link. `private, no-cache` and a weak ETag, so that a
  calendar app revalidates every time and gets a 304 while nothing changed.
- everything else (a signed-in person's pages, pages opened with a token, forms, redirects, error
  pages, any answer that sets a cookie): `no-store`, no validators.

The ETag is a hash of the uncompressed body (werkzeug's `add_etag`), so it is right by
construction: whatever the page shows, the date, the query and who asks are in the body. It is weak
because compression (Flask-Compress, or a proxy) sends the same content in several encodings:
weak tags may be shared by them, and Flask-Compress keeps a weak tag as it is. The 304 is decided
in the view's decorator, before any after-request hook, so compression never runs for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, make_response, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

PUBLIC, PRIVATE = "public", "private"
VALIDATORS = ("ETag", "Last-Modified")


def personal() -> bool:
    """Whether the answer may hold personal data, so no shared cache may keep a copy.

    Pages for a signed-in person, and pages opened with a token from an email (a reset form, an
    invitation, an unsubscribe page, a calendar feed of someone's placements) are personal.
    """
    if request.endpoint == "static":
        return False
    if "token" in (request.view_args or {}):
        return True
    return bool(current_user and current_user.is_authenticated)


def _validated(response: Response, kind: str) -> Response:
    """Cache headers of `kind` and a weak ETag on a 200 to GET or HEAD; 304 when the client has it."""
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code not in (200, 304)
        or response.is_streamed
    ):
        return response
    if kind == PUBLIC:
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PUBLIC_MAX_AGE"]
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    # A proxy must keep the anonymous copy apart from any signed-in person's page at the same URL.
    response.vary.add("Cookie")
    # The language follows Accept-Language (or the switcher's cookie, covered by Cookie above).
    response.vary.add("Accept-Language")
    g.cache_kind = kind
    if response.status_code == 304:  # the view answered the condition itself, with its own validators
        return response
    response.add_etag(weak=True)
    response.make_conditional(request)
    # make_conditional writes a Date field, and the server (gunicorn, werkzeug's) always writes its
    # own: the answer would carry Date twice.
    response.headers.pop("Date", None)
    return response


def cached_publicly(view: Callable[..., Any]) -> Callable[..., Response]:
    """Anyone's cache may keep the anonymous answer for a short while; a signed-in person's is no-store."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        if personal():
            return response
        return _validated(response, PUBLIC)

    return wrapper


def revalidated_privately(view: Callable[..., Any]) -> Callable[..., Response]:
    """Only the owner's client may keep the answer, and it asks again each time (a 304 when unchanged)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        return _validated(make_response(view(*args, **kwargs)), PRIVATE)

    return wrapper


def _sets_cookie(response: Response) -> bool:
    """Whether this answer will carry a cookie (the session is saved after the after-request hooks)."""
    app = current_app._get_current_object()
    return "Set-Cookie" in response.headers or app.session_interface.should_set_cookie(app, session)


def settle_cache_headers(response: Response) -> Response:
    """No-store for every answer a view did not mark cacheable, and for any that sets a cookie.

    A flash message or a new session (a CSRF token) makes the page someone's own: a proxy must not
    hand it to the next visitor, even on a public URL.
    """
    if request.endpoint == "static":
        return response  # static files have their own policy
    kind = g.pop("cache_kind", None)
    if kind == PUBLIC and personal():
        kind = None
    if kind is None or _sets_cookie(response):
        response.headers["Cache-Control"] = "no-store"
        for name in VALIDATORS:
            response.headers.pop(name, None)
    return response
