"""What every advisory adapter gives back: one record per country, and the refusal of a bad feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

LEVELS = (1, 2, 3, 4)


class FeedError(ValueError):
    """A feed that cannot be imported: nothing of it is. Its message is for the operator who ran
    the import (the command line, the worker's log), in English like the rest of the CLI: the raise
    sites carry `i18n: ignore`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AdvisoryRecord:
    """One country's advice from one feed. `country_code` is an ISO 3166 code when the feed gives
    one we trust; otherwise `country_name` is matched against the countries we know."""

    level: int
    issued_on: date
    country_code: str | None = None
    country_name: str = ""
    summary: str = ""
    url: str = ""


@dataclass
class ParsedFeed:
    source: str  # an AdvisorySource value
    records: list[AdvisoryRecord] = field(default_factory=list)
    # Our own format names countries by ISO code: an unknown one refuses the file. A foreign feed
    # may list places we do not keep (a territory, "Worldwide"): those are skipped and reported.
    strict_countries: bool = False
    skipped: list[str] = field(default_factory=list)  # entries that are not a country's advice


def parse_date(value: object, where: str) -> date:
    """A date from ISO 8601 (a date or a date and time, with or without zone), or a FeedError."""
    text = str(value or "").strip()
    if not text:
        raise FeedError(f"{where}: the date is missing.")  # i18n: ignore
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise FeedError(
                f"{where}: “{text[:40]}” is not a date (use YYYY-MM-DD)."  # i18n: ignore
            ) from None  # i18n: ignore


def parse_level(value: object, where: str) -> int:
    try:
        level = int(str(value).strip())
    except ValueError:
        raise FeedError(
            f"{where}: the level “{str(value)[:20]}” is not a number from 1 to 4."  # i18n: ignore
        ) from None  # i18n: ignore
    if level not in LEVELS:
        raise FeedError(f"{where}: the level {level} is not from 1 to 4.")  # i18n: ignore
    return level


def web_address(value: object) -> str:
    """The feed's link if it is an http(s) address (shown as a link: never javascript: or data:)."""
    text = str(value or "").strip()
    return text[:500] if text.lower().startswith(("https://", "http://")) else ""
