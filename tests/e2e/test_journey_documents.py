"""A traveller uploads proof for a checklist item on a phone (360 px), in a real browser: a web page
renamed .pdf is refused with the reason at the field; a photo of a passport saved as .pdf is taken
as the PNG it is, flagged because it expires before the placement ends; the host's member then
downloads it as an attachment. axe-core checks every page; nothing is wider than the screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.documents import png
from tests.support.factories import UserFactory
from tests.support.trips import make_trip

WIDTH = 360
_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth"


@pytest.fixture(scope="module")
def cast(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        host_org = make.organisation(name="Kenyatta IR partners", slug="kenyatta")
        host = make.create("org_member", name="Wanjiru Host", organisation=host_org)
        traveller = make.create("student", name="Ana Traveller")
        opportunity = make.opportunity(host_org, title="IR elective in Nairobi", country_code="KE")
        trip = make_trip(make, traveller=traveller, opportunity=opportunity)
        licence = trip.items[0]
        return {
            "host": host.email,
            "traveller": traveller.email,
            "url": f"/trips/{trip.id}/items/{licence.id}/documents",
            "title": licence.title,
            "ends_on": opportunity.ends_on,
        }


def test_a_traveller_uploads_proof_and_the_host_downloads_it(people, cast):
    traveller = people("traveller", width=WIDTH)
    traveller.log_in(cast["traveller"], UserFactory.PASSWORD)
    response = traveller.goto(cast["url"])
    assert len(response.body()) < 100 * 1024
    assert traveller.heading == cast["title"]
    assert "No document uploaded yet." in traveller.text()
    page = traveller.page

    page.get_by_label("Document", exact=True).set_input_files(
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": b"<html><script>1</script></html>"}
    )
    traveller.click(traveller.button("Upload the document"), expect_status=422)
    assert "There is a problem" in traveller.text()
    assert "This file is not a PDF, JPEG or PNG." in page.locator(".field.has-error").first.inner_text()
    assert page.evaluate(_WIDER_THAN_SCREEN) <= WIDTH

    page.get_by_label("Document", exact=True).set_input_files(
        {"name": "passport.pdf", "mimeType": "application/pdf", "buffer": png()}
    )
    page.get_by_label("Valid until (optional)").fill((cast["ends_on"] - timedelta(days=2)).isoformat())
    traveller.click(traveller.button("Upload the document"))
    assert "The document is uploaded: passport.png." in traveller.flashes
    row = page.locator("main li").filter(has=page.get_by_role("link", name="passport.png"))
    assert "Expires before the placement ends" in row.inner_text()
    assert page.evaluate(_WIDER_THAN_SCREEN) <= WIDTH

    host = people("host")
    host.log_in(cast["host"], UserFactory.PASSWORD)
    host.goto(cast["url"])
    assert "Traveller: Ana Traveller" in host.text()
    assert host.button("Upload the document").count() == 0  # the traveller's own item
    with host.page.expect_download() as download:
        host.link("passport.png").click()
    assert download.value.suggested_filename == "passport.png"
    assert Path(download.value.path()).read_bytes() == png()
