"""Security headers on every kind of answer, and templates the CSP can live with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Response

from matcher import ROOT
from matcher.security import PASSWORD_RESET, fingerprint, make_token
from matcher.web.headers import set_security_headers
from tests.security.world import World

TEMPLATES = ROOT / "templates"


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    # Nothing may loosen script or style rules: no inline code, no eval, no other origins.
    for directive in ("script-src", "style-src", "script-src-elem", "style-src-attr"):
        assert directive not in csp or csp[directive] == ["'self'"], directive
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_kind_of_answer_carries_the_security_headers(world: World):
    for role, path in [
        ("anonymous", "/"),
        ("anonymous", "/no/such/page"),
        ("anonymous", "/api/v1/opportunities"),
        ("anonymous", "/opportunities/feed.atom"),
        ("anonymous", "/static/css/site.css"),
        ("student", "/profile/data.json"),
        ("coordinator", "/coordination/placements.csv"),
        ("member_b", f"/opportunities/{world.opp_a.id}/placements"),  # a 403 page
    ]:
        assert_security_headers(world.client(role).get(path))


def test_hsts_is_sent_in_production(production_app):
    response = production_app().test_client().get("/", base_url="https://matcher.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_security_headers(response)


def test_hsts_is_not_sent_in_development_or_debug(production_app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers  # testing
    development = production_app(ENV="development")
    assert "Strict-Transport-Security" not in development.test_client().get("/").headers
    debugging = production_app()
    debugging.debug = True
    assert "Strict-Transport-Security" not in debugging.test_client().get("/").headers


def test_pages_with_personal_data_are_never_stored_by_caches(world: World):
    for role, path in [
        ("student", "/dashboard"),
        ("student", "/profile"),
        ("student", "/profile/data.json"),
        ("student", "/profile/cv"),
        ("student", "/opportunities"),  # a public page, but the header shows who is logged in
        ("member_a", f"/opportunities/{world.opp_a.id}/applicants"),
        ("coordinator", f"/coordination/runs/{world.run.id}/matches.csv"),
        ("coordinator", f"/profiles/{world.trainee.id}/cv"),
    ]:
        response = world.client(role).get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_pages_opened_with_a_token_from_an_email_are_never_stored(world: World):
    """No login, but personal: a reset form."""
    student = world.student
    reset = make_token(PASSWORD_RESET, {"uid": student.id, "pw": fingerprint(student.password_hash)})
    response = world.client("anonymous").get(f"/reset/{reset}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_calendar_behind_a_token_is_kept_only_by_its_owner_and_revalidated(world: World):
    """Personal too, but a calendar app polls it: its own cache may keep it and ask again (a 304)."""
    from matcher.placements.calendar import calendar_token

    response = world.client("anonymous").get(f"/placements/calendar/{calendar_token(world.trainee)}.ics")
    assert response.status_code == 200
    assert set(response.headers["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_static_files_may_be_cached(world: World):
    response = world.client("student").get("/static/css/site.css")
    assert response.headers.get("Cache-Control") != "no-store"


def web_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if "email" not in p.relative_to(TEMPLATES).parts)


def test_the_template_list_is_not_empty():
    assert len(web_templates()) > 30


# What the CSP (no 'unsafe-inline') would block in a browser, or what would need a nonce.
BLOCKED = {
    "an inline or external <script>": re.compile(r"<script\b", re.IGNORECASE),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an on...= event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", web_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_web_template_needs_inline_script_or_style(template: Path):
    source = template.read_text()
    found = [what for what, pattern in BLOCKED.items() if pattern.search(source)]
    assert not found, f"{template.relative_to(TEMPLATES)} has {', '.join(found)}"


def test_a_header_the_response_set_itself_is_kept_and_the_others_added(app):
    own = Response("a file", headers={"content-security-policy": "default-src 'none'; sandbox"})
    with app.test_request_context("/"):
        response = set_security_headers(own)

    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'; sandbox"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
