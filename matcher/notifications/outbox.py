"""Queue an email: render it and add an outbox row to the caller's transaction."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import current_app, g, render_template
from sqlalchemy.orm import Session

from matcher.models import OutboxMessage, User

_LINE_BREAK = re.compile(r"[\r\n]")


class HeaderInjectionError(ValueError):
    """A header value (subject, name, address) contains a line break."""


def _header_safe(value: str, what: str) -> str:
    if _LINE_BREAK.search(value):
        raise HeaderInjectionError(f"The {what} of an email cannot contain a line break.")
    return value


def new_message_id() -> str:
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_email(
    session: Session,
    *,
    to: User | tuple[str, str],
    template: str,
    subject: str,
    category: str,
    context: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Render templates/email/<template>.txt and .html and stage the message for delivery."""
    if isinstance(to, User):
        user_id, address, name = to.id, to.email, to.name
    else:
        user_id, (address, name) = None, to
    ctx = {"recipient_name": name, "subject": subject, **(context or {})}
    message = OutboxMessage(
        message_id=new_message_id(),
        category=category,
        template=template,
        user_id=user_id,
        to_address=_header_safe(address, "address"),
        to_name=_header_safe(name, "recipient name"),
        subject=_header_safe(subject, "subject"),
        body_text=render_template(f"email/{template}.txt", **ctx),
        body_html=render_template(f"email/{template}.html", **ctx),
    )
    session.add(message)
    # Lets `make run` deliver right after the request commits (see notifications.delivery).
    g.outbox_queued = True
    return message
