"""What an organisation's embed shows on its own website, and which site may frame it.

The embed lists the organisation's published opportunities for a partner's page (an <iframe>).
Only a verified organisation has one, and only its verified website (an https origin) may frame
it: the origin goes into the response's `frame-ancestors`, so it must be a plain scheme, host and
port, never a value that could carry another directive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.models import Opportunity, Organisation
from matcher.models.teaching import RequestRole, TeachingRequest
from matcher.services.errors import NotFound
from matcher.services.search import public_opportunities
from matcher.translate import gettext as _

# A DNS name in ASCII (an internationalised name arrives here in its punycode form).
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)

_ORGANISATION = select(Organisation).where(
    Organisation.slug == bindparam("slug"), Organisation.verified_at.is_not(None)
)
_OPPORTUNITIES = (
    public_opportunities()
    .where(Opportunity.organisation_id == bindparam("organisation_id"))
    .options(
        joinedload(Opportunity.country),
        selectinload(Opportunity.teaching_request)
        .selectinload(TeachingRequest.roles)
        .joinedload(RequestRole.profession),
    )
    .order_by(Opportunity.starts_on, Opportunity.id)
)


@dataclass(frozen=True)
class Embed:
    organisation: Organisation
    opportunities: list[Opportunity]
    frame_origin: str | None  # the one origin allowed to frame the embed; None: no one


def website_origin(website: str | None) -> str | None:
    """The https origin of a website ("https://host" or "https://host:port"), or None when the
    address is not an https URL with a plain host name."""
    if not website:
        return None
    try:
        parts = urlsplit(website.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username or parts.password:
        return None
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not _HOST.match(host):
        return None
    return f"https://{host}" if port in (None, 443) else f"https://{host}:{port}"


def embed_of(session: Session, slug: str) -> Embed:
    """The verified organisation `slug`'s embed: its published opportunities by start date."""
    organisation = session.execute(_ORGANISATION, {"slug": slug}).scalar_one_or_none()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    opportunities = list(session.scalars(_OPPORTUNITIES, {"organisation_id": organisation.id}).unique())
    return Embed(organisation, opportunities, website_origin(organisation.website))
