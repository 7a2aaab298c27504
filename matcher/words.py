"""Lists, days and requirements in words, in the reader's language: "a, b and c", "3 March 2027"
(counts: ngettext)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from matcher.formatting import day, spoken_list
from matcher.translate import gettext as _


def long_date(value: date | None) -> str:
    """A day as people write it in a sentence: "3 March 2027" (empty for no day)."""
    return day(value, "long")


def and_list(items: Sequence[str]) -> str:
    """A list as it is read out: "a", "a and b", "a, b and c"."""
    return spoken_list(items)


def requirements_to_check(opportunity: Any) -> list[str]:
    """What an applicant must arrange before accepting a place, in words, the host's own text last."""
    needs = [
        words
        for flag, words in (
            (opportunity.needs_visa, _("a visa")),
            (opportunity.needs_temporary_licence, _("a temporary medical licence")),
            (opportunity.needs_indemnity, _("indemnity cover")),
            (opportunity.needs_immunisations, _("immunisations")),
        )
        if flag
    ]
    if (opportunity.requirements or "").strip():
        needs.append(_("the other requirements on the opportunity's page"))
    return needs
