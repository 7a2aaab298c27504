"""Security headers on every response (cache headers are in matcher.web.caching)."""

from __future__ import annotations

from flask import current_app, g
from werkzeug.wrappers import Response

# No 'unsafe-inline' anywhere: templates carry no <script>, no <style> and no style="" attribute
# (tests/security/test_headers.py reads every template to keep it so).
POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)
CSP = POLICY.format(ancestors="'none'")
HSTS = "max-age=31536000; includeSubDomains"
HSTS_HEADER = "Strict-Transport-Security"


EVERY_RESPONSE = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def framable_by(origin: str) -> None:
    """Let this request's answer be framed by `origin` alone (an embed on a partner's website).

    `origin` must be a bare origin ("https://host[:port]"): services.embeds.website_origin makes it.
    X-Frame-Options is left out then, since it cannot name one origin; browsers that know
    frame-ancestors (all current ones) follow it instead.
    """
    g.frame_origin = origin


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    # A response may set its own (a stricter CSP, say): those are kept. This runs on every response,
    # so the names present are read in one pass (a lookup of a missing name raises and catches).
    present = {name.lower() for name, _ in headers.items()}
    origin = g.pop("frame_origin", None)
    if origin and response.status_code in (200, 304) and "content-security-policy" not in present:
        headers.add("Content-Security-Policy", POLICY.format(ancestors=origin))
        present |= {"content-security-policy", "x-frame-options"}
    for name, value in EVERY_RESPONSE:
        if name.lower() not in present:
            headers.add(name, value)
    app = current_app
    if (
        not (app.debug or app.testing or app.config["ENV"] != "production")
        and "strict-transport-security" not in present
    ):
        headers.add(HSTS_HEADER, HSTS)
    return response
