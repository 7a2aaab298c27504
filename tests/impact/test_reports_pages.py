"""The public impact page, its CSV and the funders' report: figures of confirmed rows only, no
names, the year filter, and what a bad filter gets."""

from __future__ import annotations

import csv
import io
import re

import pytest

from matcher.extensions import db
from matcher.services.impact.figures import ImpactFilter, impact_figures
from tests.impact.figures_scene import Y1, Y2, build
from tests.support.impact import impact_scene


@pytest.fixture
def ledger(users):
    return build(db.session, impact_scene(db.session, users))


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _figure(page: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>([^<]*)</dd>", page)
    assert found, term
    return found[1]


def test_the_public_page_shows_the_confirmed_figures_and_names_no_one(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact")
    expected = impact_figures(db.session, ImpactFilter(organisation_id=ledger.org.id, verified_only=True))
    assert _figure(page, "Visits") == "3" == str(expected.visits)
    assert _figure(page, "Visit weeks") == "7.4"
    assert _figure(page, "Procedures taught") == "16"
    assert _figure(page, "Independent milestones") == "2"
    scene = ledger.base
    for name in [scene.student.name, scene.physician.name, scene.nurse.name, scene.host.name]:
        assert name not in page
    for learner in ledger.learners.values():
        assert learner.name not in page
    assert "Not verified yet" not in page and "Nothing confirmed" not in page


def test_the_charts_are_described_and_their_figures_are_in_a_table(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert len(svgs) == 3  # procedures by group, visits by year, visit weeks by year
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    procedures = svgs[0]
    assert "Embolisation: 9." in procedures and "Biopsy and vascular access: 4." in procedures
    table = page[page.index('id="table-procedures"') :]
    assert "<caption>" in table[:300]
    assert re.search(r'<th scope="row">Embolisation</th>\s*<td[^>]*>3</td><td[^>]*>6</td>', table)
    assert f"{Y1}: 1." in svgs[1] and f"{Y2}: 2." in svgs[1]
    assert f"{Y1}: 4.0." in svgs[2]


def test_the_year_filter(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact?year={Y1}")
    assert _figure(page, "Visits") == "1"
    assert _figure(page, "Procedures taught") == "5"  # 3 observed + 2 supervised; the 5 unconfirmed wait
    assert f'<option value="{Y1}" selected>' in page
    assert f"{Y2}: 2." in page  # the charts still show every year


@pytest.mark.parametrize("value", ["zz", "1999", "20255", "3000"])
def test_a_bad_year_is_explained_not_a_500(client, ledger, value):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact?year={value}", 422)
    assert "There is a problem" in page and 'id="year-error"' in page
    assert _figure(page, "Visits") == "3"  # the filter is left out: all years


def test_an_unverified_or_unknown_organisation_has_no_impact_page(client, ledger):
    for slug in (ledger.unverified.slug, "no-such-organisation"):
        assert client.get(f"/organisations/{slug}/impact").status_code == 404
        assert client.get(f"/organisations/{slug}/impact.csv").status_code == 404
        assert client.get(f"/organisations/{slug}/impact/report?year=all").status_code == 404


def test_the_organisation_page_links_to_its_impact(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}")
    assert f'href="/organisations/{ledger.org.slug}/impact"' in page


def test_the_csv_has_a_line_per_year_and_the_total(client, ledger):
    response = client.get(f"/organisations/{ledger.org.slug}/impact.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, lines = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert header[:3] == ["Year", "Visits", "Visitors"]
    assert list(lines) == [str(Y2), str(Y1), "All years"]
    assert lines["All years"]["Visits"] == "3" and lines["All years"]["Visit weeks"] == "7.4"
    assert lines[str(Y1)]["Procedures taught"] == "5"
    assert lines["All years"]["Procedures: Embolisation"] == "9"
    assert int(lines[str(Y1)]["Visits"]) + int(lines[str(Y2)]["Visits"]) == int(lines["All years"]["Visits"])
    one_year = client.get(f"/organisations/{ledger.org.slug}/impact.csv?year={Y1}").get_data(as_text=True)
    assert one_year.splitlines()[-1].startswith(f"{Y1},1,")
    assert client.get(f"/organisations/{ledger.org.slug}/impact.csv?year=x").status_code == 400


def test_the_funders_report_asks_for_the_period_first(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact/report")
    assert "Which period should the report cover?" in page and '<option value="all">' in page
    assert "<dl" not in page
    bad = _page(client, f"/organisations/{ledger.org.slug}/impact/report?year=soon", 422)
    assert "There is a problem" in bad and 'id="year-error"' in bad


def test_the_funders_report(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact/report?year=all")
    assert "Impact report: Mbeya Outreach" in page
    assert "All years" in page and "Made on" in page
    assert "css/report.css" in page and "site-nav" not in page  # its own page: no navigation
    assert _figure(page, "Visits") == "3"
    sites = page[page.index('id="report-sites"') :]
    row = re.search(r'<th scope="row">Bir Hospital</th>(.*?)</tr>', sites, re.S)[1]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells == ["1", "1.4", "6", "1", "1", "1"]  # Nepal: visits, weeks, cases, trained, milestones
    assert "How we count" in page and "Different people whose completion" in page
    assert "Student Visitor" not in page and "Sita R." not in page
    year = _page(client, f"/organisations/{ledger.org.slug}/impact/report?year={Y1}")
    assert _figure(year, "Visits") == "1" and "Bir Hospital" in year  # its supervised milestone in Y1


def test_the_print_stylesheet_is_a4_with_page_breaks(app):
    with app.open_resource("../static/css/report.css") as sheet:
        text = sheet.read().decode()
    assert "@media print" in text and "size: A4" in text and "break-before: page" in text


def test_the_definitions_and_the_downloads_are_on_the_page(client, ledger):
    page = _page(client, f"/organisations/{ledger.org.slug}/impact?year={Y2}")
    definitions = page[page.index('id="definitions"') :]
    for term in ("Visits", "Visit weeks", "Person-weeks", "Local learners trained", "Independent milestones"):
        assert f"<dt>{term}</dt>" in definitions
    assert f'href="/organisations/{ledger.org.slug}/impact.csv?year={Y2}"' in page
    assert f'href="/organisations/{ledger.org.slug}/impact/report?year={Y2}"' in page


def test_the_groups_are_named_in_the_readers_language(client, ledger):
    page = client.get(f"/organisations/{ledger.org.slug}/impact", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Drainages et abords percutanés" in page.get_data(as_text=True)
