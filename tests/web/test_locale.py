"""A page's language: the user's setting, else the switcher's cookie, else Accept-Language, else English."""

from __future__ import annotations

import re

import pytest

from matcher.extensions import db
from matcher.i18n import COOKIE, LANGUAGES
from matcher.models import User

HOST = "matcher.test"  # the tests' SERVER_NAME
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
MENU = {"en": "Opportunities", "fr": "Opportunités", "pt": "Oportunidades", "es": "Oportunidades"}
SKIP = {
    "en": "Skip to content",
    "fr": "Aller au contenu",
    "pt": "Saltar para o conteúdo",
    "es": "Saltar al contenido",
}


def _lang(page: str) -> str:
    found = re.search(r"<html lang=\"?([a-z]{2})\"?>", page)
    assert found, page[:200]
    return found.group(1)


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",") if part.strip()}


def _in(client, path: str = "/opportunities", **headers) -> tuple[str, str]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return _lang(page), page


def test_accept_language_french_gives_a_french_page(client):
    lang, page = _in(client, **FRENCH)
    assert lang == "fr"
    assert "Aller au contenu" in page and ">Opportunités<" in page and ">Se connecter<" in page
    assert "Skip to content" not in page


@pytest.mark.parametrize("code", ["pt", "es"])
def test_each_language_has_its_menu(client, code):
    lang, page = _in(client, **{"Accept-Language": code})
    assert lang == code
    assert SKIP[code] in page and f">{MENU[code]}<" in page


@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "zz", "", "*"])
def test_an_unknown_language_gives_english(client, header):
    lang, page = _in(client, **({"Accept-Language": header} if header else {}))
    assert lang == "en"
    assert "Skip to content" in page and ">Opportunities<" in page


def test_the_best_match_of_several_languages_wins(client):
    lang, _ = _in(client, **{"Accept-Language": "de;q=1.0, es;q=0.8, fr;q=0.5"})
    assert lang == "es"


def test_the_switcher_sets_a_cookie_that_beats_accept_language(client):
    response = client.get("/language/pt?next=/opportunities?q=ir", headers=FRENCH)
    assert response.status_code == 302
    assert response.headers["Location"] == "/opportunities?q=ir"
    cookie = client.get_cookie(COOKIE, domain=HOST)
    assert cookie is not None and cookie.value == "pt" and cookie.http_only
    assert response.headers["Cache-Control"] == "no-store"
    lang, page = _in(client, **FRENCH)
    assert lang == "pt" and SKIP["pt"] in page


def test_the_switcher_links_come_back_to_this_page(client):
    _, page = _in(client, "/opportunities?q=ir")
    for code in LANGUAGES:
        assert f'href="/language/{code}?next=/opportunities?q%3Dir"' in page
    assert re.search(r'href="/language/en\?next=[^"]*"[^>]*aria-current', page)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_switcher_refuses_an_external_next(client, target):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get_cookie(COOKIE, domain=HOST).value == "fr"


def test_the_switcher_goes_back_to_our_referrer_without_next(client):
    response = client.get("/language/es", headers={"Referer": f"http://{HOST}/organisations"})
    assert response.headers["Location"] == "/organisations"


def test_the_switcher_refuses_an_unknown_language(client):
    response = client.get("/language/de?next=/")
    assert response.status_code == 404
    assert client.get_cookie(COOKIE, domain=HOST) is None


def test_the_users_setting_beats_the_cookie(auth, client):
    user = auth.login("student", locale="es")
    client.set_cookie(COOKIE, "fr", domain=HOST)
    lang, page = _in(client, "/account", **FRENCH)
    assert lang == "es" and SKIP["es"] in page
    # The footer sends a person with a setting to it, since a cookie would change nothing.
    assert "/language/fr" not in page and 'href="/account#language"' in page
    assert db.session.get(User, user.id).locale == "es"


def test_a_user_without_a_setting_follows_the_cookie(auth, client):
    auth.login("student")
    client.set_cookie(COOKIE, "pt", domain=HOST)
    lang, _ = _in(client, "/account", **FRENCH)
    assert lang == "pt"


def test_choosing_a_language_on_the_account_page(auth, client):
    user = auth.login("trainee")
    assert user.locale is None
    response = client.post("/account/language", data={"lang-locale": "fr"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _lang(page) == "fr"
    assert "Les pages s’affichent désormais en français." in page
    assert db.session.get(User, user.id).locale == "fr"
    assert '<option selected value="fr">Français</option>' in page

    response = client.post("/account/language", data={"lang-locale": ""}, follow_redirects=True)
    assert _lang(response.get_data(as_text=True)) == "en"
    assert db.session.get(User, user.id).locale is None


def test_an_unknown_language_on_the_account_page_is_refused(auth, client):
    user = auth.login("student", locale="pt")
    response = client.post("/account/language", data={"lang-locale": "xx"})
    assert response.status_code == 422
    assert "Escolha um idioma da lista." in response.get_data(as_text=True)
    assert db.session.get(User, user.id).locale == "pt"


@pytest.mark.parametrize("path", ["/", "/opportunities", "/organisations", "/api/v1/opportunities"])
def test_public_pages_vary_by_language_and_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert {"accept-language", "cookie"} <= _vary(response)


def test_a_304_does_not_cross_languages(client):
    english = client.get("/opportunities")
    french = client.get("/opportunities", headers=FRENCH)
    assert english.headers["ETag"] != french.headers["ETag"]
    again = client.get("/opportunities", headers={**FRENCH, "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200 and _lang(again.get_data(as_text=True)) == "fr"
    same = client.get("/opportunities", headers={**FRENCH, "If-None-Match": french.headers["ETag"]})
    assert same.status_code == 304


def test_after_a_form_with_errors_the_switcher_goes_back_by_the_referrer(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "wrong"})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    assert 'href="/language/fr"' in page and "next=/login" not in page
    back = client.get("/language/fr", headers={"Referer": f"http://{HOST}/login"})
    assert back.headers["Location"] == "/login"


def test_the_message_after_choosing_comes_in_the_language_chosen(auth, client):
    auth.login("student")
    client.set_cookie(COOKIE, "fr", domain=HOST)
    response = client.post("/account/language", data={"lang-locale": "es"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Las páginas se muestran ahora en español." in page
    assert _lang(page) == "es"


@pytest.mark.parametrize(("header", "code"), [("fr-CA", "fr"), ("pt-MZ,pt;q=0.9", "pt"), ("es-419", "es")])
def test_a_regional_variant_gets_its_language(client, header, code):
    lang, _ = _in(client, **{"Accept-Language": header})
    assert lang == code
