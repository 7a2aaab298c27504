"""Text responses over 1 KB travel compressed (brotli or gzip, as the browser asks), with the right
Vary and ETag headers; small responses, PDFs and images do not. See matcher/web/compression.py."""

from __future__ import annotations

import gzip
from datetime import date, timedelta

import brotli
import pytest
from flask import Flask, Response, request

from matcher.extensions import db
from matcher.web.caching import cached_publicly

BODY = ("<p>Embolisation, drainage, biopsy: four weeks in a busy department.</p>\n" * 80).encode()
CHROME = "gzip, deflate, br, zstd"
# Most tests here add views of their own to the app (the `views` fixture).
pytestmark = pytest.mark.fresh_app


def decoded(response) -> bytes:
    """The body as the browser reads it, after undoing the Content-Encoding."""
    coding = response.headers.get("Content-Encoding")
    data = response.get_data()
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](data)


def vary(response) -> list[str]:
    return [part.strip().lower() for part in response.headers.get("Vary", "").split(",") if part.strip()]


@pytest.fixture
def views(app: Flask) -> Flask:
    """Views of a known body, size and type, added before the app's first request."""

    def sized(size: int) -> Response:
        return Response(BODY[:size], mimetype=request.args.get("type", "text/html"))

    @cached_publicly  # like every view with validators; it keeps the view's own ETag
    def tagged() -> Response:
        response = Response(BODY, mimetype="text/html")
        response.add_etag(weak=request.args.get("weak") == "1")
        return response.make_conditional(request)  # what a view with validators does

    app.add_url_rule("/test/sized/<int:size>", "sized", sized)
    app.add_url_rule("/test/tagged", "tagged", tagged)
    return app


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        (CHROME, "br"),  # what Chromium sends: brotli preferred
        ("gzip, br", "br"),
        ("br;q=0.5, gzip;q=1.0", "gzip"),
        ("gzip;q=0.4, br;q=0.9", "br"),
        ("gzip;q=0.8, identity;q=0.5", "gzip"),
        ("*", "br"),
        ("deflate, zstd", None),  # offered by neither side's list: sent as it is
        ("identity", None),
        ("identity;q=1, *;q=0", None),  # Chromium's range requests
        ("", None),
    ],
)
def test_text_over_1_kb_is_compressed_with_the_coding_the_browser_prefers(views, accept_encoding, coding):
    client = views.test_client()
    response = client.get("/test/sized/4000", headers={"Accept-Encoding": accept_encoding})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == coding
    assert decoded(response) == BODY[:4000]
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert "accept-encoding" in vary(response)
    if coding:
        assert len(response.get_data()) < 4000 / 4  # repetitive text: at least 4 times smaller


def test_responses_under_1_kb_are_sent_as_they_are(views):
    client = views.test_client()
    small = client.get("/test/sized/1023", headers={"Accept-Encoding": CHROME})
    just_enough = client.get("/test/sized/1024", headers={"Accept-Encoding": CHROME})
    assert "Content-Encoding" not in small.headers and small.get_data() == BODY[:1023]
    assert just_enough.headers["Content-Encoding"] == "br" and decoded(just_enough) == BODY[:1024]
    assert "accept-encoding" in vary(small), "a cache must still keep the two apart"


@pytest.mark.parametrize(
    ("mimetype", "compressed"),
    [
        ("text/html", True),
        ("text/css", True),
        ("application/json", True),
        ("application/atom+xml", True),
        ("text/calendar", True),
        ("text/csv", True),
        ("application/pdf", False),  # CVs: compressed already
        ("image/png", False),
        ("application/octet-stream", False),
    ],
)
def test_only_text_types_are_compressed(views, mimetype, compressed):
    response = views.test_client().get(
        "/test/sized/4000", query_string={"type": mimetype}, headers={"Accept-Encoding": CHROME}
    )
    assert response.mimetype == mimetype
    assert ("Content-Encoding" in response.headers) is compressed
    assert decoded(response) == BODY[:4000]
    assert "accept-encoding" in vary(response)


def test_public_pages_the_api_and_the_feed_arrive_compressed(client, users):
    organisation = users.organisation(name="Road2IR East Africa", description="Teaching IR. " * 40)
    opportunity = None
    for n in range(12):
        title = f"Interventional radiology elective {n}"
        opportunity = users.opportunity(
            organisation, title=title, starts_on=date.today() + timedelta(days=90)
        )
    db.session.commit()
    paths = ["/", "/opportunities", f"/opportunities/{opportunity.id}", "/api/v1/opportunities"]
    paths += ["/opportunities/feed.atom", "/organisations"]
    for path in paths:
        plain = client.get(path)
        squeezed = client.get(path, headers={"Accept-Encoding": CHROME})
        assert plain.status_code == squeezed.status_code == 200, path
        assert len(plain.get_data()) > 1024, path
        assert "Content-Encoding" not in plain.headers, path
        assert squeezed.headers["Content-Encoding"] == "br", path
        assert len(squeezed.get_data()) < len(plain.get_data()) / 2, path
        assert squeezed.mimetype == plain.mimetype, path
        assert "accept-encoding" in vary(squeezed) and "accept-encoding" in vary(plain), path
    page = client.get("/opportunities", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"Interventional radiology elective 11" in decoded(page)


def test_a_logged_in_page_is_compressed_too(client, auth):
    auth.login("student")
    page = client.get("/dashboard", headers={"Accept-Encoding": CHROME})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "br"
    assert page.headers["Cache-Control"] == "no-store"
    assert b"Log out" in decoded(page)


def conditional(client, accept_encoding: str, etag: str, path: str = "/test/tagged"):
    return client.get(path, headers={"Accept-Encoding": accept_encoding, "If-None-Match": etag})


def test_a_compressed_body_carries_its_own_strong_etag(views):
    client = views.test_client()
    tags = {
        coding: client.get("/test/tagged", headers={"Accept-Encoding": coding or ""}).headers["ETag"]
        for coding in (None, "gzip", "br")
    }
    identity = tags[None].strip('"')
    assert tags == {None: f'"{identity}"', "gzip": f'"{identity}:gzip"', "br": f'"{identity}:br"'}


def test_revalidating_a_compressed_copy_gives_304_with_its_etag(views):
    client = views.test_client()
    first = client.get("/test/tagged", headers={"Accept-Encoding": "br"})
    again = conditional(client, "br", first.headers["ETag"])
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "accept-encoding" in vary(again)


def test_another_codings_etag_does_not_validate_the_brotli_copy(views):
    client = views.test_client()
    gzipped = client.get("/test/tagged", headers={"Accept-Encoding": "gzip"})
    asked = conditional(client, "br", gzipped.headers["ETag"])
    assert asked.status_code == 200
    assert asked.headers["Content-Encoding"] == "br" and decoded(asked) == BODY


def test_an_identity_copy_is_revalidated_by_the_view_without_compression(views):
    client = views.test_client()
    plain = client.get("/test/tagged")
    for accept_encoding in ("identity", "br"):
        again = conditional(client, accept_encoding, plain.headers["ETag"])
        assert again.status_code == 304, accept_encoding
        assert again.headers["ETag"] == plain.headers["ETag"], accept_encoding
        assert "Content-Encoding" not in again.headers, accept_encoding
        assert again.get_data() == b""


def test_a_weak_etag_names_the_content_whatever_its_coding(views):
    client = views.test_client()
    plain = client.get("/test/tagged?weak=1")
    squeezed = client.get("/test/tagged?weak=1", headers={"Accept-Encoding": "br"})
    assert plain.headers["ETag"].startswith('W/"')
    assert squeezed.headers["ETag"] == plain.headers["ETag"]
    assert squeezed.headers["Content-Encoding"] == "br"
    again = conditional(client, "br", plain.headers["ETag"], "/test/tagged?weak=1")
    assert again.status_code == 304
