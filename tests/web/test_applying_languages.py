"""Applying, placements and profiles in French, Portuguese and Spanish: pages, refusals and flashes
come in the reader's language, with nothing left in English."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from matcher.extensions import db

TODAY = date.today()


def _text(response) -> str:
    """The words of the page's main part, as a reader sees them (tags gone, spaces collapsed)."""
    page = response.get_data(as_text=True)
    main = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
    body = main.group(1) if main else page
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    # No-break spaces (French typography) read as spaces here.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#39;", "'")


def _reader(auth, users, role: str, locale: str):
    user = auth.login(role, locale=locale)
    if role in ("student", "trainee"):
        users.profile(user)
    return user


@pytest.mark.parametrize(
    ("locale", "heading", "status", "apply_note"),
    [
        ("fr", "Mes candidatures", "Envoyée", "Postulez à 10 opportunités au maximum"),
        ("pt", "As minhas candidaturas", "Enviada", "Candidate-se a até 10 oportunidades"),
        ("es", "Mis solicitudes", "Enviada", "Presente hasta 10 solicitudes"),
    ],
)
def test_my_applications_read_in_the_applicants_language(
    auth, client, users, locale, heading, status, apply_note
):
    student = _reader(auth, users, "student", locale)
    users.application(student, users.opportunity(title="Muhimbili elective"))
    text = _text(client.get("/applications"))
    assert heading in text and status in text and apply_note in text
    assert "Muhimbili elective" in text  # content stays as its author wrote it
    for english in ("My applications", "Submitted", "Apply to up to", "Move up", "Withdraw", "Deadline"):
        assert english not in text, english


def test_the_apply_box_and_applying_speak_french(auth, client, users):
    student = _reader(auth, users, "student", "fr")
    opportunity = users.opportunity(title="Dar es Salaam elective")
    page = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "Vous avez 0 candidature sur 10." in page and "Motivation (facultatif)" in page
    response = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": "Pour apprendre."})
    assert response.status_code == 302
    listed = client.get("/applications").get_data(as_text=True)
    assert (
        "Vous avez postulé à «\u00a0Dar es Salaam elective\u00a0». C’est le choix n°\u00a01 de votre liste."
        in listed
    )
    again = _text(client.get(f"/opportunities/{opportunity.id}"))
    assert "Vous avez classé cette opportunité en choix n° 1 sur votre 1 candidature." in again
    assert "You ranked" not in again and "Change your order" not in again
    assert student.locale == "fr"


def test_a_refusal_comes_back_in_portuguese(auth, client, users):
    _reader(auth, users, "student", "pt")
    opportunity = users.opportunity(deadline=TODAY - timedelta(days=1), starts_on=TODAY + timedelta(days=30))
    response = client.post(f"/opportunities/{opportunity.id}/apply", data={"motivation": ""})
    text = _text(response)
    assert response.status_code == 422
    assert "O prazo das candidaturas era" in text and "de 20" in text  # "3 de março de 2027"
    assert "The deadline" not in text and "Apply" not in text


def test_the_profile_pages_read_in_spanish(auth, client, users):
    _reader(auth, users, "student", "es")
    mine = _text(client.get("/profile"))
    for spanish in (
        "Mi perfil",
        "100% completo",
        "listo para la asignación",
        "Nivel de formación",
        "(profesional)",
        "Sus datos",
        "Eliminar mi cuenta",
    ):
        assert spanish in mine, spanish
    edit = _text(client.get("/profile/edit"))
    for spanish in (
        "Editar mi perfil",
        "Adónde le gustaría ir",
        "Períodos en los que podría viajar",
        "Idiomas que habla",
        "Guardar mi perfil",
        "Elija un país",
    ):
        assert spanish in edit, spanish
    for english in (
        "ready for matching",
        "Training level",
        "Edit my profile",
        "Where you would like to go",
        "Languages you speak",
        "Save my profile",
        "Choose a country",
        "Professional",
    ):
        assert english not in mine + edit, english


def test_profile_errors_come_in_french_at_the_field_and_in_the_summary(auth, client, users):
    _reader(auth, users, "student", "fr")
    start = TODAY + timedelta(days=60)
    response = client.post(
        "/profile/edit",
        data={
            "availability-0-starts_on": (start + timedelta(days=5)).isoformat(),
            "availability-0-ends_on": start.isoformat(),
            "statement": "x" * 2001,
        },
    )
    text = _text(response)
    assert response.status_code == 422
    assert "La période 1 se termine avant de commencer." in text
    assert "2000 caractères au maximum." in text
    assert "ends before it starts" not in text and "At most" not in text


def test_placements_and_feedback_read_in_french(auth, client, users):
    student = _reader(auth, users, "student", "fr")
    offered = users.opportunity(title="Offered elective", needs_visa=True)
    users.match(student, offered, "published", response_deadline=TODAY + timedelta(days=7))
    done = users.opportunity(title="Done elective", starts_on=TODAY - timedelta(days=40), deadline=None)
    match = users.match(student, done, "completed")
    text = _text(client.get("/placements"))
    for french in (
        "Mes affectations",
        "Répondez avant le",
        "Avant d’accepter, vérifiez que vous pouvez obtenir un visa.",
        "Accepter la place",
        "Refuser",
        "Note (de 1 à 5)",
        "Vos affectations dans votre agenda",
    ):
        assert french in text, french
    for english in ("Reply by", "Accept the place", "Decline", "Rating", "calendar", "a visa"):
        assert english not in text, english
    response = client.post(f"/placements/{match.id}/feedback", data={"rating": "", "feedback": "Super."})
    assert response.status_code == 422
    assert "Donnez une note de 1 à 5." in _text(response)


def test_a_hosts_pages_read_in_portuguese(auth, client, users):
    host = auth.login("org_member", locale="pt")
    organisation = host.memberships[0].organisation
    opportunity = users.opportunity(organisation, title="Maputo elective", capacity=2)
    applicant = users.create(role="student", name="Amina")
    users.profile(applicant)
    users.application(applicant, opportunity)
    applicants = _text(client.get(f"/opportunities/{opportunity.id}/applicants"))
    for portuguese in (
        "Candidatos a Maputo elective",
        "1 candidatura para 2 vagas (2 disponíveis)",
        "A sua ordem",
        "Guardar a sua ordem",
        "completo",
    ):
        assert portuguese in applicants, portuguese
    placements = _text(client.get(f"/opportunities/{opportunity.id}/placements"))
    assert "Colocações" in placements and "0 de 2 vagas ocupadas." in placements
    dashboard = _text(client.get("/dashboard"))
    assert "Candidaturas às suas oportunidades" in dashboard and "1 candidatura" in dashboard
    for english in ("Applicants for", "Save your order", "places held", "Applications to your opportunities"):
        assert english not in applicants + placements + dashboard, english


def test_an_english_reader_still_reads_english(auth, client, users):
    student = _reader(auth, users, "student", "en")
    users.application(student, users.opportunity(title="Muhimbili elective"))
    text = _text(client.get("/applications"))
    assert "My applications" in text and "Submitted" in text and "Mes candidatures" not in text
    db.session.refresh(student)
    assert student.locale == "en"
