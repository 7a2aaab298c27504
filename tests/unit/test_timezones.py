"""Time-zone helpers: which names are offered, and how a stored UTC timestamp reads in a zone."""

from datetime import UTC, datetime, timedelta, timezone

from matcher.timezones import format_local, is_known_zone, zone_choices, zone_names

MOMENT = datetime(2027, 3, 12, 21, 30)  # naive, as stored: UTC


def test_naive_and_aware_utc_read_the_same():
    aware = MOMENT.replace(tzinfo=UTC)
    assert format_local(MOMENT, "Africa/Nairobi") == format_local(aware, "Africa/Nairobi")
    assert format_local(MOMENT, "Africa/Nairobi") == "13 Mar 2027, 00:30 EAT"


def test_an_aware_time_in_another_offset_is_converted_not_relabelled():
    lagos_evening = datetime(2027, 3, 12, 22, 30, tzinfo=timezone(timedelta(hours=1)))
    assert format_local(lagos_evening, "UTC") == "12 Mar 2027, 21:30 UTC"


def test_the_date_style_gives_the_local_day():
    assert format_local(MOMENT, "Asia/Tokyo", "date") == "13 Mar 2027"
    assert format_local(MOMENT, "America/Lima", "date") == "12 Mar 2027"


def test_missing_or_unknown_zones_read_as_utc_and_nothing_reads_as_empty():
    assert format_local(MOMENT, None) == "12 Mar 2027, 21:30 UTC"
    assert format_local(MOMENT, "Nowhere/At_all") == "12 Mar 2027, 21:30 UTC"
    assert format_local(MOMENT, "../../etc/passwd") == "12 Mar 2027, 21:30 UTC"
    assert format_local(None, "Africa/Nairobi") == ""


def test_the_choices_hold_every_offered_zone_once_utc_first():
    groups = zone_choices()
    assert next(iter(groups)) == "UTC"
    offered = [value for zones in groups.values() for value, _ in zones]
    assert len(offered) == len(set(offered)) and set(offered) == zone_names()
    assert ("Africa/Dar_es_Salaam", "Dar es Salaam") in groups["Africa"]
    assert ("America/Argentina/Buenos_Aires", "Argentina / Buenos Aires") in groups["America"]


def test_system_names_that_are_not_places_are_not_offered():
    for name in ("localtime", "Factory", "posixrules", "", None, "Mars/Olympus_Mons"):
        assert not is_known_zone(name)
    assert is_known_zone("Africa/Kigali") and is_known_zone("UTC")
