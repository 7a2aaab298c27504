"""Security headers on every response (cache headers are in matcher.web.caching)."""

from __future__ import annotations

from flask import current_app
from werkzeug.wrappers import Response

# No 'unsafe-inline' anywhere: templates carry no <script>, no <style> and no style="" attribute
# (tests/security/test_headers.py reads every template to keep it so).
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    app = current_app
    if not (app.debug or app.testing or app.config["ENV"] != "production"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
