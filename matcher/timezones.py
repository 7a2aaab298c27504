"""Time zones: the IANA names a user may choose, and timestamps shown in the viewer's zone.

Timestamps are stored as naive UTC (see db.utcnow). Calendar dates (an opportunity's start, a
deadline) are not timestamps and are never converted.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


@cache
def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """Every zone, sorted, grouped by area for a <select>: UTC first, old alias names last."""
    groups: dict[str, list[tuple[str, str]]] = {"UTC": [(DEFAULT_ZONE, "UTC")]}
    groups.update({area: [] for area in _AREAS})
    others: list[tuple[str, str]] = []
    for name in sorted(zone_names() - {DEFAULT_ZONE}):
        area, _, place = name.partition("/")
        if area in groups and place:
            groups[area].append((name, place.replace("_", " ").replace("/", " / ")))
        else:
            others.append((name, name.replace("_", " ")))
    groups["Other names"] = others
    return {area: zones for area, zones in groups.items() if zones}


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
    from flask import has_request_context
    from flask_login import current_user

    name = None
    if has_request_context() and current_user.is_authenticated:
        name = current_user.timezone
    return format_local(moment, name, style)
