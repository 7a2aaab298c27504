"""The footer's language switcher in a real browser: each language's pages pass axe-core, and the
switcher works without JavaScript on a phone, coming back to the same page."""

from __future__ import annotations

import pytest

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
    for path in ("/", f"/opportunities/{opportunity_id}", "/organisations", "/login", "/signup"):
        person.goto(path)  # axe-core runs on each page the person reaches
        assert person.page.get_attribute("html", "lang") == code
    assert person.audit is not None and len(person.audit.seen) >= 6


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
