"""A trainee from a lower-middle-income country finds places that run the other way in a real
browser, at 360 px: hosts in high-income countries with a fee waiver, sorted by estimated cost;
the opportunity page says what the estimate includes and points to the SIR RFS pages. axe-core
checks every page; no control is out of view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.test_journey_sites import _OUT_OF_VIEW, WIDTH


@pytest.fixture(scope="module")
def places(live_server) -> dict[str, Any]:
    with live_server.data() as make:
        host = make.organisation(name="Boston Partners")
        boston = make.opportunity(
            host,
            title="IR observership in Boston",
            type="observership",
            country_code="US",
            city="Boston",
            host_institution="A teaching hospital",
            fee_amount=Decimal("400"),
            fee_currency="USD",
            accommodation_cost=Decimal("1200"),
            fee_waiver=True,
            travel_grant=True,
        )
        make.opportunity(
            host,
            title="Interventional oncology course in London",
            type="course",
            country_code="GB",
            city="London",
            fee_amount=Decimal("150"),
            fee_currency="GBP",
            fee_waiver=True,
        )
        make.opportunity(host, title="Elective in Dar es Salaam", country_code="TZ")
        return {"boston": boston.id}


def test_trainee_finds_places_the_other_way_by_cost_at_360_px(people, places):
    trainee = people("trainee", width=WIDTH, height=740)
    trainee.goto("/opportunities")
    page = trainee.page
    page.get_by_label("Only hosts in high-income countries").check()
    page.get_by_label("Only with the fee waived for trainees from low- and middle-income countries").check()
    page.get_by_label("Sort by").select_option("cost")
    trainee.click(trainee.button("Search"))
    listed = trainee.text(".results")
    assert "Elective in Dar es Salaam" not in listed
    assert listed.index("Interventional oncology course in London") < listed.index(
        "IR observership in Boston"
    )
    assert page.evaluate(_OUT_OF_VIEW, ["main button, main a.button, main input, main select", WIDTH]) == []

    page.get_by_label("Estimated cost at most").fill("a lot")
    trainee.click(trainee.button("Search"), expect_status=400)
    assert "as an amount, like 1500." in trainee.text(".error-summary")

    trainee.goto(f"/opportunities/{places['boston']}")
    text = trainee.text()
    assert "For trainees from low- and middle-income countries" in text
    assert "The fee is waived for trainees from low- and middle-income countries." in text
    assert "The host offers a travel grant." in text
    assert "Includes the fee and accommodation." in text
    assert page.get_by_role("link", name="sirweb.org").get_attribute("href") == "https://www.sirweb.org/"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
