"""Opportunity search: each filter alone and combined, sorting and pagination, page and API alike."""

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from matcher.models import OpportunityStatus

TODAY = date.today()


@pytest.fixture
def catalogue(users):
    """A small, varied set of opportunities, plus ones the public must never see."""
    road2ir = users.organisation(name="Road2IR", slug="road2ir")
    radaid = users.organisation(name="RAD-AID", slug="rad-aid")
    start = TODAY + timedelta(days=100)
    made = {
        "tz": users.opportunity(
            road2ir,
            title="PPH embolisation elective",
            country_code="TZ",
            level_min=4,
            level_max=6,
            interests=("pph-embolisation",),
            starts_on=start,
            ends_on=start + timedelta(days=28),
            languages=(("en", "professional"), ("sw", "basic")),
            capacity=2,
        ),
        "ke": users.opportunity(
            radaid,
            title="Biliary drainage in Nairobi",
            country_code="KE",
            level_min=8,
            level_max=12,
            interests=("biliary-drainage",),
            starts_on=start + timedelta(days=60),
            ends_on=start + timedelta(days=90),
            type="teaching_visit",
            capacity=1,
            places_filled=1,
        ),
        "vn": users.opportunity(
            radaid,
            title="Haemoptysis observership",
            country_code="VN",
            level_min=5,
            level_max=10,
            interests=("haemoptysis-embolisation", "gi-bleeding"),
            starts_on=start + timedelta(days=200),
            ends_on=start + timedelta(days=214),
            type="observership",
            description="Bronchial artery work.",
            languages=(("fr", "conversational"),),
            deadline=None,
        ),
        "ht": users.opportunity(
            radaid,
            title="Drainage elective in Haiti",
            country_code="HT",
            level_min=5,
            level_max=7,
            interests=("abscess-drainage",),
            starts_on=start + timedelta(days=30),
            ends_on=start + timedelta(days=44),
            deadline=TODAY - timedelta(days=1),
        ),
    }
    users.opportunity(road2ir, title="Secret draft", status=OpportunityStatus.DRAFT)
    users.opportunity(road2ir, title="Old archived one", status=OpportunityStatus.ARCHIVED)
    unverified = users.organisation(name="Unverified", slug="unverified", verified=False)
    users.opportunity(unverified, title="From an unverified organisation")
    return made


def titles(client, query: str) -> list[str]:
    response = client.get("/api/v1/opportunities" + query)
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def page_titles(client, query: str) -> list[str]:
    page = client.get("/opportunities" + query).get_data(as_text=True)
    return [t for t in ALL_TITLES if f">{t}</a>" in page]


def next_link(page: str) -> dict[str, list[str]]:
    href = re.search(r'rel="next" href="([^"]+)"', page).group(1)
    return parse_qs(urlsplit(html.unescape(href)).query)


ALL_TITLES = [
    "PPH embolisation elective",
    "Biliary drainage in Nairobi",
    "Haemoptysis observership",
    "Drainage elective in Haiti",
    "Secret draft",
    "Old archived one",
    "From an unverified organisation",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "PPH embolisation elective",
                "Drainage elective in Haiti",
                "Biliary drainage in Nairobi",
                "Haemoptysis observership",
            ],
        ),
        ("?region=Africa", ["PPH embolisation elective", "Biliary drainage in Nairobi"]),
        ("?subregion=Eastern%20Africa", ["PPH embolisation elective", "Biliary drainage in Nairobi"]),
        ("?subregion=Caribbean", ["Drainage elective in Haiti"]),
        ("?country=vn", ["Haemoptysis observership"]),
        ("?type=teaching_visit", ["Biliary drainage in Nairobi"]),
        ("?level=res2", ["Biliary drainage in Nairobi", "Haemoptysis observership"]),
        ("?level=ms4", ["PPH embolisation elective"]),
        ("?interest=gi-bleeding", ["Haemoptysis observership"]),
        (
            "?interest=abscess-drainage&interest=biliary-drainage",
            ["Drainage elective in Haiti", "Biliary drainage in Nairobi"],
        ),
        ("?language=sw", ["PPH embolisation elective"]),
        ("?open=1", ["PPH embolisation elective", "Haemoptysis observership"]),
        ("?q=DRAINAGE", ["Drainage elective in Haiti", "Biliary drainage in Nairobi"]),
        ("?q=bronchial", ["Haemoptysis observership"]),
        ("?q=100%25", []),
        (
            "?region=Africa&level=ms5&interest=pph-embolisation&language=en&open=true",
            ["PPH embolisation elective"],
        ),
        ("?region=Asia&type=clinical_elective", []),
    ],
)
def test_each_filter_alone_and_combined(client, catalogue, query, expected):
    assert titles(client, query) == expected
    assert page_titles(client, query) == [t for t in ALL_TITLES if t in expected]


def test_date_range_finds_opportunities_that_overlap_it(client, catalogue):
    tz = catalogue["tz"]
    # A window ending on the opportunity's first day overlaps it; one ending the day before does not.
    assert titles(client, f"?ends_before={tz.starts_on.isoformat()}") == ["PPH embolisation elective"]
    assert titles(client, f"?ends_before={(tz.starts_on - timedelta(days=1)).isoformat()}") == []
    after = (catalogue["ke"].ends_on + timedelta(days=1)).isoformat()
    assert titles(client, f"?starts_after={after}") == ["Haemoptysis observership"]


def test_sorting_by_deadline_puts_opportunities_without_one_last(client, catalogue):
    result = titles(client, "?sort=deadline")
    assert result[-1] == "Haemoptysis observership"
    deadlines = [catalogue[k].deadline for k in ("ht", "tz", "ke")]
    assert deadlines == sorted(deadlines) and result[:3] == [catalogue[k].title for k in ("ht", "tz", "ke")]


def test_pagination_edges(client, catalogue):
    first = client.get("/api/v1/opportunities?per_page=3").get_json()
    second = client.get("/api/v1/opportunities?per_page=3&page=2").get_json()
    beyond = client.get("/api/v1/opportunities?per_page=3&page=3").get_json()
    assert first["total"] == second["total"] == beyond["total"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1 and beyond["items"] == []
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})
    exact = client.get("/api/v1/opportunities?per_page=4").get_json()
    assert len(exact["items"]) == 4
    page = client.get("/opportunities?per_page=3").get_data(as_text=True)
    assert "Page 1 of 2" in page and 'rel="prev"' not in page
    assert next_link(page) == {"page": ["2"], "per_page": ["3"]}
    last = client.get("/opportunities?per_page=3&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in last and 'rel="next"' not in last and 'rel="prev"' in last


def test_filters_live_in_the_url_of_the_next_page(client, catalogue):
    page = client.get("/opportunities?region=Africa&per_page=1").get_data(as_text=True)
    assert next_link(page) == {"region": ["Africa"], "page": ["2"], "per_page": ["1"]}


def test_bad_filters_on_the_page_are_explained_not_500(client, catalogue):
    response = client.get("/opportunities?country=ZZ&level=nope&starts_after=tomorrow&per_page=0")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a country code we know" in page and "Choose a training level from the list" in page
    assert "Enter “Available from” as a real date" in page


def test_a_logged_in_applicant_can_sort_by_match_score(client, auth, users):
    org = users.organisation()
    far = users.opportunity(org, title="Far from my interests", interests=("tace",), country_code="VN")
    near = users.opportunity(
        org,
        title="Just what I want",
        interests=("pph-embolisation",),
        starts_on=far.starts_on + timedelta(days=1),
        ends_on=far.ends_on + timedelta(days=1),
    )
    student = auth.login("student")
    users.profile(student, interests=("pph-embolisation",), subregions=("Eastern Africa",))
    assert titles(client, "") == [far.title, near.title]  # by start date
    page = client.get("/opportunities?sort=score").get_data(as_text=True)
    assert page.index("Just what I want") < page.index("Far from my interests")
    assert "Best match for my profile" in page


def test_sorting_by_score_needs_an_applicant_profile(client):
    response = client.get("/opportunities?sort=score")
    assert response.status_code == 400 and "logged in as an applicant" in response.get_data(as_text=True)
    api = client.get("/api/v1/opportunities?sort=score")
    assert api.status_code == 400 and api.get_json()["error"]["problems"][0]["parameter"] == "sort"
