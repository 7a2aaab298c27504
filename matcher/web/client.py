"""Who is asking: the client address used for rate limits and the audit log."""

from flask import request


def client_ip() -> str:
    """The peer address; put ProxyFix in front when behind a trusted proxy."""
    return request.remote_addr or "unknown"
