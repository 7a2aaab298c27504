"""The Atom feed of newly published opportunities (RFC 4287), built with ElementTree."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

from flask import Response, request, url_for
from sqlalchemy.orm import Session

from matcher.services.listing import search_rows
from matcher.services.search_filters import OpportunityFilters

ATOM = "http://www.w3.org/2005/Atom"


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).replace(tzinfo=UTC, microsecond=0).isoformat()


def atom_feed(session: Session, filters: OpportunityFilters) -> Response:
    page = search_rows(session, replace(filters, sort="newest", page=1, per_page=50), date.today())
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(root, f"{{{ATOM}}}title").text = "IR Opportunity Matcher: new opportunities"
    ET.SubElement(root, f"{{{ATOM}}}id").text = request.url
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=request.url)
    ET.SubElement(
        root,
        f"{{{ATOM}}}link",
        rel="alternate",
        href=url_for("opportunities.index", _external=True, **filters.query_args()),
    )
    newest = max((o.published_at for o in page.items if o.published_at), default=None)
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _iso(newest)
    for opportunity in page.items:
        url = url_for("opportunities.show", opportunity_id=opportunity.id, _external=True)
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}title").text = opportunity.title
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(opportunity.updated_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _iso(
            opportunity.published_at or opportunity.created_at
        )
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = opportunity.organisation.name
        summary = (
            f"{opportunity.type_enum.label} at {opportunity.host_institution}, {opportunity.city}, "
            f"{opportunity.country.name}: "
            f"{opportunity.starts_on:%d %b %Y} to {opportunity.ends_on:%d %b %Y}. "
            f"{opportunity.places_left} of {opportunity.capacity} places left."
        )
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")
