"""The Atom feed of newly published opportunities (RFC 4287), built with ElementTree.

Each entry is a pure fragment of the values it shows, so its XML is kept per process under them
(serialising 50 entries was most of the feed's cost); a changed value is a new key. The entries'
elements carry no namespace of their own: they inherit the feed's default namespace, Atom's.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from xml.etree import ElementTree as ET

from flask import Response, request, url_for
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.formatting import day, language
from matcher.services.listing import search_rows
from matcher.services.search_filters import OpportunityFilters
from matcher.translate import gettext as _
from matcher.translate import ngettext

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES_KEPT = 20_000


def _iso(moment: datetime | None) -> str:
    # An empty feed says it changed at the start of the day, not at each request: the same
    # answer then has the same bytes, and so the same ETag.
    moment = moment or datetime.combine(date.today(), time.min)
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat()


@functools.lru_cache(maxsize=ENTRIES_KEPT)
def _entry(url: str, title: str, updated: str, published: str, author: str, summary: str) -> str:
    entry = ET.Element("entry")
    ET.SubElement(entry, "id").text = url
    ET.SubElement(entry, "title").text = title
    ET.SubElement(entry, "link", rel="alternate", href=url)
    ET.SubElement(entry, "updated").text = updated
    ET.SubElement(entry, "published").text = published
    ET.SubElement(ET.SubElement(entry, "author"), "name").text = author
    ET.SubElement(entry, "summary").text = summary
    return ET.tostring(entry, encoding="unicode")


def atom_feed(session: Session, filters: OpportunityFilters, title: str | None = None) -> Response:
    newest = replace(filters, sort="newest", page=1, per_page=50)
    page = search_rows(session, newest, date.today(), with_total=False)  # a feed says no total
    head = []
    for tag, text, attributes in (
        ("title", title or _("IR Opportunity Matcher: new opportunities"), {}),
        ("id", request.url, {}),
        ("link", None, {"rel": "self", "href": request.url}),
        (
            "link",
            None,
            {
                "rel": "alternate",
                "href": url_for("opportunities.index", _external=True, **filters.query_args()),
            },
        ),
        ("updated", _iso(max((o.published_at for o in page.items if o.published_at), default=None)), {}),
    ):
        element = ET.Element(tag, attributes)
        element.text = text
        head.append(ET.tostring(element, encoding="unicode"))
    # Every entry's link is the same but for its id (an integer): built once, the id put in each.
    link = url_for("opportunities.show", opportunity_id=0, _external=True).removesuffix("0")
    entries = []
    for opportunity in page.items:
        o = opportunity
        summary = " ".join(
            (
                _(
                    "%(type)s at %(host)s, %(city)s, %(country)s: %(start)s to %(end)s.",
                    type=o.type_enum.label,
                    host=o.host_institution,
                    city=o.city,
                    country=o.country.name,
                    start=day(o.starts_on),
                    end=day(o.ends_on),
                ),
                ngettext(
                    "%(left)s of %(num)d place left.",
                    "%(left)s of %(num)d places left.",
                    o.capacity,
                    left=o.places_left,
                ),
            )
        )
        url = f"{link}{o.id}"
        entries.append(
            _entry(
                url,
                o.title,
                _iso(o.updated_at),
                _iso(o.published_at or o.created_at),
                o.organisation.name,
                summary,
            )
        )
    feed = f'<feed xmlns="{ATOM}" xml:lang="{language()}">{"".join(head)}{"".join(entries)}</feed>'
    body = "<?xml version='1.0' encoding='utf-8'?>\n" + feed
    response = Response(body.encode("utf-8"), mimetype="application/atom+xml")
    last_modified = _last_modified(page.items)
    if last_modified is not None:  # werkzeug would write None as the current time
        response.last_modified = last_modified
    return response


def _last_modified(items: list) -> datetime | None:
    """The newest <updated> of the entries (what a feed reader goes by); the ETag covers the rest.

    None while that second is not over: HTTP dates count whole seconds, so another change in the
    same second would carry the same date and a client sending only If-Modified-Since would miss it.
    """
    newest = max((o.updated_at for o in items), default=None)
    if newest is None or newest.replace(microsecond=0) + timedelta(seconds=1) > utcnow():
        return None
    return newest
