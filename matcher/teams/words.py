"""The builder's explanations (codes and parameters) and the teams' trail, in the reader's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matcher.formatting import label_for, language_name, spoken_list
from matcher.models import Profession
from matcher.translate import gettext as _
from matcher.translate import ngettext


def role_name(code: str, professions: Mapping[str, Profession]) -> str:
    profession = professions.get(code)
    return label_for(profession) if profession is not None else code


def misfit(code: str | None) -> str:
    return {
        None: _("fits this team"),
        "role": _("no place for their profession"),
        "applied": _("did not apply to this visit"),
        "dates": _("not available on the visit's dates"),
        "weeks": _("has fewer weeks left this year than the visit lasts"),
        "language": _("does not teach in the visit's language"),
    }.get(code, code or "")


def why_not(reason: Mapping[str, Any], professions: Mapping[str, Profession]) -> str:
    """Why the builder could not form a team."""
    code, p = reason.get("code"), reason.get("params", {})
    role = role_name(p.get("role", ""), professions)
    if code == "role_short":
        return ngettext(
            "%(role)s: at least %(minimum)s wanted, but only %(num)d volunteer fits.",
            "%(role)s: at least %(minimum)s wanted, but only %(num)d volunteers fit.",
            int(p.get("fitting", 0)),
            role=role,
            minimum=p.get("minimum"),
        )
    if code == "role_taken":
        return _("%(role)s: enough volunteers fit, but the best plan needs them in other teams.", role=role)
    if code == "fixed_released":
        return _("Even with the people already placed, this team cannot reach its minimums.")
    return _("The builder stopped at its time limit before choosing this team.")


def left_out(reason: Mapping[str, Any], professions: Mapping[str, Profession]) -> str:
    """Why a volunteer is in no team of the build."""
    code, p = reason.get("code"), reason.get("params", {})
    if code == "no_role_slot":
        return _(
            "No team has a place for their profession (%(role)s).",
            role=role_name(p.get("role", ""), professions),
        )
    if code == "not_applied":
        return _("They applied to none of these visits.")
    if code == "dates":
        return _("No team with a place for them falls inside their availability.")
    if code == "weeks":
        return _(
            "Their weeks left (%(weeks)s) are fewer than the shortest visit (%(shortest)s weeks).",
            weeks=p.get("weeks"),
            shortest=p.get("shortest"),
        )
    if code == "language":
        wanted = spoken_list([language_name(c, c) for c in p.get("wanted", [])])
        return _("They do not teach in the visits' language (%(languages)s).", languages=wanted)
    if code == "not_formed":
        return _("Every team they fit could not be formed.")
    if code == "teams_full":
        return _("Others covered more of the needs: the places for their profession were taken.")
    return _("The builder stopped at its time limit before placing them.")


def event(action: str) -> str:
    """A decision in the team's trail."""
    return {
        "created": _("Team created in the build"),
        "run_build": _("Team builder run"),
        "run_refill": _("Open places filled by the builder"),
        "run_replace": _("Replacement asked of the builder"),
        "added": _("Member added by hand"),
        "removed": _("Member removed"),
        "swapped": _("Member swapped"),
        "approved": _("Team approved"),
        "confirmed": _("Team confirmed by the host"),
        "offered": _("Place offered"),
        "accepted": _("Place accepted"),
        "declined": _("Place declined"),
        "cancelled": _("Team cancelled"),
    }.get(action, action)
