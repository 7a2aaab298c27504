"""Refuse requests no view should see: unknown hosts, oversized bodies, null characters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Config, Flask, abort, current_app, request
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

from matcher.translate import gettext as _

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

V = TypeVar("V", bound=Callable[..., Any])

URLENCODED = "application/x-www-form-urlencoded"
FORM_TYPES = (URLENCODED, "multipart/form-data")  # the bodies Werkzeug parses into request.form

_UNKNOWN_HOST_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Unknown host</title>"
    "<h1>Unknown host</h1><p>This site does not answer to that address.</p>"
)


class RefuseUnknownHosts:
    """WSGI middleware: a request naming a host outside TRUSTED_HOSTS gets a plain 400.

    Flask checks TRUSTED_HOSTS as well, but only while it sets up the request, after which every
    page or hook that builds a URL fails; refusing here, before Flask, keeps the answer a 400. It
    sits inside ProxyFix, so it judges the host ProxyFix decided to believe.
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            get_host(environ, self.app.config["TRUSTED_HOSTS"])
        except SecurityError:
            response = Response(_UNKNOWN_HOST_PAGE, status=400, mimetype="text/html")
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Content-Security-Policy"] = "default-src 'none'"
            return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


def refuse_null_characters() -> None:
    """A NUL byte is never meaningful in a form or a query, and PostgreSQL cannot store it."""
    # Every request passes here: a query or a form is parsed only when the request has one.
    sources = [request.args] if request.query_string else []
    if request.mimetype in FORM_TYPES:
        sources.append(request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description=_("A field contains a null character, which is not allowed."))


def limit_request_bodies() -> None:
    """MAX_CONTENT_LENGTH for every body (more for a view marked `larger_body`), MAX_FORM_MEMORY_SIZE
    and MAX_FORM_PARTS for urlencoded ones.

    The app's first before-request hook (registered ahead of the CSRF check, which reads the form),
    so a body over a limit is refused with 413 before anything parses it. A declared length is
    judged without reading a byte. Werkzeug applies the two form limits to multipart bodies while it
    streams them, but reads a urlencoded body whole, so a 6 MB body of a million fields would be
    parsed: those are counted here from the raw bytes, which is cheap.
    """
    config = current_app.config
    length = request.content_length
    largest = _body_limit(config)
    request.max_content_length = largest  # what Werkzeug enforces while it reads the body
    if largest is not None and length is not None and length > largest:
        abort(413)
    if request.mimetype != URLENCODED:
        return
    memory = config.get("MAX_FORM_MEMORY_SIZE")
    if memory is not None and (length or 0) > memory:
        abort(413)
    body = request.get_data(cache=True)  # the form is parsed from this copy afterwards
    parts = config.get("MAX_FORM_PARTS")
    if (memory is not None and len(body) > memory) or (parts is not None and body.count(b"&") >= parts):
        abort(413)


# A multipart form wraps its file in boundaries and other fields: a few KB, given generously.
FORM_OVERHEAD = 64 * 1024


def larger_body(limit: Callable[[Config], int]) -> Callable[[V], V]:
    """Mark an upload view that takes a body of up to `limit(app.config)` bytes (plus the form's
    own overhead) instead of MAX_CONTENT_LENGTH; the view's own check holds the file to its size."""

    def mark(view: V) -> V:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def _body_limit(config: Config) -> int | None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "body_limit", None)
    return config.get("MAX_CONTENT_LENGTH") if limit is None else limit(config) + FORM_OVERHEAD
