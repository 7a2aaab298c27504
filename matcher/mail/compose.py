"""Write an email: render templates/email/<name>.txt and .html into the values of an outbox row.

`compose_email` writes one person's email. `compose_emails` writes the same email to many people
(a publication's offers for one opportunity): the templates are rendered once, with holes where
each person's name and unsubscribe link go, and the holes are filled for each person; every
email reads exactly as if it had been rendered for that person alone. That holds while the
templates use `recipient_name` and `unsubscribe_url` only as `{{ recipient_name }}`,
`{{ unsubscribe_url }}` and `{% if unsubscribe_url %}` (or pass them as plain values of a trans
block): the first use of a template in a process is checked against a true rendering, and falls
back to rendering each email if they differ.

Every email is written in its recipient's language (`recipient_locale`): the subject, the digest
line and both bodies are worded inside `flask_babel.force_locale`, so callers pass the subject
and digest line as lazy strings (`lazy_gettext("You applied to %(title)s", title=...)`, a
`LazyString` for a date), worded only here. `compose_emails` renders once per language.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, get_locale
from jinja2 import Template
from markupsafe import escape
from sqlalchemy.orm import Session

from matcher.i18n import DEFAULT, LANGUAGES
from matcher.mail.preferences import (
    frequencies_for,
    frequency_for,
    unsubscribe_serializer,
    unsubscribe_token,
    unsubscribe_url,
)
from matcher.models import User
from matcher.models.notification import ESSENTIAL, UNSUBSCRIBE_INSTEAD, DigestItem, Frequency
from matcher.translate import gettext as _

log = logging.getLogger("matcher.mail")

# Strings no template or shared value (a title, a date) holds: requests holding a NUL are refused.
# A person's own name or link may hold anything: it is put in after the rendering is split.
NAME_HOLE = "\x00recipient_name\x00"
LINK_HOLE = "\x00unsubscribe_url\x00"
HOLES = re.compile(f"({NAME_HOLE}|{LINK_HOLE})")
# Whitespace other than the no-break spaces (U+00A0, U+202F) typography needs.
_RUNS_OF_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def one_line(value: str) -> str:
    """A header value on one line: each run of whitespace, line breaks included, becomes one space.

    A line break would end the header early (header injection). Services refuse line breaks in
    names and titles, but rows saved before they did may hold one: fold it rather than fail the
    request that sends the email. No-break spaces stay: French puts one before a colon.
    """
    return _RUNS_OF_SPACE.sub(" ", value).strip()


def new_message_id() -> str:
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def recipient_locale(to: User | tuple[str, str], locale: str | None = None) -> str:
    """The language an email is written in.

    A user's email follows their own setting (users.locale), else English, whoever caused it. An
    address with no account yet (an invitation) is written in `locale` when the caller knows the
    language (an account's new address: its owner's), else in the language of the request that
    caused it, else English (the worker and the CLI have no request).
    """
    if isinstance(to, User):
        chosen = to.locale
    elif locale is not None:
        chosen = locale
    else:
        chosen = str(get_locale() or DEFAULT) if has_request_context() else DEFAULT
    return chosen if chosen in LANGUAGES else DEFAULT


def text_footer(unsubscribe: str | None, other: bool = False) -> str:
    """The text part's unsubscribe footer, in the language being written."""
    if not unsubscribe:
        return ""
    if other:
        line = _(
            "Emails like this one are always sent. To stop other emails about matches and placements, "
            "open: %(link)s",
            link=unsubscribe,
        )
    else:
        line = _("To stop emails like this one, open: %(link)s", link=unsubscribe)
    return f"\n\n--\n{line}\n"


def _unsubscribe_category(category: str) -> str | None:
    """The optional category an email's unsubscribe link turns off: its own, or for essential mail
    (offers, outcome letters) the optional category some of them carry instead; else None."""
    return UNSUBSCRIBE_INSTEAD.get(category) if category in ESSENTIAL else category


def _row(
    template: str, category: str, user_id: int | None, address: str, name: str, subject: str, **bodies: Any
) -> dict[str, Any]:
    return {
        "message_id": new_message_id(),
        "category": category,
        "template": template,
        "user_id": user_id,
        "to_address": one_line(address),
        "to_name": one_line(name),
        "subject": one_line(subject),
        **bodies,
    }


def _digest_or_nothing(
    session: Session,
    person: User,
    category: str,
    frequency: Frequency,
    line: str,
    context: Mapping[str, Any],
) -> bool:
    """True when this person gets no email of this category now: a digest line is staged instead
    (for a daily or weekly choice), or nothing at all (off)."""
    if frequency in (Frequency.DAILY, Frequency.WEEKLY):
        session.add(
            DigestItem(user_id=person.id, category=category, text=one_line(line), link=context.get("link"))
        )
    return frequency != Frequency.IMMEDIATE


def compose_email(
    session: Session,
    *,
    to: User | tuple[str, str],
    template: str,
    subject: str,
    category: str,
    context: dict[str, Any] | None = None,
    digest_line: str | None = None,
    frequency: Frequency | None = None,
    locale: str | None = None,
) -> dict[str, Any] | None:
    """The outbox row's values for one email (see outbox.queue_email), or None when the person
    chose a digest for this category (its line is staged instead) or turned it off.

    Written in `recipient_locale(to, locale)`; `subject` and `digest_line` may be lazy strings.
    """
    with force_locale(recipient_locale(to, locale)):
        return _compose_one(session, to, template, subject, category, context or {}, digest_line, frequency)


def _compose_one(
    session: Session,
    to: User | tuple[str, str],
    template: str,
    subject: str,
    category: str,
    context: dict[str, Any],
    digest_line: str | None,
    frequency: Frequency | None,
) -> dict[str, Any] | None:
    subject = str(subject)  # worded now, in the recipient's language (never a lazy string in HTML)
    if isinstance(to, User):
        user_id, address, name = to.id, to.email, to.name
        frequency = frequency or frequency_for(session, to, category)
        line = str(digest_line) if digest_line else subject
        if _digest_or_nothing(session, to, category, frequency, line, context):
            return None
    else:
        user_id, (address, name) = None, to
    ctx = {"recipient_name": name, "subject": subject, **context}
    optional = _unsubscribe_category(category)
    unsubscribe = unsubscribe_url(to, optional) if isinstance(to, User) and optional else None
    if unsubscribe:
        ctx["unsubscribe_url"] = unsubscribe
        ctx["unsubscribe_other"] = optional != category
    return _row(
        template,
        category,
        user_id,
        address,
        name,
        subject,
        body_text=render_template(f"email/{template}.txt", **ctx)
        + text_footer(unsubscribe, optional != category),
        body_html=render_template(f"email/{template}.html", **ctx),
        unsubscribe_url=unsubscribe,
    )


class Stencil:
    """A body rendered once with holes for the person's name and unsubscribe link."""

    def __init__(self, rendered: str, html: bool) -> None:
        self.parts = HOLES.split(rendered)
        self.html = html

    def fill(self, name: str, link: str | None) -> str:
        if self.html:  # as autoescaping would have written them
            name, link = str(escape(name)), (str(escape(link)) if link else link)
        values = {NAME_HOLE: name, LINK_HOLE: link or ""}
        return "".join([values.get(part, part) for part in self.parts])


# The templates (jinja objects, so an edited and reloaded template is checked again) whose
# stencils were checked against a true rendering in this process, per language, and whether
# they matched.
_checked: dict[tuple[str, str], tuple[Template, Template, bool]] = {}


def compose_emails(
    session: Session,
    *,
    people: Sequence[User],
    template: str,
    subject: str,
    category: str,
    context: dict[str, Any],
    frequencies: Mapping[int, Frequency] | None = None,
) -> list[dict[str, Any]]:
    """The same email to each of `people`, as outbox rows' values: `compose_email` for each of
    them, with the templates rendered once per language (see the module's docstring)."""
    if frequencies is None:
        found = frequencies_for(session, {(p.id, category) for p in people})
        frequencies = {p.id: found.get((p.id, str(category)), Frequency.IMMEDIATE) for p in people}
    languages: dict[str, list[User]] = {}
    for person in people:
        languages.setdefault(recipient_locale(person), []).append(person)
    rows: list[dict[str, Any]] = []
    for code, speakers in languages.items():
        with force_locale(code):
            rows += _compose_same(session, code, speakers, template, subject, category, context, frequencies)
    return rows


def _compose_same(
    session: Session,
    code: str,
    people: Sequence[User],
    template: str,
    subject: str,
    category: str,
    context: dict[str, Any],
    frequencies: Mapping[int, Frequency],
) -> list[dict[str, Any]]:
    """`compose_emails` for people who read the same language, inside its force_locale."""
    worded = str(subject)
    people = [
        p for p in people if not _digest_or_nothing(session, p, category, frequencies[p.id], worded, context)
    ]
    if not people:
        return []
    optional = _unsubscribe_category(category)
    links = _unsubscribe_urls(people, optional) if optional else {}
    ctx = {"recipient_name": NAME_HOLE, "subject": worded, **context}
    if optional:
        ctx.update(unsubscribe_url=LINK_HOLE, unsubscribe_other=optional != category)
    app = current_app
    app.update_template_context(ctx)  # what render_template adds: request, g, context processors
    text_template = app.jinja_env.get_template(f"email/{template}.txt")
    html_template = app.jinja_env.get_template(f"email/{template}.html")
    text = Stencil(
        text_template.render(ctx) + text_footer(LINK_HOLE if optional else None, optional != category), False
    )
    html = Stencil(html_template.render(ctx), True)
    rows = [
        _row(
            template,
            category,
            person.id,
            person.email,
            person.name,
            worded,
            body_text=text.fill(person.name, links.get(person.id)),
            body_html=html.fill(person.name, links.get(person.id)),
            unsubscribe_url=links.get(person.id),
        )
        for person in people
    ]
    if not _stencils_match(
        session,
        (template, code),
        (text_template, html_template),
        people[0],
        rows[0],
        subject,
        category,
        context,
    ):
        return [
            compose_email(
                session,
                to=p,
                template=template,
                subject=subject,
                category=category,
                context=context,
                frequency=Frequency.IMMEDIATE,
            )
            for p in people
        ]
    return rows


def _stencils_match(
    session: Session,
    key: tuple[str, str],
    templates: tuple[Template, Template],
    person: User,
    row: dict[str, Any],
    subject: str,
    category: str,
    context: dict[str, Any],
) -> bool:
    checked = _checked.get(key)
    if checked and checked[0] is templates[0] and checked[1] is templates[1]:
        return checked[2]
    true = compose_email(
        session,
        to=person,
        template=key[0],
        subject=subject,
        category=category,
        context=context,
        frequency=Frequency.IMMEDIATE,
    )
    same = true is not None and all(
        true[field] == row[field] for field in ("body_text", "body_html", "unsubscribe_url")
    )
    if not same:
        log.warning(
            "email/%s uses the name or the unsubscribe link in a way stencils cannot fill (%s)",
            key[0],
            key[1],
        )
    _checked[key] = (*templates, same)
    return same


def _unsubscribe_urls(people: Sequence[User], category: str) -> dict[int, str]:
    """`unsubscribe_url` for each person, with the route's URL built once."""
    placeholder = "PLACEHOLDER"  # tokens are URL-safe: url_for would leave them as they are
    pattern = url_for("notifications.unsubscribe", token=placeholder, _external=True)
    prefix, _, suffix = pattern.rpartition(placeholder)
    serializer = unsubscribe_serializer()
    return {
        person.id: f"{prefix}{unsubscribe_token(person, category, serializer)}{suffix}" for person in people
    }
