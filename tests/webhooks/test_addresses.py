"""Which webhook addresses are accepted: https to public addresses only (no SSRF)."""

from __future__ import annotations

import socket

import pytest

from matcher.services.errors import DomainError
from matcher.services.webhooks.addresses import check_url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not an address",
        "ftp://example.org/hook",
        "http://93.184.216.34/hook",  # public, but not encrypted
        "https://user:secret@93.184.216.34/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://93.184.216.34:99999/hook",
    ],
)
def test_refused_addresses_say_why_at_the_url_field(url):
    with pytest.raises(DomainError) as refused:
        check_url(url, allow_loopback=False)
    assert refused.value.field == "url" and refused.value.message


def test_a_public_https_address_is_accepted():
    assert (
        check_url(" https://93.184.216.34/hooks?x=1 ", allow_loopback=False)
        == "https://93.184.216.34/hooks?x=1"
    )


def test_a_name_resolving_into_a_private_network_is_refused(monkeypatch):
    def resolves_privately(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves_privately)
    with pytest.raises(DomainError, match="private network"):
        check_url("https://partner.example/hook", allow_loopback=False)


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def unknown(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    with pytest.raises(DomainError, match="could not find"):
        check_url("https://nowhere.example/hook", allow_loopback=False)


def test_loopback_over_http_only_when_allowed():
    assert check_url("http://127.0.0.1:8765/hook", allow_loopback=True) == "http://127.0.0.1:8765/hook"
    assert check_url("http://localhost:8765/hook", allow_loopback=True) == "http://localhost:8765/hook"
    with pytest.raises(DomainError):
        check_url("http://127.0.0.1:8765/hook", allow_loopback=False)
    with pytest.raises(DomainError):
        check_url("http://10.0.0.1/hook", allow_loopback=True)
