"""On a 3G link (1.6 Mbit/s down, 750 kbit/s up, 300 ms round trip) the home, search and opportunity
pages show their main content within 2 s, with an empty cache (a first visit).

What is measured is the browser's own clock, not the test's: from navigation start to the largest
contentful paint (LCP, Chromium's "main content is visible" event), read from the Performance API
after the page's load event, and the element it painted must be inside <main>. The emulated network
sets a floor of about 0.7 s here (two requests, HTML then CSS, each with 300 ms of latency, plus their
bytes at 200,000 B/s); what a busy machine adds on top (the server's and the browser's CPU) is noise,
so each page gets up to three tries, each in a fresh context (empty cache), and the best one counts,
after a warm-up load. A page that grows too heavy fails every try (about 280 KB more of HTML and CSS
push the floor past 2 s). The same loads also show the HTML and CSS crossed the network compressed:
an uncompressed page would still be in time on today's pages, so that is asserted on its own.
The figures go to test-results/slow-network.json.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.browser import RESULTS, new_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Chromium DevTools' network emulation (its "3G" preset rounded to the issue's figures): bytes per second.
THREE_G = {"offline": False, "latency": 300, "downloadThroughput": 200_000, "uploadThroughput": 93_750}
BUDGET_MS = 2000
TRIES = 3

# After the load event: the navigation's and the stylesheets' timings, and the last LCP entry.
_TIMINGS = """async () => {
  const nav = performance.getEntriesByType('navigation')[0];
  const sheets = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'link');
  const lcp = await new Promise(resolve => {
    new PerformanceObserver(list => resolve(list.getEntries().at(-1)))
      .observe({type: 'largest-contentful-paint', buffered: true});
  });
  const size = e => ({encoded: e.encodedBodySize, decoded: e.decodedBodySize, responseEnd: e.responseEnd});
  return {
    lcp_ms: lcp.startTime,
    lcp_in_main: document.querySelector('main').contains(lcp.element),
    lcp_element: lcp.element ? lcp.element.tagName.toLowerCase() : null,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    html: size(nav),
    css: sheets.map(size),
  };
}"""


@dataclass
class SlowLoad:
    path: str
    lcp_ms: float
    lcp_in_main: bool
    lcp_element: str | None
    dom_content_loaded_ms: float
    html: dict[str, float]
    css: list[dict[str, float]]
    codings: dict[str, str | None]  # the Content-Encoding of the document and of each stylesheet
    heading: str


def throttled_load(browser: Browser, url: str, path: str) -> SlowLoad:
    """One first visit (fresh context, empty cache) to `path` on the emulated 3G link."""
    context = new_context(browser)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THREE_G)
        codings: dict[str, str | None] = {}
        page.on(
            "response",
            lambda response: codings.__setitem__(
                response.request.resource_type, response.headers.get("content-encoding")
            ),
        )
        response = page.goto(url + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        heading = page.locator("main h1")
        assert heading.is_visible(), f"{path}: no visible main heading"
        timings: dict[str, Any] = page.evaluate(_TIMINGS)
        return SlowLoad(path=path, codings=codings, heading=heading.inner_text(), **timings)
    finally:
        context.close()


@pytest.fixture(scope="module")
def pages(live_server) -> dict[str, str]:
    """A full search page: 25 published opportunities with real descriptions."""
    with live_server.data() as make:
        organisation = make.organisation(
            name="Road2IR East Africa", description="Teaching IR in East Africa. " * 20
        )
        opportunities = [
            make.opportunity(
                organisation,
                title=f"Interventional radiology elective {n + 1} in Dar es Salaam",
                description="Four weeks in a busy department.\n\n" + "Embolisation, drainage, biopsy. " * 30,
                country_code="TZ",
                city="Dar es Salaam",
                interests=("pph-embolisation", "abscess-drainage", "us-biopsy"),
                starts_on=date.today() + timedelta(days=100 + n),
            )
            for n in range(25)
        ]
        opportunity_id = opportunities[0].id
    return {"home": "/", "search": "/opportunities", "opportunity": f"/opportunities/{opportunity_id}"}


def test_main_pages_show_their_content_within_2_s_on_3g(browser, live_server, pages):
    warm = new_context(browser)
    for path in pages.values():  # templates compiled, connections pooled: the server's first-time costs
        assert warm.new_page().goto(live_server.url + path).status == 200
    warm.close()

    best: dict[str, SlowLoad] = {}
    tries: dict[str, list[float]] = {}
    for name, path in pages.items():
        for _ in range(TRIES):
            load = throttled_load(browser, live_server.url, path)
            tries.setdefault(name, []).append(round(load.lcp_ms))
            if name not in best or load.lcp_ms < best[name].lcp_ms:
                best[name] = load
            if load.lcp_ms <= BUDGET_MS:
                break
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "slow-network.json").write_text(
        json.dumps(
            {"profile": THREE_G, "tries_ms": tries, "best": {n: asdict(b) for n, b in best.items()}}, indent=1
        )
    )

    late = {name: load.lcp_ms for name, load in best.items() if load.lcp_ms > BUDGET_MS}
    assert not late, (
        f"Main content later than {BUDGET_MS} ms on 3G (ms, best of {TRIES}): {late}; tries: {tries}"
    )
    for name, load in best.items():
        assert load.lcp_in_main, f"{name}: the largest paint was {load.lcp_element}, outside <main>"
        assert load.heading, name
        # The network's floor: the HTML's and the stylesheet's latency alone.
        assert load.lcp_ms >= 2 * THREE_G["latency"], (
            f"{name}: {load.lcp_ms} ms is faster than the emulated link"
        )


def test_html_and_css_cross_the_slow_link_compressed(browser, live_server, pages):
    for name, path in pages.items():
        load = throttled_load(browser, live_server.url, path)
        assert load.codings.get("document") == "br", f"{name}: {load.codings}"
        assert load.codings.get("stylesheet") == "br", f"{name}: {load.codings}"
        assert len(load.css) == 1, f"{name}: {load.css}"
        for part in (load.html, *load.css):
            assert 0 < part["encoded"] < part["decoded"] / 2, f"{name}: {part}"
