"""Choices for select fields, read from the reference data (once per request: services.reference)."""

from __future__ import annotations

import functools

import pycountry
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from matcher.extensions import db
from matcher.models import LanguageLevel, OpportunityType
from matcher.services import reference

# Languages most used on IR electives first; then every ISO 639-1 language.
COMMON_LANGUAGES = (
    "en",
    "fr",
    "pt",
    "es",
    "sw",
    "ar",
    "am",
    "rw",
    "ha",
    "yo",
    "ig",
    "so",
    "zu",
    "hi",
    "bn",
    "ur",
)


def country_choices(blank: str | None = _l("Choose a country")) -> list[SelectChoice]:
    choices = [SelectChoice(c.iso2, c.name) for c in reference.countries(db.session)]
    return ([SelectChoice("", blank)] if blank else []) + choices


def level_choices() -> list[SelectChoice]:
    return [SelectChoice(str(lv.rank), lv.label) for lv in reference.levels(db.session)]


def interest_choices() -> list[SelectChoice]:
    return [SelectChoice(i.slug, i.label, optgroup=i.group) for i in reference.interests(db.session)]


def type_choices() -> list[SelectChoice]:
    return [SelectChoice(t.value, t.label) for t in OpportunityType]


@functools.cache
def _languages() -> tuple[tuple[str, str], ...]:
    """(code, name) of the common languages, then of every other ISO 639-1 language by name.

    Computed once per process: it walks pycountry's ~8,000 languages, which cost ~5 ms of CPU,
    a third of the search page, when done on every request.
    """

    def name(code: str) -> str:
        return pycountry.languages.get(alpha_2=code).name.replace(" (macrolanguage)", "")

    common = [(code, name(code)) for code in COMMON_LANGUAGES]
    rest = sorted(
        (
            (lang.alpha_2, lang.name.replace(" (macrolanguage)", ""))
            for lang in pycountry.languages
            if hasattr(lang, "alpha_2") and lang.alpha_2 not in COMMON_LANGUAGES
        ),
        key=lambda pair: pair[1],
    )
    return tuple(common + rest)


def language_choices(blank: str | None = "—") -> list[SelectChoice]:
    # New SelectChoice objects every time: they are mutable, so a cached list could be changed.
    choices = [SelectChoice(code, label) for code, label in _languages()]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def language_level_choices() -> list[SelectChoice]:
    return [SelectChoice(level.value, level.label) for level in LanguageLevel]


def region_choices() -> tuple[list[SelectChoice], list[SelectChoice]]:
    pairs = sorted({(c.region, c.subregion) for c in reference.countries(db.session)})
    regions = sorted({r for r, _ in pairs})
    return (
        [SelectChoice(r, r) for r in regions],
        [SelectChoice(s, s, optgroup=r) for r, s in pairs],
    )
