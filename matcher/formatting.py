"""Days, times, numbers, money and place and language names, written for the reader's language.

The language is the one Flask-Babel has for this request (or inside `force_locale`, the recipient
of an email); formats come from Babel's CLDR data, with one regional variety per language: British
English ("3 March 2027"), the French of France, European Portuguese and Latin American Spanish,
the same varieties as the catalogues (matcher/translations/GLOSSARY.md).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache, lru_cache

import pycountry
from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone_name
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

from matcher.reference.places import M49_CODES, M49_NAMES
from matcher.translate import current_language

# The variety each interface language is formatted in.
VARIETY = {"en": "en_GB", "fr": "fr_FR", "pt": "pt_PT", "es": "es_419"}
# Day patterns (CLDR syntax): "short" is for tables and cards, "long" for sentences. Babel's
# medium date in pt-PT is all digits (03/03/2027): a month name reads better in a sentence.
_SHORT = {"en": "d MMM y", "fr": "d MMM y", "pt": "d MMM y", "es": "d MMM y"}
_LONG = {"en": "d MMMM y", "fr": "d MMMM y", "pt": "d 'de' MMMM 'de' y", "es": "d 'de' MMMM 'de' y"}
_TIME = "HH:mm"


def language() -> str:
    """The two-letter code of the language being written ("en" outside any request)."""
    code = current_language()
    return code if code in VARIETY else "en"


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(VARIETY.get(code, "en_GB"))


def locale() -> Locale:
    """The Babel locale numbers and days are formatted in."""
    return _locale(language())


def day(value: date | datetime | None, style: str = "short") -> str:
    """A calendar day: "3 Mar 2027" (short) or "3 March 2027" (long); "3 mars 2027" in French."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _written_day(value, style == "long", language())


@lru_cache(maxsize=8192)
def _written_day(value: date, long: bool, code: str) -> str:
    """Babel's formatting of a day (about 50 us): a listing shows the same few days many times."""
    return format_date(value, (_LONG if long else _SHORT)[code], locale=_locale(code))


def long_day(value: date | datetime | None) -> str:
    return day(value, "long")


def moment(value: datetime, zone, style: str = "datetime") -> str:
    """A timestamp (aware) in a zone: "12 Mar 2027, 14:05 EAT"; "date" gives the day alone and
    "seconds" adds the seconds."""
    code = language()
    local = value.astimezone(zone)
    shown = day(local.date())
    if style == "date":
        return shown
    pattern = _TIME + (":ss" if style == "seconds" else "")
    clock = format_datetime(local, pattern, tzinfo=zone, locale=_locale(code))
    return f"{shown}, {clock} {local.tzname() or get_timezone_name(zone, locale=_locale(code))}"


def number(value: int | float | Decimal | None, places: int | None = None) -> str:
    """A number with the reader's separators: 12,345.5 in English, 12 345,5 in French; `places`
    fixes the digits after the decimal sign (a score: 0.85, 0,85)."""
    if value is None:
        return ""
    pattern = None if places is None else "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale())


def money(amount: int | float | Decimal | None, currency: str | None) -> str:
    """An amount in a currency, as the reader writes it: "US$1,500.00", "1 500,00 $US"."""
    if amount is None:
        return ""
    if not currency:
        return number(amount)
    written = format_currency(amount, currency.upper(), locale=locale())
    # CLDR writes a code glued to the figure in some varieties ("EUR1,500.50" in es-419).
    return re.sub(r"^([A-Z]{3})(?=\d)", "\\1\u00a0", written)


def country_name(code: str | None, fallback: str = "") -> str:
    """A country or territory named in the reader's language, from its ISO 3166 alpha-2 code
    (or a UN M49 region code such as "014", Eastern Africa); the fallback when CLDR lacks it."""
    if not code:
        return fallback
    return locale().territories.get(code.upper(), fallback or code)


def language_name(code: str | None, fallback: str = "") -> str:
    """A language named in the reader's language, from its ISO 639 code: "pt" is "portugais" in
    French. Capitalised as a label, since CLDR writes French and Spanish names in lower case."""
    if not code:
        return fallback
    name = locale().languages.get(code.lower())
    return name[:1].upper() + name[1:] if name else (fallback or code)


def label_for(item, field: str = "label", code: str | None = None) -> str:
    """A shipped reference item's words in the reader's language (the `|label` filter).

    `item` is a row or a frozen copy of one (an interest, a training level; later a procedure or a
    country rule): its `field` column holds the English words and its `translations` the others,
    `{"fr": {"label": ...}}` (models.reference.Translated). A country (anything with an `iso2`)
    is named by CLDR. English, or a language or field the data lacks, reads the column itself.
    `code` saves looking the language up again when a caller words many items.
    """
    if item is None:
        return ""
    english = getattr(item, field)
    code = code or language()
    if code == "en":
        return english
    iso2 = getattr(item, "iso2", None)
    if iso2 is not None and field == "name":
        return country_named(iso2, english, code)
    words = (getattr(item, "translations", None) or {}).get(code) or {}
    return words.get(field) or english


def country_label(country, language_code: str | None = None) -> str:
    """A country row (or CountryRef) named in the reader's language; English reads our data's
    name (country_converter's short names, which CLDR's English ones do not always match)."""
    return country_named(country.iso2, country.name, language_code) if country is not None else ""


def country_named(code: str | None, english: str, language_code: str | None = None) -> str:
    """A country known by its code and our data's (English) name, named in the reader's language."""
    reader = language_code or language()
    if reader == "en" or not code:
        return english
    return _locale(reader).territories.get(code.upper(), english)


@cache
def _english_language_names() -> dict[str, str]:
    """Every ISO 639-1 language's English name, from pycountry (walked once: ~8,000 entries)."""
    return {
        lang.alpha_2: lang.name.replace(" (macrolanguage)", "")
        for lang in pycountry.languages
        if hasattr(lang, "alpha_2")
    }


def language_label(code: str) -> str:
    """A language (ISO 639-1 code) named in the reader's language: pycountry's English name in
    English (as the app always wrote them), CLDR's otherwise, pycountry's for the few CLDR lacks."""
    english = _english_language_names().get(code, code)
    return english if language() == "en" else language_name(code, english)


def language_codes() -> tuple[str, ...]:
    """Every ISO 639-1 language code."""
    return tuple(_english_language_names())


def region_label(name: str | None) -> str:
    """A UN M49 region, sub-region or grouping, stored and sent by its English name ("Eastern
    Africa"), named in the reader's language ("Afrique orientale")."""
    if not name:
        return ""
    code = language()
    m49 = M49_CODES.get(name)
    if code == "en" or m49 is None:
        return name
    written = M49_NAMES.get(code, {}).get(m49) or locale().territories.get(m49)
    return written[:1].upper() + written[1:] if written else name


def sort_key(text: str) -> tuple[str, str]:
    """Sorts names as a reader expects ("Égypte" between "Équateur" and "Érythrée", not after
    "Zimbabwe"), without a collation library: accents and case are compared only to break ties."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold(), text


def by_name(names) -> list[str]:
    """Names in the reader's alphabetical order (the `|by_name` filter): "África do Sul, Gana"."""
    return sorted((str(name) for name in names), key=sort_key)


def language_in_sentence(code: str | None) -> str:
    """A language named in the reader's language as it reads inside a sentence: "portugais" in
    "Rédigé en portugais" (CLDR writes French, Portuguese and Spanish names in lower case)."""
    if not code:
        return ""
    return locale().languages.get(code.lower()) or language_label(code)


def spoken_list(items, style: str = "standard") -> str:
    """A list as it is read: "a, b and c"; "a, b et c" in French ("or" for style="or")."""
    items = [str(item) for item in items]
    if not items:
        return ""
    return format_list(items, style=style, locale=locale())


def utc(value: datetime) -> datetime:
    """A stored timestamp (naive means UTC) made aware."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def month_name(number: int) -> str:
    """A month (1-12) named on its own in the reader's language: "March", "mars", "Março"... with
    a capital, as a label or a list item starts (CLDR writes them lower case in French and Spanish)."""
    name = locale().months["stand-alone"]["wide"][number]
    return name[:1].upper() + name[1:]
