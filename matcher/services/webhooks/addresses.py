"""Which URLs may receive webhooks: https to a public address, so that nobody can make our worker
call into our own network (SSRF). Checked at registration and again before each try, since a
name's address may change after it was registered."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from matcher.services.errors import DomainError
from matcher.translate import gettext as _

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not address.is_multicast


def check_url(url: str, *, allow_loopback: bool) -> str:
    """The URL, stripped, or a DomainError on the "url" field saying what is wrong with it."""
    return resolve(url, allow_loopback=allow_loopback)[0]


def resolve(url: str, *, allow_loopback: bool) -> tuple[str, str]:
    """The URL, stripped, and the address to connect to (checked: the worker connects to this one,
    not to whatever the name resolves to a moment later), or a DomainError on the "url" field."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError(_("Enter a full web address, starting with https://."), field="url") from None
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        raise DomainError(_("Enter a full web address, starting with https://."), field="url")
    if parts.username or parts.password:
        raise DomainError(_("Leave the user name and password out of the address."), field="url")
    loopback = allow_loopback and host in LOOPBACK_NAMES
    if parts.scheme != "https" and not loopback:
        raise DomainError(
            _("The address must start with https://, so deliveries are encrypted."), field="url"
        )
    if loopback:
        return url, host.strip("[]")
    found = _addresses(host, port or 443)
    if not found:
        raise DomainError(_("We could not find this address's server. Check the spelling."), field="url")
    if not all(_public(address) for address in found):
        raise DomainError(
            _("This address points into a private network. Use a public address on the internet."),
            field="url",
        )
    return url, str(found[0])
