"""Finding opportunities and organisations in French, Portuguese and Spanish: the search, the cards,
an opportunity's and an organisation's pages, the home page, the dashboards, the forms' messages and
the error pages are in the reader's language, and a card or a list kept per process never shows one
reader's language to another."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from matcher.extensions import db
from matcher.i18n import COOKIE
from matcher.models import Country
from matcher.opportunities import cards
from tests.web.test_dashboards import _dashboard, _staff_world

HOST = "matcher.test"  # the tests' SERVER_NAME


@pytest.fixture
def host(users):
    """A verified organisation with a published elective, a closed one and a draft."""
    organisation = users.organisation(name="Road2IR", slug="road2ir", country_code="GB")
    organisation.countries = [db.session.get(Country, "UG")]
    elective = users.opportunity(
        organisation, title="Elective in Kampala", capacity=3, languages=(("fr", "conversational"),)
    )
    users.opportunity(organisation, title="Last year's visit", status="closed", type="teaching_visit")
    users.opportunity(organisation, title="A draft", status="draft")
    db.session.commit()
    return organisation, elective


def _page(client, path: str, lang: str | None = None, status: int = 200, **kwargs) -> str:
    if lang:
        client.set_cookie(COOKIE, lang, domain=HOST)
    else:
        client.delete_cookie(COOKIE, domain=HOST)
    response = client.get(path, **kwargs)
    assert response.status_code == status
    return response.get_data(as_text=True)


def test_the_search_page_and_its_cards_are_in_french(client, host):
    page = _page(client, "/opportunities", "fr")
    for french in (
        "Stages optionnels et opportunités d’enseignement",
        '<option value="">Toutes les régions</option>',
        '<option value="">Tous les types</option>',
        "Mots du titre ou de la description",
        "Trier par",
        "1 opportunité trouvée.",
        "Stage clinique optionnel · ",
        "Places disponibles\u00a0: 3 sur 3",
        "date limite\u00a0: ",
    ):
        assert french in page, french
    for english in (
        "Any region",
        "Sort by",
        "opportunities found",
        "places left",
        "apply by",
        "Clinical elective",
    ):
        assert english not in page, english


def test_an_opportunity_page_is_in_portuguese(client, host):
    _, elective = host
    page = _page(client, f"/opportunities/{elective.id}", "pt")
    for portuguese in (
        "← Todas as oportunidades",
        'Estágio clínico opcional a cargo de <a href="/organisations/road2ir">Road2IR</a>',
        "<dt>Onde</dt>",
        "<dt>Quando</dt>",
        "<dt>Vagas</dt><dd>Disponíveis: 3 de 3</dd>",
        "<dt>Prazo</dt>",
        "(conversação)",
        "Sem taxa",
    ):
        assert portuguese in page, portuguese
    for english in ("All opportunities", "offered by", "<dt>Where</dt>", "No fee", "(conversational)"):
        assert english not in page, english


def test_the_organisation_pages_are_in_spanish(client, host):
    directory = _page(client, "/organisations", "es")
    assert (
        "Organizaciones internacionales" in directory
        and '<span class="badge ok">verificada</span>' in directory
    )
    assert "Global organisations" not in directory and ">verified<" not in directory

    page = _page(client, "/organisations/road2ir", "es")
    for spanish in (
        "← Todas las organizaciones",
        "<dt>Con sede en</dt>",
        "<dt>Trabaja en</dt>",
        "Plazas disponibles: 3 de 3",
    ):
        assert spanish in page, spanish
    assert "Based in" not in page and "Works in" not in page and "places left" not in page


def test_the_home_page_is_in_french(client, host):
    page = _page(client, "/", "fr")
    for french in (
        "Stages et enseignement en radiologie interventionnelle, attribués équitablement",
        "Je suis étudiant ou interne",
        "Dernières opportunités",
        "Stage clinique optionnel à Dar es Salaam",
        "Organisations partenaires",
    ):
        assert french in page, french
    assert "Latest opportunities" not in page and "Partner organisations" not in page


def test_a_status_badge_says_the_status_in_the_readers_words(client, auth, host):
    organisation, _ = host
    auth.login("org_member", organisation=organisation)
    english = _page(client, "/organisations/road2ir")
    assert '<span class="badge status-draft">draft</span>' in english
    assert '<span class="badge status-closed">closed</span>' in english
    french = _page(client, "/organisations/road2ir", "fr")
    assert '<span class="badge status-draft">brouillon</span>' in french
    assert '<span class="badge status-closed">fermée</span>' in french
    assert ">draft<" not in french and ">closed<" not in french


def test_the_opportunity_forms_messages_are_in_french_at_the_field_and_in_the_summary(client, auth, host):
    organisation, _ = host
    auth.login("org_member", organisation=organisation)
    client.set_cookie(COOKIE, "fr", domain=HOST)
    response = client.post("/organisations/road2ir/opportunities/new", data={"title": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<h2>Il y a un problème</h2>" in page
    # The form's messages are lazy strings: they reach the summary's links as well as the field.
    assert '<a href="#title">Donnez un titre à l’opportunité.</a>' in page
    assert '<p class="error" id="title-error">Donnez un titre à l’opportunité.</p>' in page
    assert "Give the opportunity a title" not in page and "There is a problem" not in page


def test_an_organisation_contacts_next_steps_are_in_french(client, auth, users):
    organisation = users.organisation(
        verified=False, name="Mwanza IR Group", slug="mwanza-ir", description=""
    )
    auth.login("org_member", organisation=organisation, verified=False)
    client.set_cookie(COOKIE, "fr", domain=HOST)
    steps = _dashboard(client)
    assert "Avant qu’un coordinateur puisse vérifier «\u00a0Mwanza IR Group\u00a0»" in steps
    assert (
        '<a href="/organisations/mwanza-ir/edit">compléter la page de l’organisation</a>\u00a0: ajouter '
        "une description de qui vous êtes et de ce que vous faites en radiologie interventionnelle, un site "
        "web ou un identifiant sur les réseaux sociaux et le pays de son siège"
    ) in steps
    assert "Before a coordinator" not in steps


def test_a_coordinators_next_steps_are_in_portuguese_with_their_plurals(auth, client, users):
    _, latest, ready_run = _staff_world(users)
    auth.login("coordinator", locale="pt")
    steps = _dashboard(client)
    assert '<a href="/coordination/organisations">2 organizações a aguardar verificação</a>' in steps
    assert "1 pedido para representar uma organização</a> a aguardar decisão" in steps
    assert (
        f'<a href="/coordination/runs/{ready_run.id}">Publicar 1 proposta de colocação aprovada</a>' in steps
    )
    assert f'<a href="/coordination/runs/{latest.id}">Rever 2 propostas de colocação</a>' in steps
    assert "3 e-mails não puderam ser entregues" in steps
    assert "waiting for verification" not in steps


def test_an_error_page_is_in_french_and_an_api_error_in_spanish(client):
    page = _page(client, "/nowhere", "fr", status=404)
    assert (
        "Erreur 404" in page and "<h1>Page introuvable</h1>" in page and "Aller à la page d’accueil" in page
    )
    assert "Not found" not in page and "Go to the home page" not in page

    client.delete_cookie(COOKIE, domain=HOST)
    response = client.get("/api/v1/opportunities?region=Atlantis", headers={"Accept-Language": "es"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["title"] == "Petición incorrecta"
    assert error["problems"] == [
        {"parameter": "region", "message": "Elija una región de la lista: “Atlantis” no es una de ellas."}
    ]


def test_a_kept_card_and_the_kept_search_lists_never_show_one_language_to_another(client, host):
    """Cards and the search form's lists are rendered once per process and kept: in each language."""
    for lang, words, others in (
        (
            None,
            ("3 of 3 places left", "Any region", "Clinical elective"),
            ("Places disponibles", "Toutes les régions"),
        ),
        (
            "fr",
            ("Places disponibles\u00a0: 3 sur 3", "Toutes les régions", "Stage clinique optionnel"),
            ("places left", "Any region"),
        ),
        (
            "es",
            ("Plazas disponibles: 3 de 3", "Cualquier región", "Rotación clínica electiva"),
            ("Places disponibles", "places left"),
        ),
        (
            None,
            ("3 of 3 places left", "Any region", "Clinical elective"),
            ("Places disponibles", "Plazas", "Toutes les régions"),
        ),
    ):
        page = _page(client, "/opportunities", lang)
        for word in words:
            assert word in page, (lang, word)
        for word in others:
            assert word not in page, (lang, word)
        # The organisation's page shows the same card, kept under the same key.
        card = _page(client, "/organisations/road2ir", lang)
        assert words[0] in card and all(word not in card for word in others[:1])


def test_a_card_with_the_same_values_is_kept_once_per_language(app, host, monkeypatch):
    """The language is part of a kept card's key, even where none of the card's values differ."""
    _, elective = host
    with app.test_request_context("/opportunities"):
        same = cards.card_of(elective)
        monkeypatch.setattr(cards, "card_of", lambda opportunity, lang=None: same)
        with force_locale("fr"):
            french = cards.opportunity_card(elective)
        with force_locale("en"):
            english = cards.opportunity_card(elective)
        with force_locale("fr"):
            again = cards.opportunity_card(elective)
    assert "Places disponibles\u00a0: 3 sur 3" in french and "places left" not in french
    assert "3 of 3 places left" in english and "Places disponibles" not in english
    assert again == french
