"""Redirects that only ever go to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import current_app, redirect, request, url_for
from werkzeug.wrappers import Response


def is_safe_next(target: str | None) -> bool:
    """A local absolute path, with no scheme, host or protocol-relative trick."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\r\n\t\\"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_next(default_endpoint: str = "main.dashboard") -> Response:
    """Redirect to the `next` parameter when it is safe, else to the default page."""
    target = request.args.get("next") or request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for(default_endpoint))


def redirect_back(default: str) -> Response:
    """Back to the page the form was sent from (the Referer) when it is one of ours, else `default`."""
    referrer = urlsplit(request.referrer or "")
    ours = {request.host, urlsplit(current_app.config["BASE_URL"]).netloc}
    if referrer.scheme in ("http", "https") and referrer.netloc in ours:
        target = urlunsplit(("", "", referrer.path, referrer.query, ""))
        if is_safe_next(target):
            return redirect(target)
    return redirect(default)
