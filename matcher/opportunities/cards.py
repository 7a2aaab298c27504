"""An opportunity's card in a listing, rendered once per content and kept per process.

A card shows nothing but the opportunity's own facts, the same to every reader of a language, so
it is a pure fragment: the HTML is kept under the values it shows, the reader's language (its
words, names and dates) and the app's script root (which its link starts with). A change to any
of them is a new key, so nothing has to be invalidated; the least recently shown cards make room
when more than CARDS_KEPT are kept (about 1 KB each). What differs per person (why they cannot be
matched) is added around it by `_card.html`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, render_template, request
from markupsafe import Markup

from matcher.extensions import db
from matcher.formatting import country_label, label_for, language, money
from matcher.opportunities import bp
from matcher.services import costs

CARDS_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    title: str
    type_label: str
    host_institution: str
    city: str
    country: str
    starts_on: date
    ends_on: date
    flexible: bool
    min_weeks: int | None
    organisation: str
    deadline: date | None
    places_left: int
    capacity: int
    interests: tuple[str, ...]
    written_in: str  # the language of its title (`lang` when it is not the reader's)
    reader: str  # the language the card is worded in
    cost: str  # "about US$650.00" (services.costs), or empty when nothing is known
    fee_waiver: bool
    travel_grant: bool


def card_of(opportunity: Any, lang: str | None = None) -> Card:
    """The card's values, from an Opportunity or a services.listing row, in `lang` (the reader's
    language, looked up once per listing by the callers)."""
    o = opportunity
    lang = lang or language()
    return Card(
        o.id,
        o.title,
        o.type_enum.label,
        o.host_institution,
        o.city,
        country_label(o.country, lang),
        o.starts_on,
        o.ends_on,
        o.flexible,
        o.min_weeks,
        o.organisation.name,
        o.deadline,
        o.places_left,
        o.capacity,
        tuple(label_for(interest, code=lang) for interest in o.interests[:3]),
        o.written_in,
        lang,
        _cost(o),
        o.fee_waiver,
        o.travel_grant,
    )


def _cost(opportunity: Any) -> str:
    estimate = costs.estimate(db.session, opportunity)
    return money(estimate.total, estimate.currency) if estimate.added else ""


def _render(card: Card, script_root: str, lang: str) -> Markup:
    """`lang` is the request's language, which render_template writes in: part of the key."""
    return Markup(render_template("opportunities/_card_body.html", c=card))  # noqa: S704 (autoescaped template)  # nosec B704


_kept = functools.lru_cache(maxsize=CARDS_KEPT)(_render)


def _renderer() -> tuple[Any, str, str]:
    """How cards are rendered in this request, its script root and its language (read once)."""
    render = _render if current_app.jinja_env.auto_reload else _kept
    return render, request.script_root, language()


@bp.app_template_global()
def opportunity_card(opportunity: Any) -> Markup:
    """The card's HTML; kept unless templates are reloaded when they change (development)."""
    render, script_root, lang = _renderer()
    return render(card_of(opportunity, lang), script_root, lang)


@bp.app_template_global()
def opportunity_cards(items: list[Any], eligibility: dict[int, Any] | None = None) -> Markup:
    """The `<li>` of each card; `_card.html` renders only those that tell someone why (not) them."""
    render, script_root, lang = _renderer()
    parts = []
    for o in items:
        check = eligibility.get(o.id) if eligibility else None
        if check and (check.failed or check.score):
            parts.append(render_template("opportunities/_card.html", o=o, eligibility_by_id=eligibility))
        else:
            body = render(card_of(o, lang), script_root, lang)
            parts.append(f'<li class="card opportunity">\n{body}\n</li>\n')
    return Markup("".join(parts))  # noqa: S704 (cards from autoescaped templates)  # nosec B704
