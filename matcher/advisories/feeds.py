"""Read an advisory source (a file or an http(s) URL) and parse it with the right adapter."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from matcher.advisories import ours, uk_fcdo, us_state
from matcher.advisories.records import FeedError, ParsedFeed
from matcher.models.departure import AdvisorySource

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30


def read_source(source: str) -> bytes:
    """The bytes of a file path or an http(s) URL (at most MAX_BYTES), or a FeedError."""
    if source.startswith(("https://", "http://")):
        # Only http(s) reaches here (checked above): no file:// or other schemes from a URL.
        request = urllib.request.Request(source, headers={"User-Agent": "ir-matcher advisories"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                data = response.read(MAX_BYTES + 1)
        except OSError as error:
            raise FeedError(f"Could not fetch {source}: {error}.") from None  # i18n: ignore
    else:
        path = Path(source)
        if not path.is_file():
            raise FeedError(f"No such file: {source}.")  # i18n: ignore
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FeedError(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB.")  # i18n: ignore
    return data


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError("The file is not UTF-8 text.") from None  # i18n: ignore


def detect(data: bytes) -> AdvisorySource:
    """Which format the bytes are in: RSS is the State Department's; JSON by its shape; else ours."""
    text = _text(data).lstrip()
    if text.startswith("<"):
        return AdvisorySource.US_STATE
    if ours.looks_like_csv(text):
        return AdvisorySource.MATCHER
    try:
        parsed = json.loads(text)
    except ValueError:
        raise FeedError("Unknown format: neither our CSV, JSON nor an RSS feed.") from None  # i18n: ignore
    if us_state.looks_like_json(parsed):
        return AdvisorySource.US_STATE
    if uk_fcdo.looks_like(parsed):
        return AdvisorySource.UK_FCDO
    return AdvisorySource.MATCHER


def parse(data: bytes, source_format: str | None = None) -> ParsedFeed:
    """The feed's records, in `source_format` (an AdvisorySource value) or the detected one."""
    kind = AdvisorySource(source_format) if source_format else detect(data)
    text = _text(data)
    if kind == AdvisorySource.MATCHER:
        return ours.parse(text)
    if kind == AdvisorySource.US_STATE and text.lstrip().startswith("<"):
        return us_state.parse_rss(data)
    try:
        parsed = json.loads(text)
    except ValueError as error:
        raise FeedError(f"Not valid JSON: {error}.") from None  # i18n: ignore
    return us_state.parse_json(parsed) if kind == AdvisorySource.US_STATE else uk_fcdo.parse_json(parsed)
