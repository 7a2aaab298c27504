"""Signing deliveries: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret, in hex.

`verify` is the check a receiver runs; the README shows the same few lines for partners to copy.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

ID_HEADER = "Matcher-Webhook-Id"
EVENT_HEADER = "Matcher-Webhook-Event"
TIMESTAMP_HEADER = "Matcher-Webhook-Timestamp"
SIGNATURE_HEADER = "Matcher-Webhook-Signature"
REPLAY_WINDOW_SECONDS = 5 * 60


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def headers(
    secret: str, event_id: str, event: str, body: str, timestamp: int | None = None
) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": "IR-Opportunity-Matcher-Webhooks/1",
        ID_HEADER: event_id,
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: signature(secret, stamp, body),
    }


def verify(secret: str, timestamp: str, body: str, received: str, now: float | None = None) -> bool:
    """True when the signature is ours and the timestamp within the replay window."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - stamp) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), received)
