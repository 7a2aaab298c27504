"""Error pages in the site's style, or JSON for API clients; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from matcher.extensions import db
from matcher.security import TokenError
from matcher.services.errors import DomainError
from matcher.translate import gettext as _
from matcher.translate import lazy_gettext as _l

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("We could not understand that request.")),
    403: (_l("Not allowed"), _l("Your account cannot open this page.")),
    404: (_l("Not found"), _l("There is nothing at this address. It may have moved or been removed.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Conflict"), _l("That change clashes with the current state. Reload and try again.")),
    413: (
        _l("Too large"),
        _l("What you sent is larger than this site accepts. Uploaded files may be at most 5 MB."),
    ),
    422: (_l("Cannot process"), _l("Some of what you sent is not valid.")),
    429: (_l("Too many tries"), _l("You have tried too often. Wait a while and try again.")),
    500: (_l("Something went wrong"), _l("An error on our side stopped this page. It has been logged.")),
    503: (_l("Unavailable"), _l("The service is briefly unavailable. Try again shortly.")),
}


BARE_500 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>An error on our side stopped this page. It has been logged.</p>"
)


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, detail: str | None = None) -> Response:
    title, message = (str(text) for text in MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400]))
    if wants_json():
        body = jsonify(error={"status": code, "title": title, "message": detail or message})
    else:
        body = render_template("errors/error.html", code=code, title=title, message=detail or message)
    return make_response(body, code)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _("This form has expired or was sent from elsewhere. Go back, reload the page and try again."),
        )

    @app.errorhandler(TokenError)
    def link_problem(error: TokenError):
        # A link from an email that is invalid, expired or used: say so, and how to get a new one.
        db.session.rollback()
        return make_response(render_template("auth/link_problem.html", reason=error.reason), 400)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        # A refusal no view turned into a form error: not found, not allowed, or a clash with the state.
        db.session.rollback()
        return render_error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = None
        # A description given at abort() time says more than the generic page text.
        if error.description and error.description != type(error).description and error.code != 429:
            detail = error.description
        if error.code == 429 and error.description:
            detail = _(
                "You have tried too often (the limit is %(limit)s). Wait a while and try again.",
                limit=error.description,
            )
        response = render_error(error.code, detail)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()  # the page below may need the database again
        try:
            return render_error(InternalServerError.code)
        except Exception:  # the page itself needs what failed (e.g. the database)
            log.exception("the error page failed too")
            return make_response(BARE_500, 500)
