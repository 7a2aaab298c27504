"""Paged listings: a stable order that ends with a unique key, and a total that is cheap to count.

Every row here ties on the sort key (same dates, same score, same signup time), so only the id
at the end of the ORDER BY decides the order: paging through must still see each row exactly once.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from matcher.db import utcnow
from matcher.extensions import db
from matcher.models import Application, Match, MatchRound, MatchRun, Opportunity, User
from matcher.services.matching.rounds import Scope
from tests.support.crowd import Crowd
from tests.support.querycount import QueryLog, counting_queries

ROWS = 23  # not a multiple of the page sizes used, so the last page is a short one
START = date.today() + timedelta(days=90)
COUNT_OF = re.compile(r"SELECT count\(\*\) AS \w+ FROM \(SELECT (\w+)\.", re.IGNORECASE)


def _tied_opportunities(crowd: Crowd) -> list[int]:
    """ROWS published opportunities with the same dates, deadline and publication time."""
    crowd.grow(ROWS)
    db.session.execute(
        update(Opportunity).values(
            starts_on=START, ends_on=START + timedelta(days=28), deadline=START - timedelta(days=10)
        )
    )
    db.session.execute(update(Opportunity).values(published_at=utcnow()))
    db.session.commit()
    return sorted(db.session.scalars(select(Opportunity.id).where(Opportunity.status == "published")))


def _login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 302


def _count_statement(log: QueryLog, table: str) -> str:
    """The statement that counted the rows of `table` for the page's total."""
    statements = [" ".join(s.split()) for s in log.statements]
    counts = [s for s in statements if (m := COUNT_OF.match(s)) and m.group(1) == table]
    assert len(counts) == 1, log.report()
    return counts[0]


def _counts_ids_only(statement: str, table: str) -> None:
    """The total counts a subquery of ids: no rows loaded, nothing eager, nothing sorted."""
    subquery = f"FROM (SELECT {table}.id AS id FROM {table}"  # noqa: S608 (read, not run)
    assert subquery in statement, statement
    assert "ORDER BY" not in statement and "LIMIT" not in statement, statement


def _pages(client, url: str, per_page: int, total: int, table: str | None = None) -> list[int]:
    """The ids of every item of a JSON listing, page by page, checking the count on each."""
    seen: list[int] = []
    for page in range(1, -(-total // per_page) + 2):  # one page past the end, which is empty
        with counting_queries() as log:
            body = client.get(f"{url}&per_page={per_page}&page={page}").get_json()
        assert body["total"] == total
        assert len(body["items"]) == max(0, min(per_page, total - (page - 1) * per_page))
        seen += [item["id"] for item in body["items"]]
        if table:
            _counts_ids_only(_count_statement(log, table), table)
    return seen


@pytest.mark.parametrize("sort", ["start", "deadline", "newest"])
def test_the_api_pages_through_tied_opportunities_once_each(app, client, sort):
    expected = _tied_opportunities(Crowd(db.session))
    seen = _pages(client, f"/api/v1/opportunities?sort={sort}", 5, len(expected), "opportunities")
    assert sorted(seen) == expected and len(seen) == len(set(seen))


def test_the_search_page_sorted_by_score_pages_through_ties_once_each(app, client):
    crowd = Crowd(db.session)
    expected = _tied_opportunities(crowd)
    _login(client, crowd.applicant)
    seen: list[int] = []
    for page in range(1, len(expected) // 5 + 2):
        # The crowd's applicant holds places: "only places I can be matched to" would keep none.
        url = f"/opportunities?sort=score&matchable=0&per_page=5&page={page}"
        html = client.get(url).get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'<h3><a href="/opportunities/(\d+)"', html)]
    assert sorted(seen) == expected and len(seen) == len(set(seen))


def test_the_organisations_api_pages_through_namesakes_once_each(app, client, users):
    for _ in range(ROWS):
        users.organisation(name="Same name")
    expected = sorted(o["id"] for o in client.get("/api/v1/organisations?per_page=100").get_json()["items"])
    assert len(expected) == ROWS
    seen = _pages(client, "/api/v1/organisations?", 5, ROWS, "organisations")
    assert seen == expected  # all named alike: by id


def test_bad_paging_of_the_organisations_api_is_a_json_400(client):
    response = client.get("/api/v1/organisations?per_page=1000")
    assert response.status_code == 400
    assert response.get_json()["error"]["problems"][0]["parameter"] == "per_page"


def test_the_run_review_pages_through_tied_scores_once_each(app, client):
    crowd = Crowd(db.session)
    people = crowd.people(120)  # the review shows 50 a page
    match_round = MatchRound(name="Tied", mode="ranked", scope=Scope().as_json(), status="open")
    run = MatchRun(round=match_round, number=1, algorithm_version="t", seed=1, inputs_hash="0" * 64)
    db.session.add_all([match_round, run])
    db.session.add_all(
        Match(run=run, applicant_id=p.id, opportunity_id=crowd.opp_a.id, score=0.5) for p in people
    )
    db.session.commit()
    expected = sorted(db.session.scalars(select(Match.id).where(Match.run_id == run.id)))
    _login(client, crowd.coordinator)
    seen: list[int] = []
    for page in (1, 2, 3):
        with counting_queries() as log:
            html = client.get(f"/coordination/runs/{run.id}?page={page}").get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'name="match_id" value="(\d+)"', html)]
        _counts_ids_only(_count_statement(log, "matches"), "matches")
    assert sorted(seen) == expected and len(seen) == len(set(seen))


def test_the_admin_user_list_pages_through_simultaneous_signups_once_each(app, client):
    crowd = Crowd(db.session)
    crowd.people(120)  # the list shows 50 a page
    db.session.execute(update(User).values(created_at=utcnow()))
    db.session.commit()
    expected = sorted(db.session.scalars(select(User.id)))
    _login(client, crowd.admin)
    seen: list[int] = []
    for page in (1, 2, 3):
        with counting_queries() as log:
            html = client.get(f"/admin/users?page={page}").get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'id="role-(\d+)"', html)]
        count = _count_statement(
            log, "users"
        )  # Flask-SQLAlchemy's: a subquery without ORDER BY or eager loads
        assert "ORDER BY" not in count and "JOIN" not in count, count
    assert sorted(seen) == expected and len(seen) == len(set(seen))


def test_applicants_who_applied_at_the_same_moment_keep_one_order(app, client):
    crowd = Crowd(db.session)
    for person in crowd.people(12):
        db.session.add(Application(applicant_id=person.id, opportunity_id=crowd.opp_a.id, rank=1))
    db.session.commit()
    db.session.execute(update(Application).values(created_at=utcnow()))
    db.session.commit()
    _login(client, crowd.member)
    orders = []
    for _ in range(2):
        html = client.get(f"/opportunities/{crowd.opp_a.id}/applicants").get_data(as_text=True)
        orders.append([int(i) for i in re.findall(r'name="position_(\d+)"', html)])
    assert orders[0] == orders[1] == sorted(orders[0]) and len(orders[0]) == 12
