"""Static files: linked by a fingerprint of their bytes, cached for a year under that address only,
and compressed. See matcher/web/static_files.py."""

from __future__ import annotations

import gzip
import hashlib
import os
import re

import brotli
import pytest
from flask import url_for

from matcher import ROOT

SITE_CSS = ROOT / "static" / "css" / "site.css"
YEAR = "max-age=31536000"


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def stylesheet_link(page: str) -> str:
    (link,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    return link


def test_pages_link_the_stylesheet_by_the_fingerprint_of_its_bytes(client):
    link = stylesheet_link(client.get("/").get_data(as_text=True))
    expected = hashlib.sha256(SITE_CSS.read_bytes()).hexdigest()[:16]
    assert link == f"/static/css/site.css?v={expected}"
    assert stylesheet_link(client.get("/login").get_data(as_text=True)) == link


def test_the_fingerprinted_stylesheet_is_cached_for_a_year_and_compressed(client):
    link = stylesheet_link(client.get("/").get_data(as_text=True))
    plain = client.get(link)
    squeezed = client.get(link, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    gzipped = client.get(link, headers={"Accept-Encoding": "gzip"})
    for response in (plain, squeezed, gzipped):
        assert response.status_code == 200
        assert cache_directives(response) == {"public", YEAR, "immutable"}
        assert "Accept-Encoding" in response.headers["Vary"]
    assert plain.get_data() == SITE_CSS.read_bytes()
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.get_data()) == SITE_CSS.read_bytes()
    assert len(squeezed.get_data()) < SITE_CSS.stat().st_size / 2
    assert gzipped.headers["Content-Encoding"] == "gzip"  # streamed, yet gzip too
    assert gzip.decompress(gzipped.get_data()) == SITE_CSS.read_bytes()


def test_revalidating_the_compressed_stylesheet_gives_304_and_keeps_the_cache_headers(client):
    link = stylesheet_link(client.get("/").get_data(as_text=True))
    first = client.get(link, headers={"Accept-Encoding": "br"})
    assert first.headers["ETag"].endswith(':br"')
    again = client.get(link, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert cache_directives(again) == {"public", YEAR, "immutable"}


def test_an_old_or_missing_fingerprint_gets_the_current_file_revalidated_every_time(client):
    for query in ("?v=0123456789abcdef", "", "?v="):
        path = f"/static/css/site.css{query}"
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.get_data() == SITE_CSS.read_bytes(), path
        assert "no-cache" in cache_directives(response), path
        assert not {"immutable", "public", YEAR} & cache_directives(response), path
        assert response.headers["ETag"], path


def test_a_file_that_does_not_exist_is_404_whatever_the_fingerprint(client, app):
    for path in ("/static/css/none.css?v=0123456789abcdef", "/static/css/none.css", "/static/../wsgi.py?v=x"):
        assert client.get(path).status_code == 404, path
    with app.test_request_context():
        assert url_for("static", filename="css/none.css") == "/static/css/none.css"
        assert url_for("static", filename="css") == "/static/css"  # a folder: no fingerprint, no error


@pytest.mark.fresh_app  # it points the app's static folder elsewhere: not on the shared app
def test_a_changed_file_gets_a_new_address_and_the_old_one_stops_being_immutable(app, client, tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black; }\n")
    app.static_folder = str(tmp_path)
    with app.test_request_context():
        before = url_for("static", filename="css/site.css")
        assert url_for("static", filename="css/site.css") == before  # the same bytes, the same address
    assert "immutable" in cache_directives(client.get(before))

    sheet.write_text("body { color: #1a1a1a; }\n")
    stat = sheet.stat()
    os.utime(sheet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # even within one clock tick
    with app.test_request_context():
        after = url_for("static", filename="css/site.css")
    assert after != before and after.startswith("/static/css/site.css?v=")
    fresh, stale = client.get(after), client.get(before)
    assert fresh.get_data() == stale.get_data() == b"body { color: #1a1a1a; }\n"
    assert "immutable" in cache_directives(fresh)
    assert "immutable" not in cache_directives(stale) and "no-cache" in cache_directives(stale)


def test_an_absolute_stylesheet_link_is_fingerprinted_too(app):
    with app.test_request_context():
        link = url_for("static", filename="css/site.css", _external=True)
    assert re.fullmatch(r"http://matcher\.test/static/css/site\.css\?v=[0-9a-f]{16}", link)
