"""Choices for select fields, read from the reference data."""

from __future__ import annotations

import pycountry
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from matcher.extensions import db
from matcher.models import Country, Interest, LanguageLevel, OpportunityType, TrainingLevel

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


def country_choices(blank: str | None = "Choose a country") -> list[SelectChoice]:
    rows = db.session.execute(select(Country.iso2, Country.name).order_by(Country.name))
    choices = [SelectChoice(code, name) for code, name in rows]
    return ([SelectChoice("", blank)] if blank else []) + choices


def level_choices() -> list[SelectChoice]:
    rows = db.session.execute(select(TrainingLevel.rank, TrainingLevel.label).order_by(TrainingLevel.rank))
    return [SelectChoice(str(rank), label) for rank, label in rows]


def interest_choices() -> list[SelectChoice]:
    rows = db.session.scalars(select(Interest).order_by(Interest.position))
    return [SelectChoice(i.slug, i.label, optgroup=i.group) for i in rows]


def type_choices() -> list[SelectChoice]:
    return [SelectChoice(t.value, t.label) for t in OpportunityType]


def language_choices(blank: str | None = "—") -> list[SelectChoice]:
    def name(code: str) -> str:
        return pycountry.languages.get(alpha_2=code).name.replace(" (macrolanguage)", "")

    common = [SelectChoice(code, name(code)) for code in COMMON_LANGUAGES]
    rest = sorted(
        (
            SelectChoice(lang.alpha_2, lang.name.replace(" (macrolanguage)", ""))
            for lang in pycountry.languages
            if hasattr(lang, "alpha_2") and lang.alpha_2 not in COMMON_LANGUAGES
        ),
        key=lambda c: c.label,
    )
    return ([SelectChoice("", blank)] if blank is not None else []) + common + rest


def language_level_choices() -> list[SelectChoice]:
    return [SelectChoice(level.value, level.value.capitalize()) for level in LanguageLevel]


def region_choices() -> tuple[list[SelectChoice], list[SelectChoice]]:
    rows = db.session.execute(
        select(Country.region, Country.subregion).distinct().order_by(Country.region, Country.subregion)
    )
    pairs = list(rows)
    regions = sorted({r for r, _ in pairs})
    return (
        [SelectChoice(r, r) for r in regions],
        [SelectChoice(s, s, optgroup=r) for r, s in pairs],
    )
