"""Health check, error pages in the site's style, size limits and CSRF."""

import pytest
from flask import abort

from matcher.app import create_app
from tests.support.apps import BASE_TEST_CONFIG


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unavailable_database_with_503(tmp_path):
    app = create_app(
        {**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Not found" in page and "site.css" in page


def test_wrong_method_gets_405_page_with_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)


def test_oversized_body_gets_the_413_page(client):
    response = client.post("/signup", data={"name": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


@pytest.mark.fresh_app  # adds a route
@pytest.mark.parametrize("code", [400, 403, 429])
def test_error_pages_have_the_site_style(app, code):
    app.add_url_rule(f"/boom{code}", f"boom{code}", lambda: abort(code))
    response = app.test_client().get(f"/boom{code}")
    assert response.status_code == code and "site.css" in response.get_data(as_text=True)


@pytest.mark.fresh_app  # adds a route
@pytest.mark.expect_500
def test_unexpected_error_shows_500_page_without_traceback(app):
    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/explode", "explode", explode)
    response = app.test_client().get("/explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and "secret internals" not in page and "Traceback" not in page


def test_api_paths_get_json_errors(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"]["status"] == 404


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_is_refused(client):
    response = client.post(
        "/signup",
        data={
            "role": "student",
            "name": "A",
            "email": "a@example.org",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_security_headers_are_set(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_with_personal_data_are_not_cached(auth, client):
    auth.login("student")
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    ["/opportunities/99999999999", "/api/v1/opportunities/99999999999", "/coordination/runs/99999999999"],
)
def test_ids_too_large_for_the_database_are_404_not_500(client, auth, path):
    auth.login("coordinator")
    assert client.get(path).status_code == 404


def test_a_null_character_in_a_form_gets_a_clear_400(client):
    response = client.post("/signup", data={"name": "A\x00B", "email": "a@example.org"})
    assert response.status_code == 400
    assert "null character" in response.get_data(as_text=True)
    assert client.get("/opportunities?q=%00").status_code == 400
