"""Further reading: the links coordinators keep on the home page, in their order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.models import ReadingLink, User
from matcher.services.errors import DomainError, NotFound, PermissionDenied
from matcher.services.permissions import is_staff
from matcher.translate import gettext as _

MAX_TITLE = 200
MAX_URL = 500
MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class LinkData:
    title: str
    url: str
    description: str = ""


def links(session: Session) -> list[ReadingLink]:
    """Every link, in the coordinators' order."""
    return list(session.scalars(select(ReadingLink).order_by(ReadingLink.position, ReadingLink.id)))


_SHOWN = select(ReadingLink.title, ReadingLink.url, ReadingLink.description).order_by(
    ReadingLink.position, ReadingLink.id
)


def shown(session: Session) -> list[Any]:
    """What the home page shows of every link (rows of title, url, description), in order."""
    return list(session.execute(_SHOWN))


def _require_staff(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only coordinators can edit the further reading."))


def _clean(data: LinkData) -> LinkData:
    title, url = " ".join(data.title.split()), data.url.strip()
    description = " ".join((data.description or "").split())
    if not title:
        raise DomainError(_("Give the link a title."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("Keep the title under %(num)d characters.", num=MAX_TITLE), field="title")
    parts = urlsplit(url)
    # Only web addresses: a javascript: or data: link on the home page would run in visitors' browsers.
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise DomainError(_("Enter a web address starting with https:// or http://."), field="url")
    if len(url) > MAX_URL:
        raise DomainError(_("Keep the address under %(num)d characters.", num=MAX_URL), field="url")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            _("Keep the description to one line of %(num)d characters.", num=MAX_DESCRIPTION),
            field="description",
        )
    return LinkData(title, url, description)


def _get(session: Session, link_id: int) -> ReadingLink:
    link = session.get(ReadingLink, link_id)
    if link is None:
        raise NotFound(_("There is no such link."))
    return link


def add(session: Session, actor: User, data: LinkData) -> ReadingLink:
    """A new link, at the end of the list."""
    _require_staff(actor)
    data = _clean(data)
    last = session.scalar(select(func.max(ReadingLink.position))) or 0
    link = ReadingLink(
        title=data.title, url=data.url, description=data.description or None, position=last + 1
    )
    session.add(link)
    session.flush()
    return link


def update(session: Session, actor: User, link_id: int, data: LinkData) -> ReadingLink:
    _require_staff(actor)
    link = _get(session, link_id)
    data = _clean(data)
    link.title, link.url, link.description = data.title, data.url, data.description or None
    return link


def delete(session: Session, actor: User, link_id: int) -> str:
    """Removes the link; returns its title for the confirmation."""
    _require_staff(actor)
    link = _get(session, link_id)
    session.delete(link)
    return link.title


def move(session: Session, actor: User, link_id: int, direction: str) -> None:
    """Swaps the link with its neighbour above or below; at either end nothing moves."""
    _require_staff(actor)
    ordered = links(session)
    index = next((i for i, link in enumerate(ordered) if link.id == link_id), None)
    if index is None:
        raise NotFound(_("There is no such link."))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    # Renumber the whole list: positions stay 1, 2, 3... even after deletions.
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, link in enumerate(ordered, 1):
        link.position = position
