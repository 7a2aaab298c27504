"""The coordinators' impact reports: who may open them, the filters and a bad one, the tables by
region, country, year and organisation, and the CSV."""

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


def _figure(page: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>([^<]*)</dd>", page)
    assert found, term
    return found[1]


def _row(page: str, table: str, name: str) -> list[str]:
    part = page[page.index(f'id="table-{table}"') :]
    part = part[: part.index("</table>")]
    found = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', part, re.S)
    assert found, (table, name)
    return re.findall(r"<td[^>]*>([^<]*)</td>", found[1])


def test_only_coordinators_and_admins(client, auth, ledger):
    assert client.get("/coordination/impact").status_code == 302  # to the login page
    auth.login_as(ledger.base.host)
    assert client.get("/coordination/impact").status_code == 403
    assert client.get("/coordination/impact.csv").status_code == 403
    auth.logout()
    auth.login("admin")
    assert client.get("/coordination/impact").status_code == 200


def test_every_organisation_counts_and_the_tables_add_up(client, auth, ledger):
    auth.login_as(ledger.base.coordinator)
    page = client.get("/coordination/impact").get_data(as_text=True)
    everything = impact_figures(db.session, ImpactFilter())
    assert _figure(page, "Visits") == str(everything.visits) == "4"  # the unverified one's counts here
    assert _row(page, "region", "Africa")[:3] == ["3", "9.0", "18"]
    assert _row(page, "region", "Asia")[:3] == ["1", "1.4", "6"]
    assert _row(page, "country", "Nepal")[0] == "1"
    assert _row(page, "year", str(Y1))[:3] == ["1", "4.0", "5"]
    assert _row(page, "organisation", "Not verified yet")[:3] == ["1", "3.0", "8"]
    assert _row(page, "organisation", "Mbeya Outreach")[0] == "3"


def test_the_filters_narrow_every_table(client, auth, ledger):
    auth.login_as(ledger.base.coordinator)
    page = client.get(f"/coordination/impact?region=Africa&year={Y2}").get_data(as_text=True)
    assert _figure(page, "Visits") == "2"  # tz2 and the unverified organisation's
    assert 'id="table-country"' in page and "Nepal" not in page[page.index('id="table-country"') :]
    assert '<option value="Africa" selected>' in page
    tz = client.get("/coordination/impact?country=tz").get_data(as_text=True)
    assert _figure(tz, "Visits") == "3"


@pytest.mark.parametrize(
    ("query", "field"),
    [("region=Atlantis", "region"), ("country=XX", "country"), ("year=last", "year"), ("year=1066", "year")],
)
def test_a_bad_filter_gets_an_error_summary_and_422(client, auth, ledger, query, field):
    auth.login_as(ledger.base.coordinator)
    response = client.get(f"/coordination/impact?{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and f'href="#{field}"' in page and f'id="{field}-error"' in page
    assert f'aria-invalid="true" aria-describedby="{field}-error"' in page
    assert client.get(f"/coordination/impact.csv?{query}").status_code == 400


def test_the_csv(client, auth, ledger):
    auth.login_as(ledger.base.coordinator)
    response = client.get("/coordination/impact.csv?region=Asia")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Grouping", "Name", "Visits", "Visitors"]
    assert rows[1][:3] == ["All", "", "1"]
    named = {(r[0], r[1]): r for r in rows[1:]}
    assert named[("Country", "Nepal")][2] == "1"
    assert named[("Organisation", "Mbeya Outreach")][2] == "1"
    assert ("Country", "Tanzania") not in named
