"""Text responses travel compressed: brotli where the browser accepts it, else gzip (Flask-Compress).

Flask-Compress compresses in an after-request hook, so the same code serves `make run` (Werkzeug)
and gunicorn. It is initialised with the other extensions, before any other after-request hook is
registered; Flask runs those hooks in reverse order, so compression comes last, over the final body
and headers (security headers, cache headers, validators).

- Over 1 KB only: below that, the bytes saved do not pay for the work and the extra header.
- Text only (COMPRESS_MIMETYPES): pages, CSS, JSON, feeds, calendars, CSV. PDFs (CVs) and images
  are compressed already and are never touched.
- `Vary: Accept-Encoding` on every response, so a shared cache never hands a brotli body to a
  browser that asked for gzip (Flask-Compress adds it, compressed or not).
- Streamed responses (static files are streamed by `send_file`) are compressed chunk by chunk,
  with gzip allowed too (the library's default streams only br, deflate and zstd).
- ETags: a compressed body is another representation, so a strong ETag gets the coding appended
  (`"abc"` becomes `"abc:br"`), and the library then answers a matching If-None-Match with 304.
  A weak ETag (`W/"abc"`) names the content whatever its coding and is left as it is.
- zstd and deflate are not offered: browsers that send `zstd` also accept br, which is smaller
  on pages this size, and `deflate` has two incompatible meanings in the wild.

BREACH (README, "Compression and BREACH"): pages are compressed for everyone, logged in or not.
An attacker who can both inject text into a page (a search box reflected in the results) and see
the size of the encrypted response could guess a secret on the same page byte by byte, over
thousands of requests made with the victim's cookies. Our session and remember-me cookies are
SameSite=Lax, so the requests another site can make in the background carry no session and answer
with the anonymous page; Flask-WTF's CSRF token is not masked per response, but its signature
carries a timestamp and changes every second, and its unsigned part is useless without the secret
key; the session cookie travels in headers, which HTTP compression never touches.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_compress import Compress

compress = Compress()

SETTINGS: dict[str, Any] = {
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "text/calendar",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/atom+xml",
        "application/rss+xml",
        "application/xml",
        "image/svg+xml",
    ],
    "COMPRESS_MIN_SIZE": 1024,
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    "COMPRESS_LEVEL": 6,  # gzip
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": True,
}


def init_compression(app: Flask) -> None:
    """Compress the app's text responses; MATCHER_COMPRESS_* settings (or test overrides) win."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
