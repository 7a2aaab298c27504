"""A host describes a site and asks for teaching, in a real browser: the equipment rule refuses
PPH embolisation at a site without angiography, the request is saved for what the site supports
and published, and a visitor reads it with the site's readiness. axe-core checks every page
(English, then French for the coordinator's procedure pages); at 360 px no action is out of view."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser import Person, new_context
from tests.support.factories import UserFactory

WIDTH = 360
_CONTROLS = "main button, main a.button, main input[type=submit], main .row-actions a, main td input"
_OUT_OF_VIEW = """([selector, width]) => {
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const name = (el.innerText || el.name || '').trim();
    if (box.left < 0 || box.right > width) found.push(`${el.tagName} "${name}"`);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def accounts(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        host_org = make.organisation(name="Muhimbili IR partners", slug="muhimbili")
        host = make.create("org_member", name="Joseph Host", organisation=host_org)
        coordinator = make.create("coordinator", name="Grace Coordinator", locale="fr")
        return {"host": host.email, "coordinator": coordinator.email, "slug": host_org.slug}


def _state(browser, live_server, email: str) -> dict[str, Any]:
    person = Person(email, new_context(browser), live_server.url, audit=None)
    person.log_in(email, UserFactory.PASSWORD)
    state = person.context.storage_state()
    person.context.close()
    return state


def test_host_describes_a_site_and_asks_for_what_it_can_support(browser, live_server, people, accounts):
    host = people("host", storage_state=_state(browser, live_server, accounts["host"]))
    host.goto(f"/organisations/{accounts['slug']}")
    host.click(host.link("Sites and readiness"))
    host.click(host.link("Add a site"))
    page = host.page
    page.get_by_label("Name").fill("Muhimbili National Hospital")
    page.get_by_label("City").fill("Dar es Salaam")
    page.get_by_label("Country").select_option("TZ")
    page.get_by_label("Time zone").select_option("Africa/Dar_es_Salaam")
    for item, answer in (
        ("Ultrasound", "Available"),
        ("CT", "Available"),
        ("Fluoroscopy", "Limited"),
        ("Angiography suite (DSA)", "Not available"),
        ("Catheters and guidewires", "Available"),
        ("Drains", "Available"),
    ):
        page.get_by_role("group", name=item, exact=True).get_by_label(answer, exact=True).check()
    host.click(host.button("Save the site"))
    assert host.heading == "Muhimbili National Hospital"
    angiography = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Angiography suite (DSA)")
    )
    assert angiography.get_by_role("cell").first.inner_text() == "Not available"
    assert "Percutaneous nephrostomy" in host.text().split("Procedures this site can support")[1]

    host.click(host.link("Ask for teaching at this site"))
    page.get_by_label("Title").fill("Drainage and embolisation teaching")
    page.get_by_label("Post-partum haemorrhage embolisation").check()
    page.get_by_label("Percutaneous nephrostomy").check()
    page.get_by_label("Local learners").fill("6")
    page.get_by_label("Length of a visit (weeks)").fill("2")
    page.get_by_label("Maximum: IR physician (consultant or attending)").fill("1")
    page.get_by_label("Minimum: IR physician (consultant or attending)").fill("1")
    host.click(host.button("Save as draft"), expect_status=422)
    summary = host.text(".error-summary")
    assert "Post-partum haemorrhage embolisation cannot be taught at this site" in summary
    assert "Angiography suite (DSA) or C-arm fluoroscopy" in summary
    page.get_by_label("Post-partum haemorrhage embolisation").uncheck()
    host.click(host.button("Save as draft"))
    assert host.heading.startswith("Drainage and embolisation teaching")
    host.click(host.button("Publish the request"))
    assert "The request is open" in host.flashes
    request_url = page.url

    visitor = people("visitor")
    visitor.goto(request_url.removeprefix(live_server.url))
    text = visitor.text()
    assert "Percutaneous nephrostomy" in text and "Readiness of Muhimbili National Hospital" in text
    assert "Not available" in text  # the readiness in words


def test_new_pages_keep_their_actions_on_a_360_px_screen(browser, live_server, people, accounts):
    state = _state(browser, live_server, accounts["host"])
    host = people("host-phone", width=WIDTH, height=740, storage_state=state)
    problems = []
    for path in (
        f"/organisations/{accounts['slug']}/sites/new",
        f"/organisations/{accounts['slug']}/teaching-requests",
        "/procedures",
    ):
        host.goto(path)
        width = host.page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{path} is {width} px wide")
        problems.extend(f"{path}: {item}" for item in host.page.evaluate(_OUT_OF_VIEW, [_CONTROLS, WIDTH]))
    assert not problems, "\n".join(problems)


def test_coordinators_procedure_pages_pass_axe_in_french(browser, live_server, people, accounts):
    coordinator = people("coordinator", storage_state=_state(browser, live_server, accounts["coordinator"]))
    coordinator.goto("/coordination/procedures")
    assert coordinator.page.get_attribute("html", "lang") == "fr"
    coordinator.goto("/coordination/procedures/pph-embolisation/edit")
    coordinator.goto("/coordination/procedures/new")
    coordinator.goto("/procedures")
    assert coordinator.audit is not None and len(coordinator.audit.seen) >= 4
