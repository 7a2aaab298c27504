"""The engine's reasons in the reader's language: why a match, why not, why no offer.

The engine (a pure library) records each reason as a code and its parameters, and words it in
English for its own tests and tools (`matcher.engine.reasons`). What people read is worded here
with gettext, in the language of the request (or of the recipient, inside `force_locale`):
to the applicant in the second person, to coordinators and hosts in the third person, naming the
applicant (``about``). Each sentence is one message in each voice, since word order and agreement
differ between languages. A reason stored before its parameters were complete keeps the English
words it was stored with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from matcher.allocation_words import applicant_name as _name
from matcher.allocation_words import lost_to_reserve
from matcher.engine.allocation import RefusalReason
from matcher.engine.reasons import PHRASES, YOU, Voice, render
from matcher.formatting import country_name, day, language, locale, region_label
from matcher.reason_names import named, procedure_names, roles_in_words
from matcher.reason_sentences import N_, PROFICIENCY, SENTENCES
from matcher.translate import gettext, ngettext


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(key: str, about: str | bool | None, values: Mapping[str, Any]) -> str:
    yours, theirs = SENTENCES[key]
    if about is False or theirs is None:
        return gettext(yours, **values)
    words = gettext(theirs, **values, name=_name(about))
    return _capital(words) if theirs.startswith("%(name)s") else words


def _level_range(p: Mapping[str, Any]) -> str:
    low, high = named("level", p["low"]), named("level", p["high"])
    if p["low"] == p["high"]:
        return gettext("%(level)s only", level=low)
    return gettext("%(low)s to %(high)s", low=low, high=high)


def _dates(p: Mapping[str, Any]) -> str:
    start, end = date.fromisoformat(p["start"]), date.fromisoformat(p["end"])
    return gettext("%(start)s to %(end)s", start=day(start, "long"), end=day(end, "long"))


def _language(p: Mapping[str, Any]) -> str:
    """The language's name as it reads inside a sentence (lower case in French, Portuguese, Spanish);
    in English, the reference data's name, as the engine gave it."""
    code = p.get("language_code")
    if not code or language() == "en":
        return p["language"]
    return locale().languages.get(code) or p["language"]


def _proficiency(label: str) -> str:
    return gettext(PROFICIENCY[label]) if label in PROFICIENCY else label


def _place(p: Mapping[str, Any]) -> str:
    """A country named in the reader's language (CLDR); in English, and for regions, as given."""
    code = p.get("place_code") or ""
    if language() == "en":
        return p["place"]
    return country_name(code, p["place"]) if len(code) == 2 else region_label(p["place"])


def _interests(p: Mapping[str, Any], about: str | bool | None) -> str:
    near = {"near": p["near"]} if p["near"] else {}
    if not p["matched"]:
        return _sentence("interests.none_matched" + (".near" if near else ""), about, {"of": p["of"], **near})
    values = {"of": p["of"], "interests": ", ".join(named("interest", i) for i in p["matched"])}
    count = len(p["matched"])
    if not near:
        return ngettext(
            "%(num)d of %(of)s interests match: %(interests)s",
            "%(num)d of %(of)s interests match: %(interests)s",
            count,
            **values,
        )
    if about is False:
        return ngettext(
            "%(num)d of %(of)s interests match: %(interests)s; %(near)s more in an area you chose",
            "%(num)d of %(of)s interests match: %(interests)s; %(near)s more in an area you chose",
            count,
            **values,
            **near,
        )
    return ngettext(
        "%(num)d of %(of)s interests match: %(interests)s; %(near)s more in an area %(name)s chose",
        "%(num)d of %(of)s interests match: %(interests)s; %(near)s more in an area %(name)s chose",
        count,
        **values,
        **near,
        name=_name(about),
    )


def _teaching(p: Mapping[str, Any], about: str | bool | None) -> str:
    """ "You can teach 2 of the 3 topics the host asks for: TACE, ...; 1 more in an area you teach"."""
    topics = ", ".join(named("interest", i) for i in p["matched"])
    n, values = p["matched_count"], {"of": p["of"], "topics": topics, "near": p["near"]}
    listed, near = bool(p["matched"]), bool(p["near"])
    if about is False:
        if listed and near:
            return ngettext(
                "You can teach %(num)d of the %(of)s topics the host asks for: %(topics)s; "
                "%(near)s more in an area you teach",
                "You can teach %(num)d of the %(of)s topics the host asks for: %(topics)s; "
                "%(near)s more in an area you teach",
                n,
                **values,
            )
        if listed:
            return ngettext(
                "You can teach %(num)d of the %(of)s topics the host asks for: %(topics)s",
                "You can teach %(num)d of the %(of)s topics the host asks for: %(topics)s",
                n,
                **values,
            )
        if near:
            return ngettext(
                "You can teach %(num)d of the %(of)s topics the host asks for; "
                "%(near)s more in an area you teach",
                "You can teach %(num)d of the %(of)s topics the host asks for; "
                "%(near)s more in an area you teach",
                n,
                **values,
            )
        return ngettext(
            "You can teach %(num)d of the %(of)s topics the host asks for",
            "You can teach %(num)d of the %(of)s topics the host asks for",
            n,
            **values,
        )
    values["name"] = _name(about)
    if listed and near:
        words = ngettext(
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for: %(topics)s; "
            "%(near)s more in an area %(name)s teaches",
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for: %(topics)s; "
            "%(near)s more in an area %(name)s teaches",
            n,
            **values,
        )
    elif listed:
        words = ngettext(
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for: %(topics)s",
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for: %(topics)s",
            n,
            **values,
        )
    elif near:
        words = ngettext(
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for; "
            "%(near)s more in an area %(name)s teaches",
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for; "
            "%(near)s more in an area %(name)s teaches",
            n,
            **values,
        )
    else:
        words = ngettext(
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for",
            "%(name)s can teach %(num)d of the %(of)s topics the host asks for",
            n,
            **values,
        )
    return _capital(words)


def _procedures(p: Mapping[str, Any], about: str | bool | None) -> str:
    """ "2 of the 3 procedures asked for are covered: you can teach X; you can assist with Y"."""
    count = len(p["teach"]) + len(p["assist"])
    head = ngettext(
        "%(num)d of the %(of)s procedures asked for is covered",
        "%(num)d of the %(of)s procedures asked for are covered",
        count,
        of=p["of"],
    )
    pieces = []
    for kind in ("teach", "assist"):
        if p[kind]:
            yours, theirs = SENTENCES[f"procedures.{kind}"]
            names = procedure_names(p[f"{kind}_codes"], p[kind])
            if about is False:
                pieces.append(gettext(yours, procedures=names))
            else:  # inside the sentence: the name as it is, "the applicant" in lower case
                pieces.append(gettext(theirs, procedures=names, name=_name(about)))
    return gettext("%(head)s: %(details)s", head=head, details="; ".join(pieces))


def _weeks(count: int) -> str:
    return ngettext("%(num)d week", "%(num)d weeks", count)


def say(code: str, params: Mapping[str, Any], about: str | bool | None = False) -> str:
    """One reason, in the reader's language: to the applicant (``about=False``, the default), or
    about the applicant named ``about`` (None or "": "the applicant").

    A reason stored without the parameters this needs (or with a code it does not know) keeps
    the engine's English words.
    """
    try:
        return _say(code, params, about)
    except (KeyError, TypeError, ValueError):
        if code not in PHRASES:
            return ""
        return render(code, params, YOU if about is False else Voice.named(about or None))


def _say(code: str, p: Mapping[str, Any], about: str | bool | None) -> str:
    if code == "interests.overlap":
        return _interests(p, about)
    if code == "teaching.overlap":
        return _teaching(p, about)
    if code == "procedures.cover":
        return _procedures(p, about)
    if code == "level.fit":
        values = {"level": named("level", p["level"]), "range": _level_range(p)}
        return _sentence(f"level.fit.{p['fit']}", about, values)
    values = dict(p)
    if code in ("level", "level.none"):
        values["accepted"] = _level_range(p)
        if "level" in values:
            values["level"] = named("level", values["level"])
    if code.startswith("role"):
        values.update(roles_in_words(p))
    if code.startswith("dates.") and "dates" in p:
        values["dates"] = _dates(p)
    if code == "dates.too_short":
        values["longest"] = ngettext("%(num)d day", "%(num)d days", p["best"])
    if code.startswith("language."):
        values["language"] = _language(p)
        values["level"] = _proficiency(p["level"])
        if "spoken" in p:
            values["spoken"] = _proficiency(p["spoken"])
    if code.startswith("region."):
        values["place"] = _place(p)
    if code == "instruction.missing":
        values["language"] = _language(p)
    if code.startswith("weeks."):
        values.update(weeks=_weeks(p["needs"]), year=str(p["year"]))
        if code == "weeks.over":
            values.update(
                left=_weeks(p["left"]), offered=_weeks(p["offered"]), committed=_weeks(p["committed"])
            )
    return _sentence(code, about, values)


def worded(parts: Iterable[Mapping[str, Any]], about: str | bool | None = False) -> list[dict[str, Any]]:
    """A stored breakdown (Match.breakdown, Suggestion.breakdown) with each reason in the reader's
    language; parts stored before reasons had codes keep their words."""
    return [
        {**part, "reason": say(part["code"], part.get("params") or {}, about)}
        if part.get("code") in PHRASES
        else dict(part)
        for part in parts
    ]


def explain(score: Any, about: str | bool | None = False) -> list[str]:
    """`engine.scoring.Score.explain` in the reader's language: the failures, or the parts most
    important first."""
    if not score.eligible:
        return [say(f.code, f.params, about) if f.code else f.reason for f in score.failures]
    ordered = sorted(score.parts, key=lambda p: -p.weight * p.value)
    return [say(p.code, p.params, about) if p.code else p.reason for p in ordered]


def refusal(entry: Sequence[Any], about: str | bool | None = False) -> str:
    """One stored reason an unmatched applicant was not placed (MatchRun.unmatched entries:
    [opportunity id, the English words, what to word]), in the reader's language."""
    words = entry[2] if len(entry) > 2 and isinstance(entry[2], Mapping) else None
    if words is None:
        return entry[1]
    title = words.get("title", "")
    if words.get("code") in PHRASES:
        reason = say(words["code"], words.get("params") or {}, about)
        return gettext("%(title)s: not eligible: %(reason)s", title=title, reason=reason)
    kind = words.get("refusal")
    if kind == RefusalReason.NOT_RANKED:
        if about is False:
            return gettext("%(title)s did not rank you", title=title)
        return gettext("%(title)s did not rank %(name)s", title=title, name=_name(about))
    if kind == RefusalReason.NOT_ELIGIBLE:
        if about is False:
            return gettext("%(title)s: you are not eligible for it", title=title)
        return gettext("%(title)s: %(name)s is not eligible for it", title=title, name=_name(about))
    if kind == RefusalReason.ZERO_CAPACITY:
        return gettext("%(title)s has no places in this round", title=title)
    if kind == RefusalReason.FULL:
        return ngettext(
            "%(title)s was full with %(num)d applicant it ranked higher",
            "%(title)s was full with %(num)d applicants it ranked higher",
            int(words.get("preferred", 0)),
            title=title,
        )
    if kind == RefusalReason.RESERVED:
        return lost_to_reserve(title, int(words.get("reserved", 0)), about)
    return entry[1]


# The kinds of an outcome letter's reasons (OutcomeLetter.choices), to the applicant.
_LETTER = {
    "declined_before": N_("You declined this place, or let its offer pass, in an earlier round."),
    "incomplete": N_("Your profile was not complete when the round ran, so the matching could not use it."),
    "not_confirmed": N_("The matching proposed you for this place, but the coordinators did not confirm it."),
    "not_ranked": N_("The host did not rank you among its applicants."),
    "ranked_higher": N_("Its places went to applicants the host ranked higher than you."),
}


def letter_reason(choice: Mapping[str, Any]) -> str:
    """Why one choice of an outcome letter did not work, to the applicant in their language."""
    kind = choice.get("kind")
    if kind in _LETTER:
        return gettext(_LETTER[kind])
    if kind == "rule" and choice.get("code") in PHRASES:
        return gettext("It %(reason)s.", reason=say(choice["code"], choice.get("params") or {}))
    return choice.get("reason", "")


# What the system writes in a match's audit trail (MatchEvent.reason), in English; a coordinator's
# or host's own reason is their words and is shown as written.
_RUN = re.compile(r"run (\d+)")
_SUPERSEDED = re.compile(r"run (\d+) was published instead")
_FREED = re.compile(r"place freed by match (\d+) \((\w+)\); next on the waitlist")
_ACCEPTED_ELSEWHERE = re.compile(r"the applicant accepted a place at (.+)")
_FIXED = {
    "no reply by the deadline": N_("no reply by the deadline"),
    "attendance confirmed": N_("attendance confirmed"),
    "approved with all the proposals the filter selected": N_(
        "approved with all the proposals the filter selected"
    ),
    "offered from the waitlist": N_("offered from the waitlist"),
}


def event_reason(reason: str | None, status_word: Callable[[str], str]) -> str:
    """A match event's reason in the reader's language when the system wrote it; ``status_word``
    words a match status (`MatchStatus.label_for`)."""
    if not reason:
        return ""
    if reason in _FIXED:
        return gettext(_FIXED[reason])
    if found := _ACCEPTED_ELSEWHERE.fullmatch(reason):
        return gettext("the applicant accepted a place at %(title)s", title=found[1])
    if found := _RUN.fullmatch(reason):
        return gettext("run %(number)s", number=found[1])
    if found := _SUPERSEDED.fullmatch(reason):
        return gettext("run %(number)s was published instead", number=found[1])
    if found := _FREED.fullmatch(reason):
        return gettext(
            "place freed by match %(id)s (%(status)s); next on the waitlist",
            id=found[1],
            status=status_word(found[2]),
        )
    return reason
