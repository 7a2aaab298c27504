"""Absolute links come from the configured site address, never from the request's Host header.

A link in an email (a password reset, a verification, an invitation, an unsubscribe link) built
from the Host of the request that caused it would let anyone who sends `Host: evil.example` have
the victim's own email point at a site of their choosing, token included. So every absolute URL,
in a request or not, is built from BASE_URL; relative URLs are unchanged.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, has_request_context, request
from werkzeug.routing import BuildError, MapAdapter
from werkzeug.wrappers import Response

from matcher.web import static_files

_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as in Flask's url_for


def site_url_adapter(app: Flask) -> MapAdapter:
    """A URL adapter bound to BASE_URL: its scheme, host (and port) and path prefix."""
    site = urlsplit(app.config["BASE_URL"])
    return app.url_map.bind(
        site.netloc,
        script_name=site.path.rstrip("/") or "/",
        url_scheme=site.scheme or "https",
    )


def trusted_hosts(base_url: str, development: bool) -> list[str]:
    """The hosts a request may name when TRUSTED_HOSTS is not set: the site's, and locally this machine."""
    hosts = [urlsplit(base_url).hostname or "localhost"]
    if development:
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(hosts))


class MatcherFlask(Flask):
    """Flask, with `url_for(..., _external=True)` built from BASE_URL everywhere, and static files
    linked by fingerprint and cached for a year (matcher.web.static_files)."""

    def send_static_file(self, filename: str) -> Response:
        return static_files.set_cache_headers(self, filename, super().send_static_file(filename))

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        if endpoint == "static":
            static_files.add_fingerprint(self, values)
        in_request = has_request_context()
        # Flask's own rule: external when asked, when a scheme is given, or outside a request.
        external = _external if _external is not None else (_scheme is not None or not in_request)
        if not external:
            return super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
            )
        if endpoint[:1] == ".":
            blueprint = request.blueprint if in_request else None
            endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
        self.inject_url_defaults(endpoint, values)
        try:
            url = site_url_adapter(self).build(
                endpoint, values, method=_method, url_scheme=_scheme, force_external=True
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=True)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            url = f"{url}#{quote(_anchor, safe=_ANCHOR_SAFE)}"
        return url
