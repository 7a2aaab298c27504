"""The team builder's input, checked: volunteers and teams as frozen records, and who fits where.

`form_teams` takes plain mappings (its public contract); everything in them is checked here, once,
and every malformed value stops with a ValueError that names the volunteer or team and the key.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

Id = str | int


class Misfit(StrEnum):
    """The first rule a (volunteer, team) pair fails, in the order they are checked."""

    APPLIED = "applied"  # the volunteer gave the teams they applied to, and not this one
    ROLE = "role"  # the team has no slot (max >= 1) for the volunteer's role
    DATES = "dates"  # the team's dates are not inside one of the volunteer's windows
    WEEKS = "weeks"  # the team is longer than the volunteer's budget of weeks
    LANGUAGE = "language"  # the volunteer does not speak the team's language


@dataclass(frozen=True)
class Volunteer:
    id: Id
    role: str
    skills: frozenset[str]
    windows: tuple[tuple[date, date], ...]
    preferences: tuple[Id, ...] = ()  # team ids, best first, as given (ids of other calls included)
    weeks: int | None = None  # the most weeks they can give to one team; None: no limit
    languages: frozenset[str] | None = None  # None: not given
    applied: frozenset[Id] | None = None  # the only teams they may join; None: any


@dataclass(frozen=True)
class Team:
    id: Id
    starts: date
    ends: date
    needs: frozenset[str]
    slots: Mapping[str, tuple[int, int]]  # role -> (min, max)
    language: str | None = None
    fixed: tuple[Id, ...] = ()

    @property
    def weeks(self) -> int:
        """Its length in weeks, both ends included: 14 days are 2 weeks, 15 days are 3."""
        return math.ceil(((self.ends - self.starts).days + 1) / 7)

    def has_slot(self, role: str) -> bool:
        return self.slots.get(role, (0, 0))[1] >= 1


def misfit(volunteer: Volunteer, team: Team) -> Misfit | None:
    """The first rule the pair fails, or None when the volunteer fits the team."""
    if volunteer.applied is not None and team.id not in volunteer.applied:
        return Misfit.APPLIED
    if not team.has_slot(volunteer.role):
        return Misfit.ROLE
    if not any(start <= team.starts and team.ends <= end for start, end in volunteer.windows):
        return Misfit.DATES
    if volunteer.weeks is not None and team.weeks > volunteer.weeks:
        return Misfit.WEEKS
    if team.language is not None and team.language not in (volunteer.languages or ()):
        return Misfit.LANGUAGE
    return None


def fitting_pairs(volunteers: list[Volunteer], teams: list[Team]) -> list[tuple[int, int]]:
    """Every (volunteer position, team position) that fits, in volunteer then team order.

    Teams are looked up by role and then by start date inside each window, so the work grows with
    the pairs that nearly fit rather than with volunteers x teams.
    """
    by_role: dict[str, tuple[list[date], list[int]]] = {}
    for role in sorted({role for team in teams for role in team.slots}):
        positions = sorted(
            (t for t, team in enumerate(teams) if team.has_slot(role)), key=lambda t: teams[t].starts
        )
        by_role[role] = ([teams[t].starts for t in positions], positions)
    pairs: list[tuple[int, int]] = []
    for v, volunteer in enumerate(volunteers):
        starts, positions = by_role.get(volunteer.role, ([], []))
        found: set[int] = set()
        for window_start, window_end in volunteer.windows:
            lo = bisect.bisect_left(starts, window_start)
            hi = bisect.bisect_right(starts, window_end)
            found.update(t for t in positions[lo:hi] if teams[t].ends <= window_end)
        pairs.extend((v, t) for t in sorted(found) if misfit(volunteer, teams[t]) is None)
    return pairs


def sort_key(identifier: Id) -> tuple[int, Any]:
    """Ids sort as integers first, then strings: output never depends on the input's order."""
    return (0, identifier) if isinstance(identifier, int) else (1, identifier)


# Reading and checking the contract's mappings.


def read_volunteers(volunteers: Any) -> list[Volunteer]:
    _mapping(volunteers, "volunteers")
    return [_volunteer(vid, volunteers[vid]) for vid in sorted(_ids(volunteers, "volunteer"), key=sort_key)]


def read_teams(teams: Any, volunteer_ids: Iterable[Id]) -> list[Team]:
    _mapping(teams, "teams")
    known = set(volunteer_ids)
    read = [_team(tid, teams[tid], known) for tid in sorted(_ids(teams, "team"), key=sort_key)]
    fixed_in: dict[Id, Id] = {}
    for team in read:
        for vid in team.fixed:
            if vid in fixed_in:
                raise ValueError(
                    f"volunteer {vid!r} is fixed in two teams: {fixed_in[vid]!r} and {team.id!r}"
                )
            fixed_in[vid] = team.id
    return read


def check_fixed(volunteers: list[Volunteer], teams: list[Team]) -> None:
    """Fixed volunteers must fit their team, and no role may have more fixed than its maximum."""
    by_id = {volunteer.id: volunteer for volunteer in volunteers}
    for team in teams:
        per_role: dict[str, int] = {}
        for vid in team.fixed:
            volunteer = by_id[vid]
            failed = misfit(volunteer, team)
            if failed is not None:
                raise ValueError(
                    f"volunteer {vid!r} is fixed in team {team.id!r} but does not fit it ({failed.value})"
                )
            per_role[volunteer.role] = per_role.get(volunteer.role, 0) + 1
        for role, count in sorted(per_role.items()):
            if count > team.slots[role][1]:
                raise ValueError(
                    f"team {team.id!r} has {count} fixed {role!r} volunteers but at most "
                    f"{team.slots[role][1]} places for that role"
                )


def _mapping(value: Any, name: str) -> None:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a mapping of id to fields, not {type(value).__name__}")


def _ids(mapping: Mapping[Any, Any], kind: str) -> list[Id]:
    for identifier in mapping:
        if isinstance(identifier, bool) or not isinstance(identifier, str | int):
            raise ValueError(
                f"{kind} ids must be strings or integers; got {identifier!r} ({type(identifier).__name__})"
            )
    return list(mapping)


def _fields(value: Any, what: str, required: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a mapping of fields, not {type(value).__name__}")
    missing = [key for key in required if key not in value]
    if missing:
        raise ValueError(f"{what} lacks {', '.join(repr(key) for key in missing)}")
    return value


def _volunteer(vid: Id, value: Any) -> Volunteer:
    what = f"volunteer {vid!r}"
    fields = _fields(value, what, ("role", "skills", "available"))
    windows = _sequence(fields["available"], f"{what}: 'available'", "a list of (start, end) date pairs")
    checked = []
    for window in windows:
        if not isinstance(window, tuple | list) or len(window) != 2:
            raise ValueError(f"{what}: 'available' must hold (start, end) date pairs; got {window!r}")
        start = _date(window[0], f"{what}: a window's start")
        end = _date(window[1], f"{what}: a window's end")
        if end < start:
            raise ValueError(
                f"{what}: the window {start.isoformat()} to {end.isoformat()} ends before it starts"
            )
        checked.append((start, end))
    preferences = _id_list(fields.get("preferences", ()), f"{what}: 'preferences'", "team")
    if len(set(preferences)) != len(preferences):
        raise ValueError(f"{what}: 'preferences' lists a team twice")
    weeks = fields.get("weeks")
    if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 0):
        raise ValueError(f"{what}: 'weeks' must be a whole number of weeks (0 or more), not {weeks!r}")
    languages = fields.get("languages")
    applied = fields.get("applied")
    return Volunteer(
        id=vid,
        role=_text(fields["role"], f"{what}: 'role'"),
        skills=_words(fields["skills"], f"{what}: 'skills'"),
        windows=tuple(sorted(set(checked))),
        preferences=preferences,
        weeks=weeks,
        languages=None if languages is None else _words(languages, f"{what}: 'languages'"),
        applied=None
        if applied is None
        else frozenset(_id_list(applied, f"{what}: 'applied'", "team", ordered=False)),
    )


def _team(tid: Id, value: Any, volunteer_ids: set[Id]) -> Team:
    what = f"team {tid!r}"
    fields = _fields(value, what, ("starts", "ends", "needs", "slots"))
    starts = _date(fields["starts"], f"{what}: 'starts'")
    ends = _date(fields["ends"], f"{what}: 'ends'")
    if ends < starts:
        raise ValueError(f"{what} ends ({ends.isoformat()}) before it starts ({starts.isoformat()})")
    slots = fields["slots"]
    if not isinstance(slots, Mapping):
        raise ValueError(f"{what}: 'slots' must map each role to (min, max), not {type(slots).__name__}")
    checked: dict[str, tuple[int, int]] = {}
    for role in sorted(slots, key=lambda r: (not isinstance(r, str), str(r))):
        _text(role, f"{what}: a role in 'slots'")
        bounds = slots[role]
        if not isinstance(bounds, tuple | list) or len(bounds) != 2:
            raise ValueError(f"{what}: the slots of {role!r} must be (min, max); got {bounds!r}")
        low, high = bounds
        if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in (low, high)):
            raise ValueError(
                f"{what}: the slots of {role!r} must be whole numbers (0 or more); got {bounds!r}"
            )
        if low > high:
            raise ValueError(f"{what}: the slots of {role!r} have min {low} above max {high}")
        checked[role] = (low, high)
    language = fields.get("language")
    fixed = _id_list(fields.get("fixed", ()), f"{what}: 'fixed'", "volunteer")
    for vid in fixed:
        if vid not in volunteer_ids:
            raise ValueError(f"{what}: 'fixed' names {vid!r}, who is not among the volunteers")
    if len(set(fixed)) != len(fixed):
        raise ValueError(f"{what}: 'fixed' names a volunteer twice")
    return Team(
        id=tid,
        starts=starts,
        ends=ends,
        needs=_words(fields["needs"], f"{what}: 'needs'"),
        slots=checked,
        language=None if language is None else _text(language, f"{what}: 'language'"),
        fixed=tuple(sorted(fixed, key=sort_key)),
    )


def _date(value: Any, what: str) -> date:
    # A datetime is a date to isinstance, but comparing it with a date raises: refuse it here.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{what} must be a date, not {type(value).__name__}")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    return value


def _sequence(value: Any, what: str, shape: str, ordered: bool = True) -> list[Any]:
    refused = (str, bytes, Mapping, set, frozenset) if ordered else (str, bytes, Mapping)
    if isinstance(value, refused) or not isinstance(value, Iterable):
        raise ValueError(f"{what} must be {shape}, not {type(value).__name__}")
    return list(value)


def _id_list(value: Any, what: str, kind: str, ordered: bool = True) -> tuple[Id, ...]:
    ids = _sequence(value, what, f"a {'list' if ordered else 'set'} of {kind} ids", ordered)
    for identifier in ids:
        if isinstance(identifier, bool) or not isinstance(identifier, str | int):
            raise ValueError(f"{what} must hold {kind} ids (strings or integers); got {identifier!r}")
    return tuple(ids)


def _words(value: Any, what: str) -> frozenset[str]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValueError(f"{what} must be a set of strings, not {type(value).__name__}")
    words = list(value)
    for word in words:
        _text(word, what)
    return frozenset(words)
