"""Helpers for the browser tests: where Chromium and axe-core are, a person at a browser, their inbox."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from matcher import ROOT
from tests.support.smtp import Received, SmtpSink

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response

CHROMIUM = Path(os.environ.get("MATCHER_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = ROOT / "test-results"
# Quiet and offline: no updates, no sync, no first-run pages; no sandbox since CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Not a wait. Every wait in these tests follows an event: a navigation reaching "load", an element
# becoming actionable (Playwright's auto-waiting), a web-first `expect`, an email arriving at the
# SMTP sink. This only bounds how long a test may hang when that event never comes; it is generous
# so that a slow page on a busy machine is not a failure.
HANG_GUARD_S = 120
HOW_TO_GET_THEM = "`make browser-deps` installs them (apt-get, as root on Debian/Ubuntu; npm ci)"
BLOCKING_IMPACTS = ("serious", "critical")


def missing_browser_parts() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the `playwright` package is not installed (make install-dev)"
    if not CHROMIUM.is_file():
        return f"Chromium is not at {CHROMIUM} (set MATCHER_CHROMIUM to use another)"
    if not AXE_JS.is_file():
        return f"axe-core is not in {AXE_JS.parent.parent}"
    return None


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context whose actions and navigations wait at most HANG_GUARD_S (a hang guard)."""
    context = browser.new_context(**options)
    context.set_default_timeout(HANG_GUARD_S * 1000)
    context.set_default_navigation_timeout(HANG_GUARD_S * 1000)
    return context


_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


_PAGE_STATE = """() => [location.href, document.getElementsByTagName('*').length,
  document.querySelector('.flashes')?.innerText ?? ''].join('|')"""


@dataclass
class AxeAudit:
    """axe-core on each page a person sees; serious or critical violations fail the test."""

    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> rule id -> impact of any kind
    seen: set[str] = field(default_factory=set)

    def check(self, page: Page) -> None:
        # The same address with the same number of elements and the same messages is the same page:
        # checked once (a journey often comes back to a list).
        state = page.evaluate(_PAGE_STATE)
        if state in self.seen:
            return
        self.seen.add(state)
        violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN)
        url = urlsplit(page.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        self.pages.setdefault(path, {}).update({v["id"]: v["impact"] for v in violations})
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']}\n"
            + "\n".join(f"    at {n['target']}: {n['summary']}" for n in v["nodes"])
            for v in blocking
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.pages, indent=1, sort_keys=True))


class Person:
    """Someone using the app in their own browser context; every page they reach is checked by axe."""

    def __init__(self, name: str, context: BrowserContext, base_url: str, audit: AxeAudit | None) -> None:
        self.name, self.context, self.base_url, self.audit = name, context, base_url, audit
        self.page: Page = context.new_page()

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, expect_status: int = 200) -> Response:
        response = self.page.goto(self.url(path))
        return self._arrived(response, expect_status)

    def click(self, target: Locator, expect_status: int = 200) -> Response:
        """Click a link or a submit button and wait for the page it leads to."""
        with self.page.expect_navigation() as navigation:
            target.click()
        return self._arrived(navigation.value, expect_status)

    def press(self, key: str, expect_status: int = 200) -> Response:
        """Press a key that follows a link or submits a form, and wait for the page it leads to."""
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press(key)
        return self._arrived(navigation.value, expect_status)

    def button(self, name: str, *, exact: bool = True) -> Locator:
        return self.page.get_by_role("button", name=name, exact=exact)

    def link(self, name: str, *, exact: bool = True) -> Locator:
        return self.page.get_by_role("link", name=name, exact=exact)

    def log_in(self, email: str, password: str) -> None:
        """Fill in the login form on the current page (or open it first) and submit it."""
        if "/login" not in self.page.url:
            self.goto("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.click(self.page.locator("main").get_by_role("button", name="Log in"))

    def log_out(self) -> None:
        self.click(self.button("Log out"))

    def follow_job(self, result: str) -> Response:
        """On a background job's progress page, check again (as a person does) until the job is
        done and its result link shows, then open the result."""
        deadline = time.monotonic() + HANG_GUARD_S
        link = self.link(result)
        while not link.count():
            assert "What went wrong" not in self.text(), self.text()
            assert time.monotonic() < deadline, f"{self.name}: the job is not done:\n{self.text()}"
            self.click(self.link("check again"))
        return self.click(link)

    @property
    def heading(self) -> str:
        return self.page.locator("h1").inner_text()

    @property
    def flashes(self) -> str:
        flashes = self.page.locator(".flashes")
        return flashes.inner_text() if flashes.count() else ""

    def text(self, selector: str = "main") -> str:
        return self.page.locator(selector).inner_text()

    def _arrived(self, response: Response | None, expect_status: int) -> Response:
        assert response is not None, f"{self.name}: no response"
        assert response.status == expect_status, (
            f"{self.name} got {response.status} at {response.url}, expected {expect_status}:\n"
            + self.page.locator("body").inner_text()[:1500]
        )
        if self.audit is not None:
            self.audit.check(self.page)
        return response


class Mailbox:
    """What the test SMTP server received, with the links in it."""

    def __init__(self, sink: SmtpSink, base_url: str) -> None:
        self.sink, self.base_url = sink, base_url

    def wait_for(self, to: str, subject: str) -> Received:
        """The first email to `to` whose subject contains `subject`, as soon as the sink accepts it."""

        def wanted(message: Received) -> bool:
            addressed = to.lower() in (r.lower() for r in message.rcpt_tos)
            return addressed and subject in message.message["Subject"]

        found = self.sink.wait_for(wanted, timeout=HANG_GUARD_S)
        if found is None:
            with self.sink.lock:
                seen = [(m.rcpt_tos, m.message["Subject"]) for m in self.sink.received]
            raise AssertionError(f"No email to {to} about {subject!r} in {HANG_GUARD_S} s; received: {seen}")
        return found

    def link(self, message: Received, path_contains: str = "") -> str:
        """The first link in the plain-text body that leads to this server (and contains the given text)."""
        for url in re.findall(r"https?://\S+", message.text):
            if url.startswith(self.base_url) and path_contains in url:
                return url
        raise AssertionError(f"No link to {self.base_url}…{path_contains} in:\n{message.text}")
