"""The US State Department's travel advisories: its RSS feed (travel.state.gov/_res/rss/TAsTWs.xml)
or its JSON API (cadataapi.state.gov/api/TravelAdvisories).

Each entry's title reads "Kenya - Level 2: Exercise Increased Caution": the level is the number
after "Level", the country the words before the dash. The feed's own country tags are not ISO codes
for every country (they follow the State Department's list), so countries are matched by name.
"""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from matcher.advisories.records import AdvisoryRecord, FeedError, ParsedFeed, parse_date, web_address
from matcher.models.departure import AdvisorySource

_TITLE = re.compile(r"^\s*(?P<country>.+?)\s+[-–—]\s+Level\s+(?P<level>[1-4])\b", re.IGNORECASE)
_LEVEL = re.compile(r"Level\s+(?P<level>[1-4])\b", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def _plain(html: str, limit: int = 1000) -> str:
    return " ".join(_TAGS.sub(" ", html or "").split())[:limit]


def _rss_date(text: str, where: str) -> date:
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        return parse_date(text, where)


def _record(title: str, levels: list[str], issued_on: date, summary: str, url: str) -> AdvisoryRecord | None:
    match = _TITLE.match(title or "")
    if match is None:
        return None
    level = int(match["level"])
    for text in levels:  # the Threat-Level category, where given, says the same
        tagged = _LEVEL.search(text or "")
        if tagged and int(tagged["level"]) != level:
            differ = f"“{title}”: the title says level {level}, its category level {tagged['level']}."
            raise FeedError(differ)
    return AdvisoryRecord(
        level=level, issued_on=issued_on, country_name=match["country"].strip(), summary=summary, url=url
    )


def parse_rss(data: bytes) -> ParsedFeed:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise FeedError(f"The RSS feed is not well-formed XML: {error}.") from None  # i18n: ignore
    items = root.findall("./channel/item")
    if root.tag != "rss" or not items:
        raise FeedError("Not a State Department RSS feed: no <rss><channel><item> entries.")  # i18n: ignore
    feed = ParsedFeed(AdvisorySource.US_STATE)
    for number, item in enumerate(items, 1):
        title = (item.findtext("title") or "").strip()
        where = f"item {number} (“{title[:60]}”)"
        published = (item.findtext("pubDate") or "").strip()
        if not published:
            raise FeedError(f"{where}: no pubDate.")  # i18n: ignore
        levels = [c.text or "" for c in item.findall("category") if c.get("domain") == "Threat-Level"]
        record = _record(
            title,
            levels,
            _rss_date(published, where),
            _plain(item.findtext("description") or ""),
            web_address(item.findtext("link")),
        )
        if record is None:
            feed.skipped.append(f"{where}: no “Country - Level N” title.")
        else:
            feed.records.append(record)
    return _checked(feed)


def parse_json(data: Any) -> ParsedFeed:
    if not isinstance(data, list) or not all(isinstance(e, dict) and "Title" in e for e in data):
        raise FeedError(
            "Not the State Department's JSON: expected a list of entries with a “Title”."  # i18n: ignore
        )
    feed = ParsedFeed(AdvisorySource.US_STATE)
    for number, entry in enumerate(data, 1):
        title = str(entry.get("Title") or "").strip()
        where = f"entry {number} (“{title[:60]}”)"
        record = _record(
            title,
            [],
            parse_date(entry.get("Updated") or entry.get("Published"), where),
            _plain(str(entry.get("Summary") or "")),
            web_address(entry.get("Link")),
        )
        if record is None:
            feed.skipped.append(f"{where}: no “Country - Level N” title.")
        else:
            feed.records.append(record)
    return _checked(feed)


def _checked(feed: ParsedFeed) -> ParsedFeed:
    if not feed.records:
        raise FeedError("The feed holds no country advisory with a level.")  # i18n: ignore
    return feed


def looks_like_json(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "Title" in data[0]
