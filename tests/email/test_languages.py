"""Every email in its recipient's language: their own setting, whoever caused the email."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matcher.extensions import db
from matcher.i18n import TRANSLATIONS
from matcher.mail.compose import compose_email
from matcher.mail.delivery import deliver_due
from matcher.mail.digests import send_digests
from matcher.mail.jobs import expand_jobs
from matcher.mail.matches import MatchLine, offer_to_applicant
from matcher.mail.people import tell_organisation
from matcher.models import MatchRound, MatchRun, OutboxJob, OutboxMessage, Role, User
from matcher.models.notification import Category, DigestItem, Frequency, NotificationPreference

REPLY_BY = date(2027, 3, 3)
NBSP = "\u00a0"


def offered(users, applicant, **fields):
    opportunity = users.opportunity(title="Maputo IR", city="Maputo", **fields)
    return users.match(applicant, opportunity, "published", response_deadline=REPLY_BY)


class TestThroughSmtp:
    @pytest.fixture
    def app_config(self, smtp_sink):
        return smtp_sink.config()

    def test_an_offer_to_a_portuguese_speaking_user_arrives_in_portuguese(self, app, users, smtp_sink):
        applicant = users.create(name="Amina Mushi", locale="pt")
        match = offered(users, applicant)
        with app.test_request_context(headers={"Accept-Language": "fr"}):  # whoever causes it
            offer_to_applicant(db.session, match)
        db.session.commit()

        assert deliver_due(db.session).sent == 1
        (received,) = smtp_sink.received
        assert received.message["Subject"] == "É-lhe oferecida uma vaga: Maputo IR"
        text, html = received.text, received.html
        assert "Olá, Amina Mushi," in text and "Aceite ou recuse até 3 de março de 2027:" in text
        assert "Os e-mails como este são sempre enviados." in text  # the footer too
        assert '<html lang="pt">' in html and "Aceitar ou recusar até 3 de março de 2027" in html
        assert "é-lhe oferecida uma vaga em <strong>Maputo IR</strong>" in html
        for english in ("Hello", "Accept or decline", "March", "Emails like this one"):
            assert english not in text and english not in html

    def test_signing_up_in_portuguese_keeps_the_language_for_the_emails(self, client, smtp_sink):
        client.get("/language/pt?next=/signup")  # the footer's switcher
        client.post(
            "/signup",
            data={
                "role": "student",
                "name": "Amina Mushi",
                "email": "amina@example.org",
                "password": "a long passphrase",
                "confirm": "a long passphrase",
            },
        )
        assert db.session.scalar(select(User.locale)) == "pt"
        assert deliver_due(db.session).sent == 1
        (received,) = smtp_sink.received
        assert received.message["Subject"] == "Confirme o seu endereço de e-mail"
        assert (
            "abrindo esta ligação:" in received.text and "Confirmar o meu endereço de e-mail" in received.html
        )


def test_a_bulk_publication_gives_each_recipient_their_language(app, users):
    host = users.create(Role.ORG_MEMBER, name="Host", locale="fr")
    opportunity = users.opportunity(host.memberships[0].organisation, title="Dakar IR", city="Dakar")
    run = MatchRun(
        round=MatchRound(name="Round A", mode="ranked", scope={}),
        number=1,
        algorithm_version="test",
        seed=1,
        inputs_hash="0" * 64,
    )
    people = [users.create(name="Awa", locale="fr"), users.create(name="Grace"), users.create(name="Ana")]
    people[2].locale = "es"
    for person in people:
        users.match(person, opportunity, "published", run=run, response_deadline=REPLY_BY)
    db.session.add(OutboxJob(kind="run_published", payload={"run_id": run.id}))
    db.session.commit()
    with app.test_request_context():
        expand_jobs(db.session)

    offers = {
        m.to_name: m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "match_published"))
    }
    assert offers["Awa"].subject == f"Une place vous est offerte{NBSP}: Dakar IR"
    assert "Bonjour Awa," in offers["Awa"].body_text and "avant le 3 mars 2027" in offers["Awa"].body_text
    assert '<html lang="fr">' in offers["Awa"].body_html
    assert offers["Grace"].subject == "You are offered a place: Dakar IR"
    assert "Hello Grace," in offers["Grace"].body_text and "by 3 March 2027" in offers["Grace"].body_text
    assert '<html lang="en">' in offers["Grace"].body_html
    assert offers["Ana"].subject == "Se le ofrece una plaza: Dakar IR"
    assert (
        "Hola, Ana:" in offers["Ana"].body_text and "antes del 3 de marzo de 2027" in offers["Ana"].body_text
    )
    news = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "match_published_host")
    ).one()
    assert news.subject == "3 propositions d’attribution pour Dakar IR"
    assert "3 propositions d’attribution ont été publiées pour votre opportunité" in news.body_text


def test_a_request_in_french_mails_an_english_speaking_user_in_english(client, auth, users):
    organisation = users.organisation(name="Hôpital Test", slug="hopital-test", verified=False)
    contact = users.create(role="org_member", organisation=organisation, locale="en")
    coordinator = auth.login("coordinator")
    coordinator.locale = "fr"
    db.session.commit()
    client.post(f"/coordination/organisations/{organisation.id}/verify")
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == contact.email)).one()
    assert mail.subject == "Hôpital Test is verified"
    assert "A coordinator has verified Hôpital Test." in mail.body_text and "Bonjour" not in mail.body_text


def test_an_invitation_to_an_address_with_no_account_goes_in_the_inviters_language(client, auth, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    auth.login("org_member", organisation=organisation, name="Inês", locale="pt")
    client.post("/organisations/road2ir/invite", data={"email": "colleague@example.org"})
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.subject == "Junte-se a Road2IR no IR Opportunity Matcher"
    assert mail.body_text.startswith("Olá,\n\nInês envia-lhe um convite para representar Road2IR")
    assert "Recebe este e-mail porque Inês introduziu o seu endereço." in mail.body_html


def test_a_digest_and_its_lines_are_written_in_the_readers_language(app, users):
    host = users.create(Role.ORG_MEMBER, name="Host", locale="fr")
    db.session.add(NotificationPreference(user_id=host.id, category=Category.ORGANISATION, frequency="daily"))
    db.session.commit()
    applicant = users.create(name="Amina")
    opportunity = users.opportunity(host.memberships[0].organisation, title="Dakar IR")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        tell_organisation(
            db.session,
            opportunity.organisation,
            template="application_received",
            subject=_l("New application: %(title)s", title=opportunity.title),
            context={"opportunity": opportunity, "applicant": applicant, "link": "http://x.test/"},
            digest_line=_l("%(applicant)s applied to %(title)s", applicant="Amina", title="Dakar IR"),
        )
        db.session.commit()
        assert db.session.scalar(select(DigestItem.text)) == "Amina a postulé à Dakar IR"
        assert send_digests(db.session, date(2027, 3, 3)) == 1
    digest = db.session.scalars(select(OutboxMessage)).one()
    assert digest.subject == "Votre résumé quotidien d’IR Opportunity Matcher"
    assert "Voici votre résumé quotidien." in digest.body_text
    assert "Votre organisation et les candidatures à ses opportunités\n- Amina a postulé à Dakar IR" in (
        digest.body_text
    )


# --- every template, in every language ------------------------------------------------------------

EMAIL_TEMPLATES = sorted(
    path.stem for path in (TRANSLATIONS.parent.parent / "templates" / "email").glob("[!_]*.txt")
)


def _english_sentences() -> list[str]:
    """The pieces of the emails' English msgids that no value fills (placeholders and tags cut out)."""
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        catalog = read_po(handle)
    pieces = set()
    for message in catalog:
        if not any(path.startswith("templates/email/") for path, _ in message.locations):
            continue
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            pieces.update(p.strip() for p in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid))
    return sorted(p for p in pieces if len(p) >= 12)


def _everything(users) -> dict:
    """One context that every email template can be rendered with."""
    opportunity = SimpleNamespace(
        title="Maputo IR",
        city="Maputo",
        host_institution="Hospital Central",
        organisation=SimpleNamespace(name="HCM"),
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 3, 29),
        deadline=date(2027, 1, 10),
        needs_visa=True,
        needs_temporary_licence=True,
        needs_indemnity=True,
        needs_immunisations=True,
        requirements="BLS",
        country=SimpleNamespace(iso2="MZ", name="Mozambique"),
    )
    person = users.create(name="Zawadi")
    member = SimpleNamespace(user=SimpleNamespace(name="Zawadi", email="z@example.org"))
    organisation = SimpleNamespace(name="HCM", memberships=[member], pending_name="HCM2")
    return {
        "opportunity": opportunity,
        "application": SimpleNamespace(rank=1),
        "applicant": person,
        "match": SimpleNamespace(status="declined", applicant=person, response_deadline=REPLY_BY),
        "response_deadline": REPLY_BY,
        "matches": [
            MatchLine(1, 1, "Maputo IR", None, REPLY_BY),
            MatchLine(2, 2, "Beira IR", "Zawadi", REPLY_BY),
        ],
        "links": [("Maputo IR", "http://x.test/1"), ("Beira IR", "http://x.test/2")],
        "from_waitlist": False,
        "organisations": [organisation],
        "claims": [SimpleNamespace(user=member.user, organisation=organisation)],
        "renames": [organisation],
        "organisation": organisation,
        "inviter": person,
        "reason": "BLS",
        "old": "HCM",
        "new": "HCM2",
        "approved": False,
        "letter": SimpleNamespace(choices=[]),
        "round": SimpleNamespace(name="R1"),
        "next_round": None,
        "open_places": [SimpleNamespace(opportunity=opportunity)],
        "closed": [opportunity],
        "run": SimpleNamespace(number=1, seed=2, counts={"applicants": 3, "unfilled_places": 1}),
        "sections": {Category.MATCHING: [SimpleNamespace(text="HCM", link=None)]},
        "frequency": "weekly",
        "days": 3,
        "new_email": "z@example.org",
        "link": "http://x.test/",
        "applications_link": "http://x.test/",
        "login_link": "http://x.test/",
        "reset_link": "http://x.test/",
        "settings_url": "http://x.test/",
        # Teaching: invitations to apply and teams.
        "visit": opportunity,
        "host_contact": ("Zawadi", "z@example.org"),
        "members": [SimpleNamespace(user=SimpleNamespace(name="Zawadi"), role="ir-nurse")],
        "member": SimpleNamespace(role="ir-nurse", reply_by=REPLY_BY),
        "professions": {},
        "calendar_link": "http://x.test/calendar",
        "covered": [],
        "missing": [],
        "proposed": [SimpleNamespace(name="Zawadi")],
        "teaching_request": SimpleNamespace(title="PPH"),
        "site": SimpleNamespace(name="Hospital Central", city="Maputo"),
        "sender": "Zawadi",
        "message": "Karibu",
        # Before departure: a checklist item's reminder, an item sent back, the acceptance's link.
        "item": SimpleNamespace(
            code="country:licence",
            title="Licence",
            due_on=REPLY_BY,
            details="Apply online.",
            note="Signed copy",
        ),
        "trip": SimpleNamespace(id=1, opportunity=opportunity, user=person, release_reason="Safe zone"),
        # Travel advisories: a rise that holds trips, a trip re-approved.
        "advisory": SimpleNamespace(
            country=opportunity.country,
            level=3,
            source="us-state",
            issued_on=REPLY_BY,
            summary="Reconsider travel",
            url="https://example.org/advice",
        ),
        "level": 3,
        "trips": [SimpleNamespace(user=person, opportunity=opportunity)],
        "opportunities": [opportunity],
        "traveller": person,
        "for_host": False,
        "to_verify": False,
        "overdue": False,
        "title": "BLS",
        "checklist_link": "http://x.test/trips/1",
        # Double-blind feedback after a visit (issue 22): a request, a release.
        "count": 2,
        "release_on": REPLY_BY,
        "visitor": person,
    }


@pytest.mark.parametrize("locale", ["fr", "pt", "es"])
def test_every_email_template_is_written_entirely_in_the_readers_language(app, users, locale):
    english = _english_sentences()
    assert "Each applicant accepts or declines by their reply date; you are told of each answer." in english
    with app.test_request_context():
        context = _everything(users)
        reader = users.create(name="Reader", locale=locale)
        for template in EMAIL_TEMPLATES:
            row = compose_email(
                db.session,
                to=reader,
                template=template,
                subject=_l("Your placements"),
                category=Category.MATCHING,
                context=context,
                frequency=Frequency.IMMEDIATE,
            )
            for body in (row["body_text"], row["body_html"]):
                left = [sentence for sentence in english if sentence in body]
                assert not left, f"{template} in {locale} still says {left}"
            assert f'<html lang="{locale}">' in row["body_html"]
            assert row["subject"] != "Your placements"
