"""Static files are fingerprinted and kept by browsers for a year.

`url_for('static', filename='css/site.css')` gives `/static/css/site.css?v=<fingerprint>`, where the
fingerprint is a hash of the file's bytes: a new stylesheet has a new URL, so the old one can be
cached for a year (`Cache-Control: public, max-age=31536000, immutable`) and a returning visitor on
a slow link never asks for it again. The hash is computed once per process and file, and again only
when the file's size or modification time changes (one `stat` per link), so editing the CSS under
`make run` shows at once.

Only a request naming the fingerprint of the bytes this process serves is cached for a year. Any
other (no `v`, an old fingerprint, a mistyped one) still gets the current file, with `no-cache` and
its ETag, so the browser revalidates: a page from before a deploy keeps its styles, and during a
rolling deploy an old server asked for a new fingerprint cannot make a cache keep old bytes under
the new URL for a year. A file that does not exist is a 404, whatever the fingerprint.
"""

from __future__ import annotations

import hashlib
import os
import stat as file_modes

from flask import Flask, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600
FINGERPRINT_ARG = "v"

# absolute path -> ((mtime_ns, size), fingerprint); shared by every app of the process
_fingerprints: dict[str, tuple[tuple[int, int], str]] = {}


def fingerprint(app: Flask, filename: str) -> str | None:
    """The first 16 hex digits of the SHA-256 of a static file's bytes; None when there is no such file."""
    path = safe_join(app.static_folder or "", filename)
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    if not file_modes.S_ISREG(found.st_mode):  # a folder is not a file to serve
        return None
    version = (found.st_mtime_ns, found.st_size)
    known = _fingerprints.get(path)
    if known is not None and known[0] == version:
        return known[1]
    with open(path, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()[:16]
    _fingerprints[path] = (version, digest)
    return digest


def add_fingerprint(app: Flask, values: dict) -> None:
    """Add `v=<fingerprint>` to the values of a `url_for('static', ...)` call (unless one is given)."""
    filename = values.get("filename")
    if filename and FINGERPRINT_ARG not in values:
        digest = fingerprint(app, filename)
        if digest is not None:
            values[FINGERPRINT_ARG] = digest


def set_cache_headers(app: Flask, filename: str, response: Response) -> Response:
    """A year, immutable, for the current fingerprint; otherwise send_file's `no-cache` (revalidate)."""
    given = request.args.get(FINGERPRINT_ARG)
    if given and given == fingerprint(app, filename):
        cache = response.cache_control
        cache.no_cache = None
        cache.public = True
        cache.max_age = ONE_YEAR
        cache.immutable = True
    return response
