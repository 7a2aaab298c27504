"""The footer's language switcher in a real browser: each language's pages pass axe-core, and the
switcher works without JavaScript on a phone, coming back to the same page."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations

CATALOGUES = Path(__file__).resolve().parents[2] / "matcher" / "translations"
SKIP = {"fr": "Aller au contenu", "pt": "Saltar para o conteúdo", "es": "Saltar al contenido"}
NAMES = {"fr": "Français", "pt": "Português", "es": "Español"}


@pytest.fixture(scope="module")
def opportunity_id(live_server) -> int:
    with live_server.data() as make:
        host = make.organisation(name="Hospital Central de Maputo")
        return make.opportunity(host, title="Estágio de radiologia de intervenção", city="Maputo").id


@pytest.mark.parametrize("code", ["fr", "pt", "es"])
def test_each_language_passes_axe_on_the_public_pages(live_server, people, opportunity_id, code):
    person = people(f"visitor-{code}")
    person.goto("/opportunities")
    person.click(person.page.get_by_role("navigation", name="Language").get_by_role("link", name=NAMES[code]))
    assert person.page.url.endswith("/opportunities")
    assert person.page.get_attribute("html", "lang") == code
    assert person.page.get_by_role("link", name=SKIP[code]).count() == 1
    for path in (
        "/",
        f"/opportunities/{opportunity_id}",
        "/organisations",
        "/login",
        "/signup",
        "/procedures",
    ):
        person.goto(path)  # axe-core runs on each page the person reaches
        assert person.page.get_attribute("html", "lang") == code
    assert person.audit is not None and len(person.audit.seen) >= 7


def test_the_switcher_works_without_javascript_on_a_phone(live_server, people, opportunity_id):
    person = people("phone", javascript=False, width=360, height=740)
    person.goto(f"/opportunities/{opportunity_id}?from=search")
    person.click(person.page.get_by_role("link", name="Português"))
    assert person.page.url.endswith(f"/opportunities/{opportunity_id}?from=search")
    assert person.page.get_attribute("html", "lang") == "pt"
    person.goto("/organisations")
    assert person.page.get_attribute("html", "lang") == "pt"  # remembered
    person.click(person.page.get_by_role("link", name="English"))
    assert person.page.get_attribute("html", "lang") == "en"


SIGNED_IN_PAGES = {
    "student": ("/dashboard", "/profile", "/profile/edit", "/applications", "/placements", "/account"),
    "org_member": (
        "/dashboard",
        "/organisations/{slug}/opportunities/new",
        "/organisations/{slug}/edit",
        "/organisations/{slug}/sites/new",
        "/organisations/{slug}/teaching-requests",
    ),
    "coordinator": (
        "/dashboard",
        "/coordination/rounds",
        "/coordination/rounds/new",
        "/coordination/organisations",
        "/coordination/procedures",
        "/coordination/procedures/pph-embolisation/edit",
    ),
}


@pytest.mark.parametrize("code", ["fr", "pt", "es"])
def test_each_language_passes_axe_on_the_signed_in_pages(live_server, people, opportunity_id, code):
    """The pages each role works in, in a language the person chose (their setting): axe-core at 0
    violations on each (the audit fails the test), and the page says its language."""
    seen = 0
    for role, paths in SIGNED_IN_PAGES.items():
        with live_server.data() as make:
            user = make.create(role, locale=code)
            email = user.email
            slug = user.memberships[0].organisation.slug if role == "org_member" else ""
        person = people(f"{role}-{code}")
        _log_in(person, email, code)
        for path in paths:
            person.goto(path.format(slug=slug))  # axe-core runs on each page the person reaches
            assert person.page.get_attribute("html", "lang") == code, path
            seen += 1
    assert seen == sum(len(paths) for paths in SIGNED_IN_PAGES.values())


def _log_in(person, email: str, code: str) -> None:
    """The login form read in the language the visitor's cookie asks for (the switcher's)."""
    words = Translations.load(str(CATALOGUES), [code])
    person.goto(f"/language/{code}?next=/login")
    person.page.get_by_label(words.gettext("Email")).fill(email)
    person.page.get_by_label(words.gettext("Password"), exact=True).fill("correct horse battery")
    person.click(person.page.locator("main").get_by_role("button", name=words.gettext("Log in")))
