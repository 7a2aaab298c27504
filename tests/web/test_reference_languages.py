"""Reference data and place names in the reader's language; content in its author's language.

Interests and training levels ship their French, Portuguese and Spanish labels (taxonomy.py,
synced into their `translations`); countries, regions and languages are named by CLDR. Content
(an opportunity, an organisation's description) is never translated: pages say which language it
is written in, mark it with `lang`, and show the host's summary in the reader's language if any.
"""

from __future__ import annotations

import html

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from matcher.extensions import db
from matcher.i18n import COOKIE
from matcher.models import DataVersion, Interest, Opportunity, TrainingLevel
from matcher.opportunities.filter_form import search_form_options
from matcher.reference.sync import sync_reference_data
from matcher.reference.taxonomy import INTERESTS, LEVELS
from matcher.services import reference

HOST = "matcher.test"

# What the reader sees for the factory's opportunity (pph-embolisation, Tanzania, years 4 to 6)
# and profile (year 5, Kenya, Eastern Africa), in each language.
SEEN = {
    "en": ("Post-partum haemorrhage embolisation", "Tanzania", "Eastern Africa", "Medical student, year 4"),
    "fr": (
        "Embolisation pour hémorragie du post-partum",
        "Tanzanie",
        "Afrique orientale",
        "Étudiant(e) en médecine, 4e année",
    ),
    "pt": (
        "Embolização na hemorragia pós-parto",
        "Tanzânia",
        "África Oriental",
        "Estudante de medicina, 4.º ano",
    ),
    "es": (
        "Embolización por hemorragia posparto",
        "Tanzania",
        "África del Este",
        "Estudiante de medicina, año 4",
    ),
}
YEAR_5 = {
    "fr": "Étudiant(e) en médecine, 5e année",
    "pt": "Estudante de medicina, 5.º ano",
    "es": "Estudiante de medicina, año 5",
}


def _page(client, url: str, code: str) -> str:
    client.set_cookie(COOKIE, code, domain=HOST)
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("code", ["en", "fr", "pt", "es"])
def test_an_opportunity_names_its_interests_levels_and_place_in_the_readers_language(client, users, code):
    opportunity = users.opportunity()
    page = _page(client, f"/opportunities/{opportunity.id}", code)
    interest, country, subregion, level = SEEN[code]
    assert interest in page and country in page and subregion in page and level in page
    if code != "en":
        assert SEEN["en"][0] not in page and SEEN["en"][3] not in page and "Eastern Africa" not in page


@pytest.mark.parametrize("code", ["fr", "pt", "es"])
def test_cards_in_a_search_and_on_an_organisation_page_use_the_readers_words(client, users, code):
    organisation = users.organisation()
    users.opportunity(organisation, title="Card elective")
    for url in ("/opportunities", f"/organisations/{organisation.slug}"):
        page = _page(client, url, code)
        assert "Card elective" in page and SEEN[code][0] in page and SEEN[code][1] in page
        assert SEEN["en"][0] not in page


@pytest.mark.parametrize("code", ["fr", "pt", "es"])
def test_a_profile_names_its_level_country_places_and_interests_in_the_readers_language(
    auth, client, users, code
):
    student = auth.login("student")
    users.profile(student)
    page = _page(client, "/profile", code)
    interest, _, subregion, _ = SEEN[code]
    assert interest in page and subregion in page and YEAR_5[code] in page
    assert {"fr": "Kenya", "pt": "Quénia", "es": "Kenia"}[code] in page
    assert SEEN["en"][0] not in page and "Eastern Africa" not in page


def test_selects_name_and_sort_countries_and_languages_in_the_readers_language(auth, client):
    auth.login("student")
    page = _page(client, "/profile/edit", "fr")
    # Sorted as a French reader expects: "Égypte" among the E, not after "Zimbabwe".
    assert page.index(">Égypte<") < page.index(">Érythrée<") < page.index(">Zimbabwe<")
    assert ">Allemagne<" in page and ">Germany<" not in page
    assert ">Portugais<" in page and ">Portuguese<" not in page


def test_the_search_forms_lists_are_rendered_per_language(client):
    pages = {code: _page(client, "/opportunities", code) for code in ("fr", "en", "pt", "fr")}
    assert "> Afrique orientale<" in pages["fr"] and "> Eastern Africa<" not in pages["fr"]
    assert "Tous les pays" in pages["fr"] and ">Allemagne<" in pages["fr"]
    assert "> Eastern Africa<" in pages["en"] and "Afrique orientale" not in pages["en"]
    assert "Any country" in pages["en"] and ">Germany<" in pages["en"]
    assert "África Oriental" in pages["pt"] and "Qualquer país" in pages["pt"]
    # The values stay English names and codes, whatever the language: links work across them.
    for page in pages.values():
        assert 'value="Eastern Africa"' in page and 'value="DE"' in page


def test_the_per_process_lists_never_mix_languages(app):
    """Kept per process and reference version, the lists are also kept per language: a French
    request right after an English one (or the other way) gets its own."""
    assert db.session.get(DataVersion, reference.VERSION_NAME) is not None  # so they are shared
    with app.test_request_context():
        with force_locale("en"):
            english = search_form_options(db.session)
        with force_locale("fr"):
            french = search_form_options(db.session)
        with force_locale("en"):
            assert search_form_options(db.session) is english  # kept
        with force_locale("fr"):
            assert search_form_options(db.session) is french
    assert (
        "Eastern Africa" in english.subregions.whole and "Afrique orientale" not in english.subregions.whole
    )
    assert "Afrique orientale" in french.subregions.whole and "Eastern Africa<" not in french.subregions.whole
    assert "Any level" in english.levels.whole and "Tous les niveaux" in french.levels.whole


def test_every_shipped_interest_and_level_has_its_words_in_each_language():
    for item in (*INTERESTS, *LEVELS):
        assert set(item.translations) == {"fr", "pt", "es"}
        for words in item.translations.values():
            assert words["label"] and words["label"] != item.label
    assert {"label", "group"} <= set(INTERESTS[0].translations["fr"])


def test_the_reference_sync_fills_the_translations_and_changes_nothing_the_second_time(app):
    interest = db.session.scalar(select(Interest).where(Interest.slug == "pph-embolisation"))
    interest.translations = {}
    db.session.flush()
    sync_reference_data(db.session)
    db.session.flush()
    assert interest.translations["pt"]["label"] == "Embolização na hemorragia pós-parto"
    level = db.session.scalar(select(TrainingLevel).where(TrainingLevel.code == "ms1"))
    assert level.translations["fr"]["label"] == "Étudiant(e) en médecine, 1re année"
    token = db.session.get(DataVersion, reference.VERSION_NAME).token
    sync_reference_data(db.session)
    db.session.flush()
    assert db.session.get(DataVersion, reference.VERSION_NAME).token == token  # nothing changed


# Content in its author's language.


def test_a_page_says_the_language_content_is_written_in_and_marks_it(client, users):
    opportunity = users.opportunity(
        title="Estágio em Maputo", description="Drenagens e biópsias.", written_in="pt", country_code="MZ"
    )
    english = _page(client, f"/opportunities/{opportunity.id}", "en")
    assert "Written in Portuguese" in english
    assert '<h1 lang="pt">Estágio em Maputo</h1>' in english and '<div lang="pt">' in english
    french = _page(client, f"/opportunities/{opportunity.id}", "fr")
    assert "Rédigé en portugais" in french and "Written in" not in french
    portuguese = _page(client, f"/opportunities/{opportunity.id}", "pt")
    assert "Escrito em" not in portuguese and "Drenagens e biópsias." in portuguese


def test_the_hosts_summary_is_shown_to_readers_of_its_language_only(client, users):
    opportunity = users.opportunity(
        title="Investigación en Guatemala",
        description="Proyecto de investigación.",
        written_in="es",
        summaries={"en": "A research project in Guatemala City.", "fr": "Un projet de recherche."},
    )
    english = _page(client, f"/opportunities/{opportunity.id}", "en")
    assert "A research project in Guatemala City." in english
    assert "Translated by the host. The full text below is in Spanish." in english
    assert english.index("A research project") < english.index("Proyecto de investigación.")
    assert "Un projet de recherche." not in english
    french = _page(client, f"/opportunities/{opportunity.id}", "fr")
    assert "Un projet de recherche." in french and "Traduit par l’établissement d’accueil" in french
    portuguese = _page(client, f"/opportunities/{opportunity.id}", "pt")
    assert "Escrito em espanhol" in portuguese and "Resumo" not in portuguese


def test_an_organisation_description_says_its_language(client, users):
    organisation = users.organisation(description="Somos un hospital universitario.", written_in="es")
    page = _page(client, f"/organisations/{organisation.slug}", "en")
    assert "Written in Spanish" in page and '<div lang="es">' in page
    spanish = _page(client, f"/organisations/{organisation.slug}", "es")
    assert "Escrito en" not in spanish and "Somos un hospital universitario." in spanish


def _form(opportunity: Opportunity, **changes) -> dict[str, str]:
    data = {
        "title": opportunity.title,
        "type": opportunity.type,
        "description": opportunity.description,
        "host_institution": opportunity.host_institution,
        "city": opportunity.city,
        "country_code": opportunity.country_code,
        "level_min": str(opportunity.level_min),
        "level_max": str(opportunity.level_max),
        "interests": "pph-embolisation",
        "starts_on": opportunity.starts_on.isoformat(),
        "ends_on": opportunity.ends_on.isoformat(),
        "capacity": "2",
        "deadline": opportunity.deadline.isoformat(),
        "written_in": "en",
    }
    data.update(changes)
    return data


@pytest.fixture
def editing(auth, users):
    member = auth.login("org_member")
    organisation = member.memberships[0].organisation
    return users.opportunity(organisation, status="draft")


def test_the_host_chooses_the_language_and_writes_summaries(client, editing):
    url = f"/opportunities/{editing.id}/edit"
    response = client.post(
        url, data=_form(editing, written_in="pt", summary_en=" In English. ", summary_fr="")
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(editing)
    assert editing.written_in == "pt" and editing.summaries == {"en": "In English."}
    form = client.get(url).get_data(as_text=True)
    assert '<option selected value="pt">' in form and "In English." in form


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"summary_fr": "x" * 601}, "summary_fr", "Keep the summary to 600 characters."),
        ({"summary_en": "Same language."}, "summary_en", "it needs no summary in that language."),
        ({"written_in": "de"}, "written_in", "Choose one of the options in the list."),
    ],
)
def test_a_bad_summary_or_language_is_refused_on_the_form(client, editing, changes, field, message):
    response = client.post(f"/opportunities/{editing.id}/edit", data=_form(editing, **changes))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert f'id="{field}-error"' in page and message in page.split(f'id="{field}-error"')[1][:300]
    db.session.refresh(editing)
    assert editing.written_in == "en" and editing.summaries == {}


def test_a_summary_too_long_is_refused_in_french_too(client, editing):
    client.set_cookie(COOKIE, "fr", domain=HOST)
    response = client.post(f"/opportunities/{editing.id}/edit", data=_form(editing, summary_pt="x" * 601))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Limitez le résumé à 600 caractères." in page and "Résumé en portugais (facultatif)" in page


def test_the_organisation_form_records_the_descriptions_language(auth, client):
    member = auth.login("org_member")
    organisation = member.memberships[0].organisation
    response = client.post(
        f"/organisations/{organisation.slug}/edit",
        data={"name": organisation.name, "description": "Nous formons des internes.", "written_in": "fr"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(organisation)
    assert organisation.written_in == "fr"
    assert "Written in French" in _page(client, f"/organisations/{organisation.slug}", "en")
