"""Each advisory format parsed from fixture files modelled on the real feeds, and bad files refused
with a clear error (pure: no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from matcher.advisories import feeds, uk_fcdo
from matcher.advisories.records import FeedError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "advisories"


def parsed(name: str, source_format: str | None = None):
    return feeds.parse((FIXTURES / name).read_bytes(), source_format)


def summary(feed) -> list[tuple[str, int, date]]:
    return [(r.country_code or r.country_name, r.level, r.issued_on) for r in feed.records]


def test_the_state_department_rss_gives_each_country_its_level_and_date():
    feed = parsed("us_state.rss.xml")
    assert feed.source == "us-state"
    assert summary(feed) == [
        ("Kenya", 3, date(2026, 6, 1)),
        ("Tanzania", 2, date(2026, 5, 12)),
        ("Burma (Myanmar)", 4, date(2026, 4, 2)),
    ]
    kenya = feed.records[0]
    assert kenya.summary == "Reconsider travel to Kenya due to crime and civil unrest."  # tags removed
    assert kenya.url.endswith("/kenya-travel-advisory.html")
    assert feed.skipped == ["item 4 (“Worldwide Caution”): no “Country - Level N” title."]


def test_the_state_department_json_uses_the_updated_date():
    feed = parsed("us_state.json")
    assert feed.source == "us-state"
    assert summary(feed) == [("Uganda", 3, date(2026, 5, 20)), ("Ghana", 1, date(2026, 1, 5))]


def test_a_single_fcdo_country_document_maps_alerts_for_parts_to_level_2():
    feed = parsed("uk_fcdo_kenya.json")
    assert feed.source == "uk-fcdo"
    assert summary(feed) == [("Kenya", 2, date(2026, 5, 28))]
    assert feed.records[0].url == "https://www.gov.uk/foreign-travel-advice/kenya"
    assert "protests in Nairobi" in feed.records[0].summary


def test_the_fcdo_index_maps_whole_country_alerts_to_levels_3_and_4_and_none_to_1():
    feed = parsed("uk_fcdo_index.json")
    assert summary(feed) == [
        ("Tanzania", 3, date(2026, 5, 30)),
        ("Côte d'Ivoire", 1, date(2026, 4, 2)),
        ("Syria", 4, date(2026, 3, 15)),
        ("Atlantis Station", 1, date(2026, 1, 10)),
    ]


@pytest.mark.parametrize(
    ("alerts", "level"),
    [
        ([], 1),
        (["avoid_all_but_essential_travel_to_parts"], 2),
        (["avoid_all_travel_to_parts"], 2),
        (["avoid_all_but_essential_travel_to_whole_country", "avoid_all_travel_to_parts"], 3),
        (["avoid_all_travel_to_whole_country"], 4),
    ],
)
def test_the_fcdo_mapping(alerts, level):
    assert uk_fcdo.level_of(alerts, "x") == level


def test_our_csv_and_json():
    csv = parsed("matcher.csv")
    assert csv.source == "matcher" and csv.strict_countries
    assert summary(csv) == [("KE", 2, date(2026, 5, 1)), ("TZ", 1, date(2026, 5, 1))]
    assert csv.records[0].url == "https://example.org/advice/ke" and csv.records[1].summary == ""
    data = parsed("matcher.json")
    assert summary(data) == [("KE", 4, date(2026, 6, 2)), ("UG", 2, date(2026, 6, 2))]  # code upper-cased


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_level.csv", "line 3: the level 5 is not from 1 to 4."),
        ("broken.rss.xml", "The RSS feed is not well-formed XML"),
        ("not_a_feed.txt", "Unknown format"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(name, message):
    with pytest.raises(FeedError) as refused:
        parsed(name)
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"country,level\nKE,2\n", "The CSV header lacks the column(s): issued_on"),
        (b"country,level,issued_on\nKE,2,1 May\n", "line 2: “1 May” is not a date"),
        (b"country,level,issued_on\nKE,2,2026-05-01\nKE,3,2026-05-02\n", "KE is listed twice"),
        (b"country,level,issued_on\nKEN,2,2026-05-01\n", "not a two-letter ISO code"),
        (b"country,level,issued_on\n", "The file lists no advisories."),
        (b'{"advisories": {}}', "no “advisories” list"),
        (b'[{"Title": "Kenya - Level 2: Caution"}]', "the date is missing"),
        (b'{"document_type": "travel_advice", "details": {"country": {"name": "Kenya"}}}', "alert_status"),
        (
            b'{"document_type": "travel_advice", "public_updated_at": "2026-05-01", '
            b'"details": {"country": {"name": "Kenya"}, "alert_status": ["avoid_unicorns"]}}',
            "unknown alert",
        ),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_entries_name_what_is_wrong(text, message):
    with pytest.raises(FeedError) as refused:
        feeds.parse(text)
    assert message in refused.value.message


def test_a_forced_format_that_does_not_fit_is_refused():
    with pytest.raises(FeedError, match="Not the State Department's JSON"):
        parsed("uk_fcdo_kenya.json", "us-state")
    with pytest.raises(FeedError, match="no “advisories” list"):
        parsed("us_state.json", "matcher")


def test_read_source_refuses_a_missing_file(tmp_path):
    with pytest.raises(FeedError, match="No such file"):
        feeds.read_source(str(tmp_path / "nothing.csv"))


def test_a_feeds_link_is_kept_only_when_it_is_a_web_address():
    feed = feeds.parse(
        b'[{"Title": "Kenya - Level 2: Caution", "Updated": "2026-05-01", "Link": "javascript:alert(1)"},'
        b' {"Title": "Ghana - Level 1: Normal", "Updated": "2026-05-01", "Link": "https://travel.state.gov/gh"}]'
    )
    assert [r.url for r in feed.records] == ["", "https://travel.state.gov/gh"]
