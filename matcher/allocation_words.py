"""An allocation's outcome for one applicant in the reader's language, where reserved places explain
it: placed on a reserved place, or refused by an opportunity that placed applicants ranked below
them on reserved places (`matcher.engine.Allocation.how_placed`, `RefusalReason.RESERVED`).

To the applicant in the second person, to staff in the third person naming the applicant
(``about``), as in `matcher.reason_words`, which words the other reasons.
"""

from __future__ import annotations

from matcher.translate import gettext, ngettext


def applicant_name(about: str | bool | None) -> str:
    """The applicant's name as staff read it, or "the applicant" when none is known."""
    return (about or "").strip() or gettext("the applicant")


def lost_to_reserve(title: str, reserved: int, about: str | bool | None = False) -> str:
    """Why an opportunity placed ``reserved`` applicants it ranked below this one: on its reserved
    places, for which this one is not eligible (`engine.RefusalReason.RESERVED`)."""
    if about is False:
        return ngettext(
            "%(title)s ranked you above %(num)d applicant it placed on a reserved place, "
            "which you are not eligible for",
            "%(title)s ranked you above %(num)d applicants it placed on reserved places, "
            "which you are not eligible for",
            reserved,
            title=title,
        )
    return ngettext(
        "%(title)s ranked %(name)s above %(num)d applicant it placed on a reserved place, "
        "which %(name)s is not eligible for",
        "%(title)s ranked %(name)s above %(num)d applicants it placed on reserved places, "
        "which %(name)s is not eligible for",
        reserved,
        title=title,
        name=applicant_name(about),
    )


def placed(title: str, on_reserve: bool, about: str | bool | None = False) -> str:
    """Where the applicant was placed, saying when it is on a reserved place
    (`engine.Allocation.how_placed`), in the reader's language."""
    if about is False:
        if on_reserve:
            return gettext("You were placed on a reserved place at %(title)s", title=title)
        return gettext("You were placed at %(title)s", title=title)
    if on_reserve:
        return gettext(
            "%(name)s was placed on a reserved place at %(title)s", title=title, name=applicant_name(about)
        )
    return gettext("%(name)s was placed at %(title)s", title=title, name=applicant_name(about))
