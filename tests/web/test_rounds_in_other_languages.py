"""Coordinators read match rounds, their reasons, exports and the coordination pages in their language."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.i18n import COOKIE
from matcher.models import Match
from tests.support.rounds import approve_all, create_round, run

HOST = "matcher.test"  # the tests' SERVER_NAME


def words_in(client, url: str, language: str) -> str:
    """The page's text as read in ``language`` (the switcher's cookie): tags out, spaces collapsed."""
    client.set_cookie(COOKIE, language, domain=HOST)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ").split())


def test_the_review_of_a_run_and_its_reasons_read_in_french(client, auth, world):
    auth.login("coordinator")
    first = run(client, create_round(client))
    page = words_in(client, f"/coordination/runs/{first.id}", "fr")
    assert "Calcul 1 : propositions d’attribution" in page
    assert "Pourquoi cette proposition" in page and "Candidats sans proposition" in page
    assert "choisie par" in page  # "Lieu : …, une sous-région choisie par Amina", about the applicant by name
    assert "était complète avec 1 candidat mieux classé" in page
    for english in (
        "Why this match",
        "Unmatched applicants",
        "proposed matches",
        "you chose",
        " chose",
        "was full",
    ):
        assert english not in page, english
    match = db.session.scalars(select(Match).where(Match.run_id == first.id)).first()
    history = words_in(client, f"/coordination/matches/{match.id}", "fr")
    assert "créée → proposée" in history and "“calcul 1”" in history and "Historique" in history
    assert "created" not in history and "run 1" not in history


def test_round_pages_dashboard_and_publication_read_in_portuguese(client, auth, world):
    auth.login("coordinator")
    match_round = create_round(client)
    first = run(client, match_round)
    approve_all(client, first)
    index = words_in(client, "/coordination/rounds", "pt")
    assert "Rondas de colocação" in index and "aberta" in index and "Match rounds" not in index
    shown = words_in(client, f"/coordination/rounds/{match_round.id}", "pt")
    assert (
        "Executar o cálculo" in shown and "propostas de colocação: 3" in shown and "sem proposta: 1" in shown
    )
    assert "Run the engine" not in shown and "unmatched" not in shown
    dashboard = words_in(client, "/coordination/dashboard", "pt")
    assert "Painel de coordenação" in dashboard and "aprovada 3" in dashboard
    publish = words_in(client, f"/coordination/runs/{first.id}/publish", "pt")
    assert "3 propostas de colocação serão oferecidas a 3 candidatos." in publish
    assert "5 pessoas receberão um e-mail" in publish and "Publicar e enviar e-mail a 5 pessoas" in publish
    assert "will be emailed" not in publish and "applicant" not in publish
    audit = words_in(client, f"/coordination/rounds/{match_round.id}/audit", "pt")
    assert "proposta → aprovada" in audit and "approved" not in audit


def test_a_run_exported_as_csv_has_its_headers_and_statuses_in_spanish(client, auth, world):
    auth.login("coordinator")
    first = run(client, create_round(client))
    client.set_cookie(COOKIE, "es", domain=HOST)
    body = client.get(f"/coordination/runs/{first.id}/matches.csv").get_data(as_text=True)
    header, *rows = body.splitlines()
    assert header.startswith("Propuesta de asignación,Estado,Solicitante,Correo electrónico,Oportunidad")
    assert rows and all(",propuesta," in row for row in rows)


def test_the_coordination_pages_and_their_messages_read_in_portuguese(client, auth, users):
    maputo = users.organisation(name="Hospital Central de Maputo", slug="hcm", verified=False)
    users.create(role="org_member", organisation=maputo, email="contacto@hcm.example")
    auth.login("coordinator")
    queue = words_in(client, "/coordination/organisations", "pt")
    assert "Organizações a aguardar verificação" in queue and "Hospital Central de Maputo" in queue
    assert "Não verificar" in queue and "Do not verify" not in queue and "Signed up" not in queue
    reading = words_in(client, "/coordination/reading", "pt")
    assert "Adicionar uma ligação" in reading and "Add a link" not in reading
    response = client.post(
        "/coordination/reading",
        data={"title": "Radiologia de intervenção", "url": "https://example.org/ri"},
        follow_redirects=True,
    )
    assert "«Radiologia de intervenção» foi adicionada às leituras complementares." in html.unescape(
        response.get_data(as_text=True)
    )
    refused = client.post("/coordination/reading", data={"title": "Ligação", "url": "ftp://example.org"})
    assert refused.status_code == 422
    assert "Introduza um endereço web que comece por https:// ou http://." in refused.get_data(as_text=True)


def test_reasons_name_interests_levels_and_regions_in_the_readers_language(app):
    """The engine names interests, training levels and regions in English (its inputs); the words
    of a reason name them as the reference data and CLDR do in the reader's language."""
    import contextvars

    from matcher import reason_words

    def french() -> tuple[str, str, str]:
        with app.test_request_context("/", headers={"Accept-Language": "fr"}):
            interests = reason_words.say(
                "interests.overlap",
                {"matched": ["Post-partum haemorrhage embolisation"], "of": 2, "near": 0},
            )
            region = reason_words.say("region.subregion", {"place": "Eastern Africa", "place_code": ""})
            level = reason_words.say(
                "level.fit",
                {
                    "level": "Medical student, year 3",
                    "low": "Medical student, year 1",
                    "high": "Medical student, year 6",
                    "fit": "middle",
                    "where": "in the middle of the accepted range",
                },
            )
            role = reason_words.say(
                "role",
                {
                    "accepted": ["IR physician", "IR nurse"],
                    "accepted_codes": ["ir-physician", "ir-nurse"],
                    "profession": "Radiographer or technologist",
                    "profession_code": "radiographer",
                },
            )
            return interests, region, level, role

    interests, region, level, role = contextvars.Context().run(french)
    assert "Embolisation pour hémorragie du post-partum" in interests and "haemorrhage" not in interests
    assert "Afrique orientale" in region and "Eastern" not in region
    assert "Étudiant(e) en médecine, 3e année" in level and "Medical student" not in level
    assert role == (
        "s’adresse à ces professions : Radiologue interventionnel(le) (sénior) et Infirmier(ère) de "
        "radiologie interventionnelle ; votre profil indique Manipulateur(rice) en électroradiologie"
    ), role
