"""The impact pages in a browser: from an organisation's page to its public impact page on a
phone (360 px, no sideways scrolling, axe-core on each page), the year filter, the funders' report
as printed, and the coordinators' reports with a filter and a bad one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.impact.figures_scene import Y1, build
from tests.support.factories import UserFactory
from tests.support.impact import impact_scene

WIDTH = 360


@dataclass
class Site:
    slug: str
    coordinator: str


@pytest.fixture(scope="module")
def site(live_server) -> Site:
    with live_server.data() as make:
        scene = impact_scene(make.session, make)
        ledger = build(make.session, scene)
        return Site(ledger.org.slug, scene.coordinator.email)


def _fits(person) -> None:
    assert person.page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_anyone_reaches_the_impact_page_and_the_funders_report_on_a_phone(site, people):
    person = people("visitor", width=WIDTH, height=740)
    person.goto(f"/organisations/{site.slug}")
    person.click(person.link("What visits with this organisation taught: its impact"))
    _fits(person)
    text = person.text()
    assert "Impact of Mbeya Outreach" in text and "How we count" in text
    assert "Student Visitor" not in text and "Amani K." not in text
    person.page.get_by_label("Year", exact=True).select_option(str(Y1))
    person.click(person.button("Show"))
    assert f"year={Y1}" in person.page.url and f"Figures for {Y1}" in person.text()
    _fits(person)
    person.click(person.link("A printable report for funders"))
    assert "Impact report: Mbeya Outreach" in person.text() and "Bir Hospital" in person.text()
    _fits(person)
    person.page.emulate_media(media="print")
    assert not person.page.get_by_text("These figures as a spreadsheet (CSV)").is_visible()
    assert person.page.get_by_role("heading", name="By site").is_visible()


def test_the_funders_report_asks_for_its_period_without_javascript(site, people):
    person = people("funder", javascript=False, width=WIDTH, height=740)
    person.goto(f"/organisations/{site.slug}/impact/report")
    person.page.get_by_label("Which period should the report cover?").select_option("all")
    person.click(person.button("Make the report"))
    assert "year=all" in person.page.url and "All years" in person.text()


def test_a_coordinator_filters_the_reports_on_a_phone(site, people):
    person = people("coordinator", width=WIDTH, height=740)
    person.log_in(site.coordinator, UserFactory.PASSWORD)
    person.goto("/coordination/impact")
    _fits(person)
    assert "Not verified yet" in person.text()
    person.page.get_by_label("Region", exact=True).select_option("Asia")
    person.click(person.button("Show"))
    assert "region=Asia" in person.page.url
    countries = person.text("#table-country")
    assert "Nepal" in countries and "Tanzania" not in countries
    _fits(person)
    person.goto("/coordination/impact?year=soon", expect_status=422)
    assert "“soon” is not a year" in person.text()
