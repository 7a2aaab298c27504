"""Every route, every role: each role walks the access table (access_table.py) and gets exactly
what it says; a route with no row, or a row for a route that is gone, fails. Each request is
rolled back afterwards."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.security.access_table import TABLE, Row, endpoint_of, routes
from tests.security.world import ROLES, World
from tests.support.pdf import minimal_pdf


def test_every_route_has_a_row(app):
    covered = {(endpoint_of(app, r), r.method) for r in TABLE}
    missing = sorted(routes(app) - covered)
    assert not missing, f"Routes without a row in the access table: {missing}"


def outcome(response) -> str:
    status = response.status_code
    # The login page with `next`: where login_required and role_required send a stranger.
    if status in (301, 302, 303, 307, 308) and "/login?next=" in response.headers.get("Location", ""):
        return "L"
    if 200 <= status < 400 or status in (409, 422):
        return "A"
    return {403: "F", 404: "N", 400: "B", 401: "U"}.get(status, str(status))


def _format(value: Any, world: World) -> Any:
    if isinstance(value, str):
        return value.format(w=world)
    if isinstance(value, list):
        return [_format(v, world) for v in value]
    return value


def request_row(world: World, role: str, entry: Row):
    url = entry.url.format(w=world)
    data = {_format(k, world): _format(v, world) for k, v in entry.data.items()}
    if data.get("cv") == "PDF":
        import io

        data["cv"] = (io.BytesIO(minimal_pdf()), "cv.pdf")
    browser = world.client(role)
    return browser.open(url, method=entry.method, data=data or None)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_says(app, world, role):
    world.login()
    column = ROLES.index(role)
    wrong, html_pages = [], 0
    for entry in TABLE:
        with world.undone():
            response = request_row(world, role, entry)
            got, expected = outcome(response), entry.expected[column]
            if got != expected:
                where = f"{entry.method} {entry.url} ({endpoint_of(app, entry)})"
                location = response.headers.get("Location", "")
                wrong.append(f"{where}: {got} {location}, table: {expected}")
            if response.mimetype == "text/html" and response.status_code == 200:
                page, html_pages = response.get_data(as_text=True), html_pages + 1
                # The CSP forbids inline code and styles: no page may depend on them.
                assert not INLINE_SCRIPT.search(page), entry.url
                assert " style=" not in page, entry.url
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    assert html_pages, f"{role} was shown no page, so the inline-code check proved nothing"


def test_the_table_is_not_trivially_permissive():
    """Each private area refuses someone: a table of all A would prove nothing."""
    refusing = [r for r in TABLE if set(r.expected) - {"A"}]
    assert len(refusing) > len(TABLE) * 0.6
    for code in "LFNB":
        assert any(code in r.expected for r in TABLE), code
