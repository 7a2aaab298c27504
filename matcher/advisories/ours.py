"""Our own advisory format, CSV or JSON (documented in the README, "Travel advisories").

CSV: a header row `country,level,issued_on,summary,url` (summary and url may be left empty or
left out), then one row per country; `country` is the ISO 3166-1 alpha-2 code.
JSON: `{"advisories": [{"country": "KE", "level": 2, "issued_on": "2026-05-01", "summary": "...",
"url": "https://..."}]}`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from matcher.advisories.records import AdvisoryRecord, FeedError, ParsedFeed, parse_date, parse_level
from matcher.models.departure import AdvisorySource

REQUIRED = ("country", "level", "issued_on")
COLUMNS = (*REQUIRED, "summary", "url")
MAX_SUMMARY = 2000


def looks_like_csv(text: str) -> bool:
    first = text.lstrip("\ufeff").lstrip().split("\n", 1)[0].lower()
    return first.replace(" ", "").startswith("country,")


def _record(row: Mapping[str, Any], where: str) -> AdvisoryRecord:
    missing = [name for name in REQUIRED if not str(row.get(name) or "").strip()]
    if missing:
        raise FeedError(f"{where}: {', '.join(missing)} missing.")  # i18n: ignore
    code = str(row["country"]).strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise FeedError(f"{where}: the country “{code[:20]}” is not a two-letter ISO code.")  # i18n: ignore
    url = str(row.get("url") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise FeedError(f"{where}: the url must start with https:// or http://.")  # i18n: ignore
    return AdvisoryRecord(
        country_code=code,
        level=parse_level(row["level"], where),
        issued_on=parse_date(row["issued_on"], where),
        summary=str(row.get("summary") or "").strip()[:MAX_SUMMARY],
        url=url[:500],
    )


def _feed(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> ParsedFeed:
    feed = ParsedFeed(AdvisorySource.MATCHER, strict_countries=True)
    seen: dict[str, str] = {}
    for where, row in rows:
        record = _record(row, where)
        if record.country_code in seen:
            twice = f"{where}: {record.country_code} is listed twice (also {seen[record.country_code]})."
            raise FeedError(twice)
        seen[record.country_code] = where
        feed.records.append(record)
    if not feed.records:
        raise FeedError("The file lists no advisories.")  # i18n: ignore
    return feed


def parse_csv(text: str) -> ParsedFeed:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        lacking = f"The CSV header lacks the column(s): {', '.join(missing)} (expected {','.join(COLUMNS)})."
        raise FeedError(lacking)
    reader.fieldnames = header
    return _feed((f"line {reader.line_num}", row) for row in reader)


def parse_json(data: Any) -> ParsedFeed:
    items = data.get("advisories") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise FeedError("The JSON file has no “advisories” list.")  # i18n: ignore
    for number, entry in enumerate(items, 1):
        if not isinstance(entry, dict):
            raise FeedError(f"advisory {number}: not an object.")  # i18n: ignore
    return _feed((f"advisory {number}", entry) for number, entry in enumerate(items, 1))


def parse(text: str) -> ParsedFeed:
    if looks_like_csv(text):
        return parse_csv(text)
    try:
        data = json.loads(text)
    except ValueError as error:
        raise FeedError(
            f"Neither our CSV (header country,level,issued_on,...) nor JSON: {error}."  # i18n: ignore
        ) from None  # i18n: ignore
    return parse_json(data)
