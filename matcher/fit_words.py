"""Teaching fit and volunteer cards in the reader's language (services.teaching_fit gives codes).

To the volunteer, in the second person: why a teaching request does not fit them, rule by rule.
Months, grades and the like are named here too, for the directory's cards.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from matcher.formatting import country_name, label_for, language_label, locale
from matcher.services.teaching_fit import Fit
from matcher.translate import gettext, ngettext
from matcher.translate import lazy_gettext as _l
from matcher.words import and_list

RULE_NAMES = {
    "role": _l("Role"),
    "language": _l("Language of instruction"),
    "months": _l("Months"),
    "weeks": _l("Weeks left this year"),
    "remote": _l("Remote teaching"),
    "licence": _l("Licence to practise"),
}


def month_name(month: int) -> str:
    """A month's name as a label, in the reader's language ("Mars" in French)."""
    name = locale().months["stand-alone"]["wide"][month]
    return name[:1].upper() + name[1:]


def month_list(months: list[int] | tuple[int, ...]) -> str:
    return and_list([month_name(m) for m in sorted(months)])


def weeks(count: int) -> str:
    return ngettext("%(num)d week", "%(num)d weeks", count)


def grade_label(user: Any, profile: Any) -> str:
    """The volunteer's grade in their profession's words, or their training level."""
    profession = getattr(user, "profession", None)
    if profile.grade and profession is not None:
        for grade in profession.grades or ():
            if grade.get("code") == profile.grade:
                return label_for(
                    SimpleNamespace(label=grade["label"], translations=grade.get("translations"))
                )
    return label_for(profile.level) if getattr(profile, "level", None) is not None else ""


def rule_sentence(code: str, fit: Fit, request: Any, profile: Any) -> str:
    """Why the volunteer fails the rule ``code`` for ``request`` (or, for "licence", the warning)."""
    if code == "role":
        roles = and_list([label_for(r.profession) for r in request.roles])
        profession = getattr(profile.user, "profession", None)
        if profession is None:
            return gettext("The host asks for %(roles)s; your profile gives no profession.", roles=roles)
        return gettext(
            "The host asks for %(roles)s; your profession, %(profession)s, is not among them.",
            roles=roles,
            profession=label_for(profession),
        )
    if code == "language":
        return gettext(
            "Teaching there is in %(language)s; you have not marked %(language)s as a language you teach in.",
            language=language_label(request.instruction_language),
        )
    if code == "months":
        if not profile.teaching_months:
            return gettext("You have not said which months you can travel to teach.")
        return gettext(
            "The host prefers %(months)s; none of your months (%(yours)s) is among them.",
            months=month_list(request.months),
            yours=month_list(profile.teaching_months),
        )
    if code == "weeks":
        if fit.weeks_left is None:
            return gettext("You have not said how many weeks a year you offer to teach.")
        return gettext(
            "The visit takes %(needs)s; you have %(left)s left to give in %(year)s.",
            needs=weeks(request.weeks or 0),
            left=weeks(fit.weeks_left),
            year=str(fit.year),
        )
    if code == "remote":
        return gettext("This is remote teaching; your profile does not say you teach remotely.")
    if code == "licence":
        return gettext(
            "You hold no valid licence to practise in %(country)s. Many countries grant visiting "
            "teachers a temporary licence: ask the host.",
            country=country_name(request.site.country_code, request.site.country_code),
        )
    return code
