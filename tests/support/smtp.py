"""A real SMTP server on loopback for tests, built on aiosmtpd."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage as Message
from functools import cached_property

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @cached_property
    def message(self) -> Message:
        """Parsed on first use: the server thread only stores bytes, so it stays fast."""
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    def _part(self, content_type: str) -> str:
        part = self.message.get_body(preferencelist=(content_type,))
        return part.get_content() if part is not None else ""

    @property
    def text(self) -> str:
        return self._part("plain")

    @property
    def html(self) -> str:
        return self._part("html")


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        # A scripted reply lets tests simulate temporary (4xx) or permanent (5xx) failures.
        with self.sink.lock:
            if self.sink.scripted_replies:
                return self.sink.scripted_replies.pop(0)
            self.sink.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content,
                )
            )
        return "250 Message accepted for delivery"


# aiosmtpd logs every SMTP command at INFO: noise in test output, and slow.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.scripted_replies: list[str] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen on the sink's port (again, after stop(): that is how tests simulate an outage)."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def config(self) -> dict[str, object]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5}
