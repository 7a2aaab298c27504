"""Accounts, email settings, the admins' pages, a job's progress page and form messages in French,
Portuguese and Spanish: the reader's words on the page, no English left where it was translated."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import refresh
from limits import parse
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from matcher.extensions import db
from matcher.i18n import COOKIE
from matcher.mail.preferences import unsubscribe_url
from matcher.models import BackgroundJob
from matcher.web.forms import AppForm
from matcher.web.throttle import limit_words

HOST = "matcher.test"  # the tests' SERVER_NAME
NBSP = "\u00a0"


def text(response) -> str:
    """The page as a reader sees it: tags out, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(body))


def in_language(client, code: str) -> None:
    client.set_cookie(COOKIE, code, domain=HOST)


@pytest.mark.parametrize(
    ("code", "shown", "english"),
    [
        ("fr", ["Mot de passe oublié" + NBSP + "?", "Se souvenir de moi sur cet appareil", "Créez un compte"],
         ["Forgot your password?", "Remember me on this device"]),
        ("pt", ["Esqueceu-se da palavra-passe?", "Lembrar-me neste dispositivo", "Crie uma conta"],
         ["Forgot your password?", "Remember me on this device"]),
        ("es", ["¿Olvidó su contraseña?", "Recordarme en este dispositivo", "Cree una cuenta"],
         ["Forgot your password?", "Remember me on this device"]),
    ],
)  # fmt: skip
def test_the_login_page_speaks_the_readers_language(client, code, shown, english):
    in_language(client, code)
    page = text(client.get("/login"))
    assert all(words in page for words in shown), page
    assert not any(words in page for words in english)


def test_sign_up_in_portuguese_names_the_kinds_of_account_and_refuses_in_portuguese(client):
    in_language(client, "pt")
    page = text(client.get("/signup"))
    assert (
        "Criar uma conta" in page
        and "Estudante de medicina" in page
        and "Interno ou fellow de radiologia de intervenção" in page
        and "Enfermeiro(a) de radiologia de intervenção" in page
        and "Qual é a sua profissão?" in page
    )
    assert "Medical student" not in page and "Create an account" not in page and "IR nurse" not in page
    refused = client.post("/signup", data={"role": "student", "password": "short", "confirm": "other"})
    assert refused.status_code == 422
    page = text(refused)
    assert "Introduza o seu nome." in page and "Use entre 10 e 256 caracteres." in page
    assert "As palavras-passe não coincidem." in page
    assert "Enter your name." not in page and "The passwords do not match." not in page


def test_a_guessable_password_gets_zxcvbns_advice_in_french(client):
    in_language(client, "fr")
    refused = client.post(
        "/signup",
        data={
            "role": "student",
            "name": "Awa Diop",
            "email": "awa@example.org",
            "password": "aaaaaaaaaa",
            "confirm": "aaaaaaaaaa",
        },
    )
    page = text(refused)
    assert "Ce mot de passe serait facile à deviner." in page
    assert f"Les répétitions comme «{NBSP}aaa{NBSP}» sont faciles à deviner." in page
    assert "easy to guess" not in page


def test_wtforms_defaults_come_in_our_words_in_the_requests_language(app):
    class Short(AppForm):
        name = StringField("Name", validators=[DataRequired(), Length(max=3)])

    answers = {}
    for code in ("en", "fr", "es"):
        with app.test_request_context(method="POST", headers={"Cookie": f"{COOKIE}={code}"}):
            refresh()  # the app context of the test is shared: forget the last request's language
            empty, long = Short(MultiDict({"name": ""})), Short(MultiDict({"name": "abcdef"}))
            empty.meta.csrf = long.meta.csrf = False
            empty.validate(), long.validate()
            answers[code] = (empty.name.errors, long.name.errors)
    assert answers["en"] == (["Fill in this part."], ["Keep it to 3 characters."])
    assert answers["fr"] == (["Remplissez ce champ."], ["Ne dépassez pas 3 caractères."])
    assert answers["es"] == (["Complete este campo."], ["No supere 3 caracteres."])


def test_the_account_page_and_its_messages_in_french(auth, client, users):
    auth.login_as(users.create("trainee", locale="fr"))
    page = text(client.get("/account"))
    assert "Votre compte" in page and "Type de compte" in page and "Interne" in page
    assert "Changer votre mot de passe" in page and "Enregistrer le fuseau horaire" in page
    assert "Your account" not in page and "Change your password" not in page
    saved = client.post("/account/timezone", data={"tz-timezone": "Africa/Dakar"}, follow_redirects=True)
    assert "Les dates et les heures s’affichent désormais dans le fuseau horaire Africa/Dakar." in text(saved)
    refused = client.post("/account/email", data={"em-new_email": "x@example.org", "em-password": "wrong"})
    assert "Ce n’est pas votre mot de passe actuel." in text(refused)


def test_a_visitor_sent_to_log_in_is_told_so_in_spanish(client):
    in_language(client, "es")
    page = text(client.get("/account", follow_redirects=True))
    assert "Inicie sesión para ver esta página." in page and "Log in to see this page." not in page


def test_a_broken_link_is_explained_in_french(client):
    in_language(client, "fr")
    response = client.get("/verify/not-a-token")
    assert response.status_code == 400
    page = text(response)
    assert "Ce lien ne fonctionne pas" in page and "Vérifiez que vous l’avez copié en entier." in page
    assert "This link" not in page


def test_email_settings_and_unsubscribing_in_portuguese(auth, client, users):
    student = auth.login_as(users.create("student", locale="pt"))
    page = text(client.get("/account/notifications"))
    assert "Preferências de e-mail" in page and "Propostas de colocação e colocações" in page
    assert "Num resumo semanal" in page and "Nunca" in page
    assert "Email settings" not in page and "Never" not in page and "In a weekly summary" not in page
    saved = client.post("/account/notifications", data={"alerts": "immediate"}, follow_redirects=True)
    assert "não podem ser enviados dessa forma" in text(saved)
    with client.application.test_request_context():
        url = unsubscribe_url(student, "alerts")
    asked = text(client.get(url))
    assert "Deixar de receber estes e-mails?" in asked
    assert "«Novas oportunidades que correspondem aos seus interesses»" in asked
    done = text(client.post(url))
    assert "A subscrição foi cancelada" in done and "You are unsubscribed" not in done


def test_the_admins_pages_in_french(auth, client, users):
    admin = users.create("admin", locale="fr")
    users.create("coordinator", email="grace@example.org")
    auth.login_as(admin)
    page = text(client.get("/admin/users"))
    assert "Rechercher par nom ou adresse e-mail" in page and "Administrateur" in page
    assert "2 utilisateurs" in page or "3 utilisateurs" in page
    assert "Search by name" not in page and "Role of" not in page
    nobody = text(client.get("/admin/users?q=zzz"))
    assert f"Aucun utilisateur ne correspond à «{NBSP}zzz{NBSP}»." in nobody
    outbox = text(client.get("/admin/outbox"))
    assert "File d’envoi des e-mails" in outbox and "Aucun message abandonné." in outbox
    assert "Email outbox" not in outbox


def test_a_jobs_record_is_worded_in_the_readers_language(auth, client, users):
    coordinator = auth.login_as(users.create("coordinator", locale="es", name="Grace Kamau"))
    failed = BackgroundJob(
        kind="run_round",
        title="Run of East Africa 2027",
        parameters={"round_id": 1},
        dedupe_key="round:1",
        status="failed",
        attempts=2,
        error="It stopped on an unexpected error (RuntimeError: boom); the worker's log has the details.",
        progress_note="Stopped.",
        started_by_id=coordinator.id,
    )
    done = BackgroundJob(
        kind="run_round",
        title="Run of East Africa 2027",
        parameters={"round_id": 1},
        status="done",
        attempts=1,
        result_url="/coordination/runs/1",
        result_label="Run 1: see the proposed matches",
        progress_note="Finished.",
        started_by_id=coordinator.id,
    )
    db.session.add_all([failed, done])
    db.session.commit()
    page = text(client.get(f"/jobs/{failed.id}"))
    assert "Cálculo de la ronda East Africa 2027" in page and "Volver a la ronda" in page
    assert "fallida" in page and "después de 2 intentos; iniciada por Grace Kamau." in page
    assert "Se detuvo por un error inesperado (RuntimeError: boom)" in page and "Reintentar" in page
    assert "Run of" not in page and "unexpected error" not in page and "What went wrong" not in page
    page = text(client.get(f"/jobs/{done.id}"))
    assert "terminada" in page and "Cálculo 1: ver las propuestas de asignación" in page
    assert "see the proposed matches" not in page
    refused = text(client.post(f"/jobs/{done.id}/retry", follow_redirects=True))
    assert "Solo se puede reintentar una tarea fallida; esta está en estado “terminada”." in refused


def test_the_time_zone_list_names_places_in_the_readers_language(auth, client, users):
    auth.login_as(users.create("student", locale="fr"))
    page = client.get("/account").get_data(as_text=True)
    assert '<optgroup label="Afrique">' in page and '<optgroup label="Océan Indien">' in page
    assert '<option value="Africa/Addis_Ababa">Addis-Abeba</option>' in page
    assert '<option value="Africa/Algiers">Alger</option>' in page and ">Algiers<" not in page


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}])
def test_the_login_limit_is_stated_in_the_readers_language(client, users):
    users.create(email="target@example.org")
    in_language(client, "pt")
    for _ in range(2):
        client.post("/login", data={"email": "target@example.org", "password": "wrong guess!"})
    refused = client.post("/login", data={"email": "target@example.org", "password": users.PASSWORD})
    assert refused.status_code == 429
    page = text(refused)
    assert "2 por minuto" in page and "per 1 minute" not in page and "per minute" not in page


@pytest.mark.parametrize(
    ("code", "words"), [("en", "10 per 2 hours"), ("fr", "10 toutes les 2 heures"), ("es", "10 cada 2 horas")]
)
def test_limits_are_worded_with_their_period(app, code, words):
    with app.test_request_context(headers={"Cookie": f"{COOKIE}={code}"}):
        refresh()
        assert limit_words(parse("10 per 2 hours")) == words
