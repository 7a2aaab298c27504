"""The same email to many people, rendered once: each reads as if it had been written for them alone."""

import logging
from datetime import date
from types import SimpleNamespace

import jinja2
import pytest

from matcher.extensions import db
from matcher.mail import compose
from matcher.mail.compose import compose_email, compose_emails
from matcher.mail.preferences import set_frequency, unsubscribe_url
from matcher.models import DigestItem
from matcher.models.notification import Category

NAMES = ['Zoë "Z" <b>Ngata</b> & co', "Ann <admin@evil.example>", "O'Brien, Seán", "Amina"]
OPPORTUNITY = SimpleNamespace(
    title="IR elective <Muhimbili> & more",
    organisation=SimpleNamespace(name="Road2IR"),
    city="Dar es Salaam",
    starts_on=date(2027, 3, 1),
    ends_on=date(2027, 3, 28),
)


def offer(**changes):
    return {
        "template": "match_published",
        "category": Category.OFFERS,
        "subject": "You are offered a place: IR elective",
        "context": {
            "opportunity": OPPORTUNITY,
            "response_deadline": date(2027, 1, 15),
            "link": "http://matcher.test/placements",
        },
        **changes,
    }


def one_at_a_time(people, **email):
    return [compose_email(db.session, to=person, **email) for person in people]


def without_ids(rows):
    return [{k: v for k, v in row.items() if k != "message_id"} for row in rows]


@pytest.mark.parametrize("category", [Category.OFFERS, Category.MATCHING], ids=["essential", "optional"])
def test_emails_written_once_read_exactly_as_each_written_alone(app, users, category):
    people = [users.create(name=name) for name in NAMES]
    with app.test_request_context():
        together = compose_emails(db.session, people=people, **offer(category=category))
        alone = one_at_a_time(people, **offer(category=category))
    assert without_ids(together) == without_ids(alone)
    # Each has its own name, escaped in the HTML, and its own unsubscribe link, as meant.
    for person, row in zip(people, together, strict=True):
        assert f"Hello {person.name}," in row["body_text"]
        assert f"Hello {jinja2.utils.markupsafe.escape(person.name)}," in row["body_html"]
        with app.test_request_context():
            link = unsubscribe_url(person, Category.MATCHING)
        assert row["unsubscribe_url"] == link and link in row["body_text"]
        assert link.replace("&", "&amp;") in row["body_html"]
    assert len({row["message_id"] for row in together}) == len(people)


def test_the_templates_are_rendered_once_for_everyone(app, users, monkeypatch):
    people = [users.create() for _ in range(5)]
    with app.test_request_context():
        compose_emails(db.session, people=people[:1], **offer())  # the first use checks the stencil
        renders = []
        real = jinja2.Template.render
        monkeypatch.setattr(
            jinja2.Template, "render", lambda self, *a, **k: renders.append(self.name) or real(self, *a, **k)
        )
        rows = compose_emails(db.session, people=people, **offer())
    assert renders == ["email/match_published.txt", "email/match_published.html"]
    assert [row["to_address"] for row in rows] == [p.email for p in people]


def test_digest_and_off_choices_are_kept(app, users):
    immediate, daily, off = (users.create() for _ in range(3))
    set_frequency(db.session, daily, "matching", "daily")
    set_frequency(db.session, off, "matching", "off")
    with app.test_request_context():
        rows = compose_emails(db.session, people=[immediate, daily, off], **offer(category=Category.MATCHING))
    assert [row["user_id"] for row in rows] == [immediate.id]
    assert [(d.user_id, d.text) for d in db.session.scalars(db.select(DigestItem))] == [
        (daily.id, "You are offered a place: IR elective")
    ]


@pytest.mark.fresh_app  # swaps the template loader
def test_a_template_that_changes_the_name_is_rendered_for_each_person(app, users, monkeypatch, caplog):
    monkeypatch.setattr(compose, "_checked", {})
    shouting = {
        "email/shouting.txt": "HELLO {{ recipient_name|upper }}!",
        "email/shouting.html": "<p>{{ 'Dear' if recipient_name|length > 5 else 'Hi' }} {{ recipient_name }}",
    }
    app.jinja_env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(shouting), app.jinja_env.loader])
    people = [users.create(name=name) for name in ("Amina", "Grace Hopper")]
    email = {"template": "shouting", "category": Category.OFFERS, "subject": "Hi", "context": {}}
    with app.test_request_context(), caplog.at_level(logging.WARNING, logger="matcher.mail"):
        together = compose_emails(db.session, people=people, **email)
        alone = one_at_a_time(people, **email)
    assert without_ids(together) == without_ids(alone)
    assert [row["body_text"].split("\n")[0] for row in together] == ["HELLO AMINA!", "HELLO GRACE HOPPER!"]
    assert "email/shouting uses the name" in caplog.text
