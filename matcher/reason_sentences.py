"""The sentences of each engine reason, in each voice, as catalogue entries (reason_words words them).

Each code maps to (the applicant's words, the words about the applicant named %(name)s); None
means the same words serve both. `N_` only marks them for extraction: they are translated when
shown, in the reader's language.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "extract this, translate it later"
    return message


# Language levels (matcher.engine.profiles.Proficiency labels), as they read after "needs".
PROFICIENCY = {
    "basic": N_("basic"),
    "conversational": N_("conversational"),
    "professional": N_("professional"),
}

# code -> (the applicant's words, the words about the applicant named %(name)s); None: the same.
SENTENCES: dict[str, tuple[str, str | None]] = {
    "closed": (N_("%(opportunity)s is not open for applications"), None),
    "full": (N_("%(opportunity)s has no places left"), None),
    "level": (
        N_("accepts %(accepted)s; your profile says %(level)s"),
        N_("accepts %(accepted)s; %(name)s's profile says %(level)s"),
    ),
    "level.none": (
        N_("accepts %(accepted)s; your profile gives no training level"),
        N_("accepts %(accepted)s; %(name)s's profile gives no training level"),
    ),
    "role": (
        N_("is for these professions: %(accepted)s; your profile says %(profession)s"),
        N_("is for these professions: %(accepted)s; %(name)s's profile says %(profession)s"),
    ),
    "role.none": (
        N_("is for these professions: %(accepted)s; your profile gives no profession"),
        N_("is for these professions: %(accepted)s; %(name)s's profile gives no profession"),
    ),
    "role.outside": (
        N_("None of the roles the host asks for is your profession"),
        N_("None of the roles the host asks for is %(name)s's profession"),
    ),
    "role.fit": (N_("%(profession)s is one of the roles the host asks for"), None),
    "dates.no_availability": (
        N_("runs %(dates)s; your profile gives no availability"),
        N_("runs %(dates)s; %(name)s's profile gives no availability"),
    ),
    "dates.no_overlap": (
        N_("runs %(dates)s; none of your availability overlaps it"),
        N_("runs %(dates)s; none of %(name)s's availability overlaps it"),
    ),
    "dates.too_short": (
        N_("needs %(needs)s days between %(dates)s; your longest availability in that period is %(longest)s"),
        N_(
            "needs %(needs)s days between %(dates)s; %(name)s's longest availability in that period "
            "is %(longest)s"
        ),
    ),
    "language.missing": (
        N_("needs %(level)s %(language)s; your profile does not list %(language)s"),
        N_("needs %(level)s %(language)s; %(name)s's profile does not list %(language)s"),
    ),
    "language.level": (
        N_("needs %(level)s %(language)s; your profile says %(spoken)s"),
        N_("needs %(level)s %(language)s; %(name)s's profile says %(spoken)s"),
    ),
    "region.no_preference": (
        N_("In %(place)s; you have not chosen regions"),
        N_("In %(place)s; %(name)s has not chosen regions"),
    ),
    "region.country": (N_("In %(place)s, a country you chose"), N_("In %(place)s, a country %(name)s chose")),
    "region.subregion": (
        N_("In %(place)s, a sub-region you chose"),
        N_("In %(place)s, a sub-region %(name)s chose"),
    ),
    "region.region": (N_("In %(place)s, a region you chose"), N_("In %(place)s, a region %(name)s chose")),
    "region.outside": (
        N_("In %(place)s, outside the regions you chose"),
        N_("In %(place)s, outside the regions %(name)s chose"),
    ),
    "interests.no_focus": (N_("The opportunity lists no particular focus"), None),
    "interests.none_chosen": (N_("You have not chosen interests"), N_("%(name)s has not chosen interests")),
    "interests.none_matched": (
        N_("None of its %(of)s interests is one of yours"),
        N_("None of its %(of)s interests is one of %(name)s's"),
    ),
    "interests.none_matched.near": (
        N_("None of its %(of)s interests is one of yours; %(near)s more in an area you chose"),
        N_("None of its %(of)s interests is one of %(name)s's; %(near)s more in an area %(name)s chose"),
    ),
    "level.fit.outside": (N_("%(level)s is outside the accepted range (%(range)s)"), None),
    "level.fit.exact": (N_("%(level)s is the level it asks for"), None),
    "level.fit.middle": (N_("%(level)s is in the middle of the accepted range (%(range)s)"), None),
    "level.fit.edge": (N_("%(level)s is near the edge of the accepted range (%(range)s)"), None),
    "dates.free": (
        N_("You are free for %(best)s of its %(days)s days"),
        N_("%(name)s is free for %(best)s of its %(days)s days"),
    ),
    "dates.window": (
        N_("You are free for %(best)s days in its window; the visit needs %(needs)s"),
        N_("%(name)s is free for %(best)s days in its window; the visit needs %(needs)s"),
    ),
    "teaching.none_asked": (N_("The host has not listed topics to teach"), None),
    "teaching.nothing": (
        N_("Your profile lists nothing you can teach"),
        N_("%(name)s's profile lists nothing to teach"),
    ),
    # A teaching request's rules and procedures (a teaching visit answering a host's request).
    "instruction.missing": (
        N_(
            "is taught in %(language)s; your profile does not list %(language)s among the languages you "
            "teach in"
        ),
        N_(
            "is taught in %(language)s; %(name)s's profile does not list %(language)s among the languages "
            "%(name)s teaches in"
        ),
    ),
    "weeks.none": (
        N_("takes %(weeks)s in %(year)s; your profile does not say how many weeks a year you offer to teach"),
        N_(
            "takes %(weeks)s in %(year)s; %(name)s's profile does not say how many weeks a year %(name)s "
            "offers to teach"
        ),
    ),
    "weeks.over": (
        N_(
            "takes %(weeks)s in %(year)s; you have %(left)s left of the %(offered)s a year you offered "
            "(%(committed)s already committed)"
        ),
        N_(
            "takes %(weeks)s in %(year)s; %(name)s has %(left)s left of the %(offered)s a year %(name)s "
            "offered (%(committed)s already committed)"
        ),
    ),
    "procedures.none_asked": (N_("The request lists no procedures"), None),
    "procedures.nothing": (
        N_("You can neither teach nor assist with any of the %(of)s procedures asked for"),
        N_("%(name)s can neither teach nor assist with any of the %(of)s procedures asked for"),
    ),
    "procedures.teach": (N_("you can teach %(procedures)s"), N_("%(name)s can teach %(procedures)s")),
    "procedures.assist": (
        N_("you can assist with %(procedures)s"),
        N_("%(name)s can assist with %(procedures)s"),
    ),
    "rank.unranked": (N_("Not in your ranked list"), N_("Not in %(name)s's ranked list")),
    "rank.position": (
        N_("Your choice %(position)s of %(of)s"),
        N_("%(name)s's choice %(position)s of %(of)s"),
    ),
}
