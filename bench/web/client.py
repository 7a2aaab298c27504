"""A minimal HTTP/1.1 client on asyncio streams (keep-alive, Content-Length or chunked bodies), and
the one way the benchmark logs in: through the real login form.

No third-party client: one event loop drives 50 connections with little CPU, which matters when
client and servers share two cores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from tests.support.logins import csrf_token, login_form
from tests.support.loopback import HOST

T = TypeVar("T")
_RUNNER = asyncio.Runner()  # one event loop for the whole run: connections outlive a phase


def arun(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on the benchmark's one event loop."""
    return _RUNNER.run(coro)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes


class _StaleConnection(Exception):
    pass


class Connection:
    retries = 0  # requests re-sent because a kept-alive connection had been closed by the server

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        cookies: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                async with asyncio.timeout(60):
                    return await self._exchange(method, path, cookies, form)
            except _StaleConnection:
                idle = time.monotonic() - self.last_used
                self.close()
                # Only a connection that sat idle may have been closed by the server's keep-alive
                # timeout; anything else is the server failing, and counts as an error.
                if fresh or attempt or idle < 1.0:
                    raise ConnectionResetError("server closed the connection without a response") from None
                Connection.retries += 1
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, cookies: dict[str, str] | None, form: dict[str, str] | None
    ) -> Response:
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nUser-Agent: bench-web\r\n"
        if cookies:
            head += "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "\r\n"
        payload = b""
        if form is not None:
            payload = urlencode(form).encode()
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(payload)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + payload)
        try:
            status_line = await self.reader.readline()
        except ConnectionError:
            raise _StaleConnection from None
        if not status_line:
            raise _StaleConnection
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        new_cookies: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, val = value.split(";", 1)[0].partition("=")
                new_cookies[key.strip()] = val.strip()
            else:
                headers[name] = value
        body = await self._body(headers)
        if headers.get("connection", "").lower() == "close":
            self.close()
        self.last_used = time.monotonic()
        return Response(status, headers, new_cookies, body)

    async def _body(self, headers: dict[str, str]) -> bytes:
        assert self.reader is not None
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    return b"".join(chunks)
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
        body = await self.reader.read()  # the body ends with the connection
        self.close()
        return body


@asynccontextmanager
async def connection(port: int) -> AsyncIterator[Connection]:
    """A connection of its own to `port`, closed afterwards."""
    conn = Connection(port)
    try:
        yield conn
    finally:
        conn.close()


def merge_cookies(jar: dict[str, str], new: dict[str, str]) -> None:
    for key, value in new.items():
        if value in ("", '""'):
            jar.pop(key, None)
        else:
            jar[key] = value


@dataclass
class Login:
    """What the login form answered, and the cookies a client then holds."""

    status: int
    jar: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status == 302 and "session" in self.jar


async def log_in(
    get: Connection | int, email: str, password: str, *, post: Connection | None = None
) -> Login:
    """The real login form: GET it on `get` (session cookie and CSRF token), POST it on `post`
    (another instance's connection, to prove sessions are portable; default: the same one).
    Given a port rather than a connection, it logs in on a connection of its own, then closes it."""
    if isinstance(get, int):
        async with connection(get) as conn:
            return await log_in(conn, email, password, post=post)
    jar: dict[str, str] = {}
    page = await get.request("GET", "/login")
    merge_cookies(jar, page.cookies)
    form = login_form(email, password, csrf_token(page.body))
    answer = await (post or get).request("POST", "/login", cookies=jar, form=form)
    merge_cookies(jar, answer.cookies)
    return Login(answer.status, jar, answer.body)
