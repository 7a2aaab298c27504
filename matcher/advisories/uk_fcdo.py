"""The UK FCDO's travel advice from GOV.UK's content API: one country's document
(www.gov.uk/api/content/foreign-travel-advice/kenya), a list of them, or the index
(www.gov.uk/api/content/foreign-travel-advice) whose `links.children` carry each country.

The FCDO gives no numeric level; its alerts (`details.alert_status`) map to ours:
  avoid_all_travel_to_whole_country                -> 4 (advises against all travel)
  avoid_all_but_essential_travel_to_whole_country  -> 3 (against all but essential travel)
  avoid_all_travel_to_parts, or
  avoid_all_but_essential_travel_to_parts          -> 2 (parts of the country: check the region)
  no alert                                         -> 1
"""

from __future__ import annotations

from typing import Any

from matcher.advisories.records import AdvisoryRecord, FeedError, ParsedFeed, parse_date
from matcher.models.departure import AdvisorySource

SITE = "https://www.gov.uk"
ALERT_LEVELS = {
    "avoid_all_travel_to_whole_country": 4,
    "avoid_all_but_essential_travel_to_whole_country": 3,
    "avoid_all_travel_to_parts": 2,
    "avoid_all_but_essential_travel_to_parts": 2,
}


def level_of(alerts: list[str], where: str) -> int:
    unknown = [a for a in alerts if a not in ALERT_LEVELS]
    if unknown:
        raise FeedError(f"{where}: unknown alert status {', '.join(map(str, unknown))}.")  # i18n: ignore
    return max((ALERT_LEVELS[a] for a in alerts), default=1)


def _record(document: dict[str, Any], where: str) -> AdvisoryRecord | None:
    details = document.get("details")
    if not isinstance(details, dict) or not isinstance(details.get("country"), dict):
        return None
    alerts = details.get("alert_status")
    if not isinstance(alerts, list):
        missing = f"{where}: details.alert_status is missing (a list, empty when there is no alert)."
        raise FeedError(missing)
    name = str(details["country"].get("name") or "").strip()
    if not name:
        raise FeedError(f"{where}: details.country.name is missing.")  # i18n: ignore
    issued = document.get("public_updated_at") or details.get("updated_at") or details.get("reviewed_at")
    summary = details.get("change_description") or document.get("description") or ""
    path = str(document.get("base_path") or "")
    return AdvisoryRecord(
        level=level_of(alerts, where),
        issued_on=parse_date(issued, where),
        country_name=name,
        summary=str(summary).strip()[:1000],
        url=(SITE + path)[:500] if path.startswith("/") else "",
    )


def _documents(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        documents = data
    elif isinstance(data, dict) and data.get("document_type") == "travel_advice_index":
        documents = (data.get("links") or {}).get("children") or []
    elif isinstance(data, dict):
        documents = [data]
    else:
        documents = []
    if not documents or not all(isinstance(d, dict) for d in documents):
        raise FeedError(
            "Not FCDO travel advice: expected a GOV.UK content item, a list or the index."  # i18n: ignore
        )
    return documents


def parse_json(data: Any) -> ParsedFeed:
    feed = ParsedFeed(AdvisorySource.UK_FCDO)
    for number, document in enumerate(_documents(data), 1):
        where = f"document {number} ({str(document.get('base_path') or document.get('title') or '')[:60]})"
        record = _record(document, where)
        if record is None:
            feed.skipped.append(f"{where}: not a country's travel advice.")
        else:
            feed.records.append(record)
    if not feed.records:
        raise FeedError("The file holds no country's travel advice (details.country).")  # i18n: ignore
    return feed


def looks_like(data: Any) -> bool:
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and str(first.get("document_type", "")).startswith("travel_advice")
