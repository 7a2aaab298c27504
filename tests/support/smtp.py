"""A real SMTP server on loopback for tests, built on aiosmtpd."""

from __future__ import annotations

import email
import email.policy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage as Message
from functools import cached_property

from aiosmtpd.controller import Controller

from tests.support.loopback import HOST, free_port


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
            hang_up = (
                self.sink.hang_up_after is not None and len(self.sink.received) >= self.sink.hang_up_after
            )
            if hang_up:
                self.sink.hang_up_after = None
            if not hang_up or self.sink.keep_the_one_in_flight:
                self.sink.received.append(
                    Received(
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        envelope.content,
                    )
                )
            self.sink.lock.notify_all()
        if hang_up:
            # The server dies with the message in flight: the client never hears the answer.
            server.transport.abort()
        return "250 Message accepted for delivery"


# aiosmtpd logs every SMTP command at INFO: noise in test output, and slow.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.scripted_replies: list[str] = []
        # Once this many messages are received, hang up on the next one instead of answering
        # (once), having kept it or not: a server that dies in the middle of a batch.
        self.hang_up_after: int | None = None
        self.keep_the_one_in_flight = False
        # Held while `received` changes, and notified at each delivery: see wait_for.
        self.lock = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen on the sink's port (again, after stop(): that is how tests simulate an outage)."""
        self._controller = Controller(_Handler(self), hostname=HOST, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, wanted: Callable[[Received], bool], timeout: float) -> Received | None:
        """The first email received that `wanted` accepts, woken by each delivery; None after `timeout`."""

        def first() -> Received | None:
            return next((message for message in self.received if wanted(message)), None)

        with self.lock:
            return self.lock.wait_for(first, timeout)

    def config(self) -> dict[str, object]:
        return {"MAIL_SERVER": HOST, "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5}
