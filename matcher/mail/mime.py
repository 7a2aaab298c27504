"""Our one shape of email as the bytes sent over SMTP: text and HTML as multipart/alternative.

Every outbox row has the same shape (a text part, an HTML part, a handful of headers), so the
bytes are written directly rather than through the `email` package's general object model and
header registry, which cost about 3 ms a message and bounded delivery at a few hundred a second.
The standard library still encodes what needs encoding: non-ASCII names and subjects as RFC 2047
encoded words (`email.header`), quoted display names (`email.utils.formataddr`), the date, and
base64 for a part whose lines are too long to be sent as they are. tests/email/test_mime.py
checks that a mail reader parses these bytes into the same email as Flask-Mail's `Message`.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from flask_mail import BadHeaderError

CRLF = "\r\n"
# RFC 5322: a line is at most 998 octets; RFC 5322 asks for 78 where headers can be folded.
MAX_LINE = 998
FOLD_AT = 78


@dataclass(frozen=True)
class Envelope:
    """What the SMTP conversation needs besides the message: the sender and the one recipient."""

    mail_from: str
    rcpt_to: str


def _has_line_break(*values: str | None) -> bool:
    return any(value and ("\n" in value or "\r" in value) for value in values)


def _ascii(value: str) -> bool:
    return value.isascii()


def wire_address(address: str) -> str:
    """An address as SMTP sends it: an internationalised domain in its ASCII (IDNA) form.

    A non-ASCII local part needs SMTPUTF8, which we do not use: it raises UnicodeError (a
    ValueError), so the row is marked dead as unsendable, as it was with Flask-Mail.
    """
    if _ascii(address):
        return address
    local, at, domain = address.rpartition("@")
    if not at or not _ascii(local):
        raise UnicodeError(f"the address {address!r} cannot be sent without SMTPUTF8")  # i18n: ignore
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def mailbox(name: str, address: str) -> str:
    """`Name <address>`, the name quoted where it holds specials and encoded where it is not ASCII."""
    if not name or _ascii(name):
        return formataddr((name, address))
    # One encoded word, however long: readers, Python's among them, put a space between the
    # encoded words of a display name folded into several (the names are at most 120 characters,
    # so the line stays far below 998).
    return f"{Header(name, 'utf-8').encode(maxlinelen=0)} <{address}>"


def unstructured(header_name: str, value: str) -> str:
    """A header's value folded at spaces near 78 columns (encoded words where it is not ASCII)."""
    if not _ascii(value):
        return Header(value, "utf-8", header_name=header_name).encode(linesep=CRLF)
    if len(header_name) + 2 + len(value) <= FOLD_AT:
        return value
    lines, line, width = [], [], len(header_name) + 2
    for word in value.split(" "):
        if line and width + 1 + len(word) > FOLD_AT:
            lines.append(" ".join(line))
            line, width = [], 1
        width += len(word) + (1 if line else 0)
        line.append(word)
    lines.append(" ".join(line))
    # Unfolding removes each CRLF and keeps the space after it: the value reads as it was.
    return (CRLF + " ").join(lines)


def _part(content_type: str, text: str) -> bytes:
    """One body part: 7bit or 8bit where every line fits, else base64 (which always fits)."""
    data = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", CRLF).encode("utf-8")
    if "\x00" not in text and max(map(len, data.split(b"\r\n"))) <= MAX_LINE:
        encoding = "7bit" if text.isascii() else "8bit"
        head = (
            f'Content-Type: {content_type}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
        )
        return head.encode("ascii") + data
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n").rstrip(b"\r\n")
    head = f'Content-Type: {content_type}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    return head.encode("ascii") + encoded


def _boundary(*parts: bytes) -> str:
    """A boundary found in neither part ('=' and '_' never start a base64 line, so only a
    text that happens to hold it could clash, and then another one is drawn)."""
    while True:
        boundary = f"=_{secrets.token_hex(12)}"
        marker = f"--{boundary}".encode("ascii")
        if not any(marker in part for part in parts):
            return boundary


def sender_of(configured: str | tuple[str, str]) -> tuple[str, str]:
    """MAIL_DEFAULT_SENDER (a "Name <address>" string or a pair) as the From header and envelope address."""
    name, address = parseaddr(configured) if isinstance(configured, str) else configured
    address = wire_address(address)
    return mailbox(name, address), address


def email_bytes(
    *,
    sender: tuple[str, str],
    to_name: str,
    to_address: str,
    subject: str,
    message_id: str,
    text: str,
    html: str,
    unsubscribe_url: str | None = None,
    date: str | None = None,
) -> tuple[Envelope, bytes]:
    """The envelope and the message bytes (CRLF line ends, ready for `smtplib.SMTP.sendmail`).

    Raises BadHeaderError for a line break in any header value (a header injection), and
    UnicodeError for an address that cannot be sent: both mean this row can never be sent.
    """
    if _has_line_break(to_name, to_address, subject, message_id, unsubscribe_url):
        raise BadHeaderError("a header value holds a line break")  # i18n: ignore
    from_header, mail_from = sender
    address = wire_address(to_address)
    headers = [
        f"From: {from_header}",
        f"To: {mailbox(to_name, address)}",
        f"Subject: {unstructured('Subject', subject)}",
        f"Date: {date or formatdate(localtime=True)}",
        f"Message-ID: {message_id}",
    ]
    if unsubscribe_url:
        # RFC 8058 one-click unsubscribe; the URL is ASCII (url_for quotes it).
        headers += [
            f"List-Unsubscribe: <{unsubscribe_url}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        ]
    text_part, html_part = _part("text/plain", text), _part("text/html", html)
    boundary = _boundary(text_part, html_part)
    headers += ["MIME-Version: 1.0", f'Content-Type: multipart/alternative; boundary="{boundary}"']
    marker = f"--{boundary}".encode("ascii")
    raw = b"".join(
        [
            CRLF.join(headers).encode("ascii"),
            b"\r\n\r\n",
            marker,
            b"\r\n",
            text_part,
            b"\r\n",
            marker,
            b"\r\n",
            html_part,
            b"\r\n",
            marker,
            b"--\r\n",
        ]
    )
    return Envelope(mail_from, address), raw
