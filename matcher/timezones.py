"""Time zones: the IANA names a user may choose, and timestamps shown in the viewer's zone.

Timestamps are stored as naive UTC (see db.utcnow). Calendar dates (an opportunity's start, a
deadline) are not timestamps and are never converted.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import get_timezone_location
from flask import has_request_context

from matcher.translate import lazy_gettext as _l

DEFAULT_ZONE = "UTC"
# Names that are not places: the system's own link, a placeholder, and a file of rules.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
STYLES = ("date", "datetime", "seconds")


@cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones() - _NOT_ZONES)


def is_known_zone(name: str | None) -> bool:
    return bool(name) and name in zone_names()


# The areas of the IANA names, as the time zone list's groups say them.
AREA_NAMES = {
    "Africa": _l("Africa"),
    "America": _l("America"),
    "Antarctica": _l("Antarctica"),
    "Arctic": _l("Arctic"),
    "Asia": _l("Asia"),
    "Atlantic": _l("Atlantic Ocean"),
    "Australia": _l("Australia"),
    "Europe": _l("Europe"),
    "Indian": _l("Indian Ocean"),
    "Pacific": _l("Pacific Ocean"),
}
OTHER_NAMES = _l("Other names")


def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """Every zone, grouped by area for a <select>: UTC first, old alias names last; the groups and
    the places in the reader's language (CLDR's city names), each group sorted in it."""
    from matcher.formatting import VARIETY, language  # formatting uses this module's zones

    code = language()
    # CLDR's cities in the variety the catalogues are written in: "Teerão" in pt-PT, not "Teerã".
    return _zone_choices("en" if code == "en" else VARIETY[code])


@cache
def _zone_choices(locale: str) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = {"UTC": [(DEFAULT_ZONE, "UTC")]}
    groups.update({area: [] for area in _AREAS})
    others: list[tuple[str, str]] = []
    for name in sorted(zone_names() - {DEFAULT_ZONE}):
        area, _, place = name.partition("/")
        if area in groups and place:
            groups[area].append((name, place.replace("_", " ").replace("/", " / ")))
        else:
            others.append((name, name.replace("_", " ")))
    if locale != "en":
        groups = {area: _in_language(zones, locale) for area, zones in groups.items()}
    named = {str(AREA_NAMES.get(area, area)): zones for area, zones in groups.items() if zones}
    if others:
        named[str(OTHER_NAMES)] = others
    return named


def _in_language(zones: list[tuple[str, str]], locale: str) -> list[tuple[str, str]]:
    """The places of one group by their names in `locale`, sorted in it; a name two zones share
    (an old alias and its zone) keeps the English words after it, so that each reads apart."""
    if zones == [(DEFAULT_ZONE, "UTC")]:
        return zones
    cities = [
        (name, get_timezone_location(name, locale=locale, return_city=True), english)
        for name, english in zones
    ]
    counts = Counter(city for _, city, _ in cities)
    shown = [(name, city if counts[city] == 1 else f"{city} ({english})") for name, city, english in cities]
    return sorted(shown, key=lambda choice: _sort_key(choice[1]))


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def zone(name: str | None) -> tzinfo:
    """The zone of that name; UTC when it is missing or no longer known to this machine."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def to_local(moment: datetime, name: str | None) -> datetime:
    """A stored timestamp (naive means UTC) as the time in the named zone."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(name))


def format_local(moment: datetime | None, name: str | None, style: str = "datetime") -> str:
    """ "12 Mar 2027, 14:05 EAT"; the "date" style gives the local day alone: "12 Mar 2027"."""
    if moment is None:
        return ""
    from matcher.formatting import moment as written

    return written(to_local(moment, name), zone(name), style)


def localtime(moment: datetime | None, style: str = "datetime") -> str:
    """The Jinja filter: a timestamp in the signed-in user's zone (UTC for visitors)."""
    from flask_login import current_user

    name = None
    if has_request_context() and current_user.is_authenticated:
        name = current_user.timezone
    return format_local(moment, name, style)
