"""Request size limits answer 413 (never 500); `next` and the Referer only ever lead to a path on this site.

The limits are enforced before anything reads the body: before, the CSRF check parsed a 6 MB
urlencoded `POST /login` (about 6 s of CPU, anonymously) before the guard ran. Counting the CSRF
checks and form parses shows that without timing anything.

tests/web/test_errors_and_health.py covers a body over MAX_CONTENT_LENGTH; tests/web/test_login.py
covers four classic `next` tricks on the login form. These add the other two limits, multipart
bodies, and the `next` tricks browsers are known to fall for, on every place that reads `next`.
"""

from __future__ import annotations

import io
from urllib.parse import urljoin, urlsplit

import pytest
from flask_wtf.csrf import CSRFProtect
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.formparser import FormDataParser

from matcher.config import defaults
from matcher.extensions import db
from matcher.web.redirects import is_safe_next
from tests.support.rounds import RoundBuilder

SITE = "https://matcher.test/login"


def test_the_three_limits_are_set_by_default(app, tmp_path):
    settings_ = defaults(str(tmp_path))
    assert settings_["MAX_CONTENT_LENGTH"] == 6 * 1024 * 1024  # a 5 MB CV and the form around it
    assert settings_["MAX_FORM_MEMORY_SIZE"] == 512 * 1024
    assert settings_["MAX_FORM_PARTS"] == 1000
    for key in ("MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE", "MAX_FORM_PARTS"):
        assert app.config[key] == settings_[key]


def _assert_too_large(response) -> None:
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_a_text_field_over_the_form_memory_limit_gets_413(client):
    big = "x" * (512 * 1024 + 1)  # the whole body stays far below MAX_CONTENT_LENGTH
    _assert_too_large(client.post("/login", data={"email": big, "password": "x"}))


def test_a_multipart_text_field_over_the_form_memory_limit_gets_413(auth, client):
    auth.login("student")
    data = {"note": "x" * (512 * 1024 + 1), "cv": (io.BytesIO(b"%PDF-1.4"), "cv.pdf")}
    _assert_too_large(client.post("/profile/cv", data=data, content_type="multipart/form-data"))


def test_a_host_can_order_999_applicants_within_the_limits(client):
    fields = {f"position_{n}": str(n) for n in range(1, 1000)}
    assert client.post("/login", data={**fields, "email": "a@example.org"}).status_code != 413


def test_too_many_fields_get_413(client):
    fields = {f"field{n}": "x" for n in range(1001)}
    _assert_too_large(client.post("/signup", data=fields))


def test_too_many_multipart_parts_get_413(auth, client):
    auth.login("student")
    fields = {f"field{n}": "x" for n in range(1001)}
    fields["cv"] = (io.BytesIO(b"%PDF-1.4"), "cv.pdf")
    _assert_too_large(client.post("/profile/cv", data=fields, content_type="multipart/form-data"))


def test_a_file_over_the_content_length_limit_gets_413(auth, client):
    auth.login("student")
    data = {"cv": (io.BytesIO(b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)), "cv.pdf")}
    response = client.post("/profile/cv", data=data, content_type="multipart/form-data")
    # Still a 413, as the CV form with the reason at its field (tests/web/test_cv_on_profile_form.py).
    assert response.status_code == 413
    assert 'id="cv-error"' in response.get_data(as_text=True)


@pytest.fixture
def form_reads(app, monkeypatch) -> dict[str, int]:
    """With the CSRF check on, count how often it runs and how often any form body is parsed."""
    app.config["WTF_CSRF_ENABLED"] = True
    seen = {"csrf checks": 0, "forms parsed": 0}
    check, parse = CSRFProtect.protect, FormDataParser.parse

    def counted_check(self, *args, **kwargs):
        seen["csrf checks"] += 1
        return check(self, *args, **kwargs)

    def counted_parse(self, *args, **kwargs):
        seen["forms parsed"] += 1
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(CSRFProtect, "protect", counted_check)
    monkeypatch.setattr(FormDataParser, "parse", counted_parse)
    return seen


URLENCODED = "application/x-www-form-urlencoded"


def test_an_anonymous_oversized_urlencoded_login_is_refused_before_the_form_is_read(client, form_reads):
    body = "email=" + "x" * (512 * 1024) + "&password=x"
    _assert_too_large(client.post("/login", data=body, content_type=URLENCODED))
    assert form_reads == {"csrf checks": 0, "forms parsed": 0}


def test_a_urlencoded_body_of_too_many_fields_is_refused_before_the_form_is_read(client, form_reads):
    body = "&".join(f"f{n}=x" for n in range(1001))  # 8 KB, far under every size limit
    _assert_too_large(client.post("/login", data=body, content_type=URLENCODED))
    assert form_reads == {"csrf checks": 0, "forms parsed": 0}


def test_a_body_declared_over_the_content_length_limit_is_refused_unread(client, form_reads):
    body = io.BytesIO(b"x" * 1024)  # the declared length alone decides, before a byte is read
    response = client.post(
        "/login",
        input_stream=body,
        content_type="multipart/form-data; boundary=b",
        environ_overrides={"CONTENT_LENGTH": str(6 * 1024 * 1024 + 1)},
    )
    _assert_too_large(response)
    assert body.tell() == 0
    assert form_reads == {"csrf checks": 0, "forms parsed": 0}


def test_a_form_within_the_limits_is_still_checked_for_its_csrf_token(client, form_reads):
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400  # no token: refused by the CSRF check, which read the form
    assert form_reads == {"csrf checks": 1, "forms parsed": 1}


def stays_on_this_site(location: str) -> bool:
    """Where a browser would go: same host, and nothing a browser might read differently."""
    if any(ch in location for ch in "\\\t\r\n") or location.startswith("//"):
        return False
    target = urlsplit(urljoin(SITE, location))
    return target.scheme == "https" and target.netloc == "matcher.test"


EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",  # browsers drop tabs and newlines: "//evil.example"
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "/%2F%2Fevil.example",
]


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leaves_the_site_after_login(client, users, target):
    user = users.create()
    response = client.post("/login", data={"email": user.email, "password": users.PASSWORD, "next": target})
    assert response.status_code == 302 and stays_on_this_site(response.headers["Location"]), target


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leaves_the_site_for_someone_already_logged_in(auth, client, target):
    auth.login("student")
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302 and stays_on_this_site(response.headers["Location"]), target


# A header cannot hold a line break, so that trick is left out.
OFF_SITE_REFERERS = [
    *(target for target in EVIL if "\n" not in target),
    "https://evil.example/coordination/runs/1",
    "http://matcher.test.evil.example/",
]


@pytest.mark.parametrize("referrer", OFF_SITE_REFERERS)
def test_a_decision_never_returns_to_a_referer_off_the_site(auth, client, referrer):
    auth.login("coordinator")
    run_ = RoundBuilder(db.session).run(RoundBuilder(db.session).round())
    response = client.post(
        f"/coordination/runs/{run_.id}/decide", data={"action": "approve"}, headers={"Referer": referrer}
    )
    assert response.status_code == 302 and stays_on_this_site(response.headers["Location"]), referrer


def test_a_decision_returns_to_the_filtered_review_page_it_came_from(auth, client):
    auth.login("coordinator")
    run_ = RoundBuilder(db.session).run(RoundBuilder(db.session).round())
    page = f"http://matcher.test/coordination/runs/{run_.id}?status=proposed&page=2"
    response = client.post(
        f"/coordination/runs/{run_.id}/decide", data={"action": "approve"}, headers={"Referer": page}
    )
    assert response.headers["Location"] == f"/coordination/runs/{run_.id}?status=proposed&page=2"


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.one_of(st.text(max_size=40), st.text(alphabet="/\\:.@%2Fevilx \t\n?#", max_size=20)))
def test_whatever_is_judged_safe_stays_on_this_site(target):
    if is_safe_next(target):
        assert stays_on_this_site(target), target
