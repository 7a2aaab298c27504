"""gettext for our Python code and templates, reading the catalogue Flask-Babel chose, quickly.

Flask-Babel's own `gettext` finds the catalogue through four context-local proxies on every call
(about 15 us): a page, a feed or an email says dozens of things, and that alone cost some pages a
millisecond. These functions read the locale where Flask-Babel keeps it for this request (or where
`force_locale` put it, for an email in its recipient's language), so both always agree, and keep
each language's catalogue on the app. Same signatures and rules as Flask-Babel's: `gettext` formats
only when given values, `ngettext` always (with `num`), lazy strings are Flask-Babel's LazyString.
This module imports nothing of ours, so that models and forms can use it at import time.
"""

from __future__ import annotations

from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from markupsafe import Markup


class Catalogue:
    """One language's translations, and its texts already turned into markup for templates."""

    __slots__ = ("markup", "translations")

    def __init__(self, translations) -> None:
        self.translations = translations
        self.markup: dict[str, Markup] = {}


def current_language() -> str | None:
    """The two-letter code of the language being written; None outside any app context."""
    context = _cv_app.get(None)
    if context is None:
        return None
    babel_state = getattr(context.g, "_flask_babel", None)
    chosen = getattr(babel_state, "babel_locale", None)
    if chosen is None:
        chosen = get_locale()  # the first string of a request: Flask-Babel settles the locale
    return chosen.language if chosen is not None else None


def catalogue() -> Catalogue:
    """The catalogue of the language being written, kept per app and language."""
    code = current_language()
    if code is None:
        return Catalogue(get_translations())  # no app: Flask-Babel's empty translations
    kept = _cv_app.get().app.extensions.setdefault("matcher_catalogues", {})
    found = kept.get(code)
    if found is None:
        found = kept[code] = Catalogue(get_translations())
    return found


def translations():
    """The gettext translations of the language being written."""
    return catalogue().translations


def gettext(string: str, **variables) -> str:
    text = catalogue().translations.ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().translations.ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables) -> str:
    text = catalogue().translations.upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """Text worded when it is shown, in the language of that moment (form labels, enum labels)."""
    return LazyString(gettext, string, **variables)


def lazy_pgettext(context: str, string: str, **variables) -> LazyString:
    return LazyString(pgettext, context, string, **variables)
