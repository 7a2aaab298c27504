"""The teams' emails through a real SMTP server, each in its recipient's language: the offer and
the roster are essential (sent even to someone who turned matching emails off)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.delivery import deliver_due
from matcher.models import NotificationPreference, Team
from matcher.models.notification import Category, Frequency
from matcher.models.teams import HOLDING
from matcher.services.teams import builds, decisions
from tests.support.jobs import run_queued_jobs
from tests.support.teams import build_scene


@pytest.fixture
def app_config(smtp_sink):
    return smtp_sink.config()


def test_a_french_speaking_member_gets_the_offer_and_the_roster_in_french_even_with_emails_off(
    app, users, smtp_sink
):
    scene = build_scene(db.session, users, date.today())
    march = scene.visits[0]
    window = [(date(scene.year, 2, 15), date(scene.year, 3, 31))]
    pia = scene.volunteer("Pia Physician", "ir-physician", {"pph-embolisation": "teach"}, windows=window)
    pia.locale = "fr"
    scene.volunteer("Tia Trainee", "ir-trainee", windows=window)
    for category in (Category.MATCHING, Category.OFFERS):
        db.session.add(NotificationPreference(user_id=pia.id, category=category, frequency=Frequency.OFF))
    db.session.commit()
    build = builds.create_build(db.session, scene.coordinator, "Spring", [march.id])
    builds.start_run(db.session, scene.coordinator, build)
    db.session.commit()
    run_queued_jobs(app)
    team = db.session.scalar(select(Team).where(Team.visit_id == march.id))
    assert {m.user_id for m in team.members if m.status in HOLDING} >= {pia.id}
    decisions.approve(db.session, scene.coordinator, team)
    decisions.confirm(db.session, scene.host, team, date.today())
    db.session.commit()
    deliver_due(db.session)
    offer = next(m for m in smtp_sink.received if pia.email in m.rcpt_tos)
    assert offer.message["Subject"].startswith("Une place vous est offerte dans une équipe d’enseignement")
    text = offer.text
    assert (
        "Bonjour Pia Physician," in text
        and "Contact sur place\u00a0: Hana Host hana.host@example.org" in text
    )
    assert "- Tia Trainee, Interne ou fellow en radiologie interventionnelle" in text
    assert "Les e-mails comme celui-ci sont toujours envoyés." in text  # essential: sent with emails off
    assert "Hello Pia" not in text and "Accept or decline" not in text
    member = next(m for m in team.members if m.user_id == pia.id)
    decisions.respond(db.session, pia, member.id, True, date.today())
    db.session.commit()
    deliver_due(db.session)
    roster = next(
        m for m in smtp_sink.received if pia.email in m.rcpt_tos and "Votre équipe" in m.message["Subject"]
    )
    assert "Tia Trainee" in roster.text and "Muhimbili National Hospital" in roster.text
    assert "Hello Pia" not in roster.text and "/placements/calendar/" in roster.text
