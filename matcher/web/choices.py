"""Choices for select fields, read from the reference data (once per request: services.reference),
worded and sorted in the reader's language (values stay codes and English names)."""

from __future__ import annotations

import functools

from flask_babel import force_locale
from wtforms.fields.choices import SelectChoice

from matcher.extensions import db
from matcher.formatting import (
    country_label,
    label_for,
    language,
    language_codes,
    language_label,
    region_label,
    sort_key,
)
from matcher.models import LanguageLevel, OpportunityType
from matcher.models.opportunity import CONTENT_LANGUAGES
from matcher.services import reference
from matcher.translate import lazy_gettext as _l

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


def countries_by_name() -> tuple[tuple[str, str], ...]:
    """(code, name) of every country, named and sorted in the reader's language; kept per process,
    reference version and language."""

    def build() -> tuple[tuple[str, str], ...]:
        named = ((c.iso2, country_label(c)) for c in reference.countries(db.session))
        return tuple(sorted(named, key=lambda pair: sort_key(pair[1])))

    return reference.derived(db.session, f"countries_by_name:{language()}", build)


def country_choices(blank: str | None = _l("Choose a country")) -> list[SelectChoice]:
    choices = [SelectChoice(code, name) for code, name in countries_by_name()]
    return ([SelectChoice("", str(blank))] if blank else []) + choices


def level_choices() -> list[SelectChoice]:
    return [SelectChoice(str(lv.rank), label_for(lv)) for lv in reference.levels(db.session)]


def interest_choices() -> list[SelectChoice]:
    return [
        SelectChoice(i.slug, label_for(i), optgroup=label_for(i, "group"))
        for i in reference.interests(db.session)
    ]


def type_choices() -> list[SelectChoice]:
    return [SelectChoice(t.value, t.label) for t in OpportunityType]


@functools.cache
def _languages(reader: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the common languages, then of every other ISO 639-1 language by name, named
    and sorted in the reader's language.

    Computed once per process and language: it costs ~5 ms of CPU, a third of the search page,
    when done on every request.
    """
    with force_locale(reader):
        common = [(code, language_label(code)) for code in COMMON_LANGUAGES]
        rest = sorted(
            ((code, language_label(code)) for code in language_codes() if code not in COMMON_LANGUAGES),
            key=lambda pair: sort_key(pair[1]),
        )
    return tuple(common + rest)


def language_choices(blank: str | None = "—") -> list[SelectChoice]:
    # New SelectChoice objects every time: they are mutable, so a cached list could be changed.
    choices = [SelectChoice(code, label) for code, label in _languages(language())]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def content_language_choices() -> list[SelectChoice]:
    """The languages content can be written in (the interface's), named in the reader's language."""
    return [SelectChoice(code, language_label(code)) for code in CONTENT_LANGUAGES]


def language_level_choices() -> list[SelectChoice]:
    return [SelectChoice(level.value, level.label) for level in LanguageLevel]


def region_choices() -> tuple[list[SelectChoice], list[SelectChoice]]:
    pairs = sorted({(c.region, c.subregion) for c in reference.countries(db.session)})
    regions = sorted({r for r, _ in pairs})
    return (
        [SelectChoice(r, region_label(r)) for r in regions],
        [SelectChoice(s, region_label(s), optgroup=region_label(r)) for r, s in pairs],
    )
