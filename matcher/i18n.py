"""Languages: Flask-Babel, the locale of each request, and the footer's language switcher.

The locale is, in order: the address's ?lang= on pages that take it (embeds), the signed-in
user's setting (users.locale), else the cookie the switcher sets, else the best match of the
browser's Accept-Language, else English. Catalogues live in matcher/translations; `make
translations` compiles them, and create_app compiles any that is missing or older than its .po (a
few milliseconds), so `flask`, `pytest` and the worker never run on stale or absent .mo files.
See the README, "Languages".
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, abort, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import Babel
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.wrappers import Response

from matcher.translate import catalogue, current_language
from matcher.web.redirects import is_safe_next, redirect_back

TRANSLATIONS = Path(__file__).parent / "translations"
DEFAULT = "en"
# Each language named in itself: that is how a reader finds theirs in the switcher.
LANGUAGES = {"en": "English", "fr": "Français", "pt": "Português", "es": "Español"}
# Each name as it reads inside a sentence of its own language ("en français").
IN_A_SENTENCE = {"en": "English", "fr": "français", "pt": "português", "es": "español"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    if not has_request_context():
        return DEFAULT  # the worker and the CLI: a recipient's language is passed explicitly
    # A page shown inside another site (an embed) takes its language from its address (?lang=),
    # the one thing the host page controls: it has no cookie or account of ours there.
    asked = g.get("language_asked")
    if asked in LANGUAGES:
        return asked
    user = current_user._get_current_object() if current_user else None
    chosen = getattr(user, "locale", None) if user is not None and user.is_authenticated else None
    if chosen in LANGUAGES:
        return chosen
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def locale_code() -> str:
    """The two-letter code for `<html lang>`."""
    return current_language() or DEFAULT


def switcher_links() -> list[tuple[str, str, str, bool]]:
    """(code, name, URL, current) per language, each coming back to this page.

    A page shown after a POST (a form with errors) has no address to come back to: the switcher
    then goes back to the Referer, the page the form was on.
    """
    here = None
    if request.method in ("GET", "HEAD"):
        here = request.full_path.rstrip("?") if request.query_string else request.path
    current = locale_code()
    return [
        (code, name, url_for("i18n.choose", code=code, next=here), code == current)
        for code, name in LANGUAGES.items()
    ]


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    """Remember a language in a cookie and go back: a preference, not a state change (no CSRF)."""
    if code not in LANGUAGES:
        abort(404)
    target = request.args.get("next")
    response = redirect(target) if is_safe_next(target) else redirect_back(url_for("main.index"))
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", True),
        httponly=True,
        samesite="Lax",
    )
    return response


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Write each messages.mo that is missing or older than its .po; returns those written.

    Written to a temporary file and renamed, so that two processes starting together (pytest -n 2)
    never read half a file.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        handle, temp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(temp, mo_path)
        written.append(mo_path)
    return written


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, /, **variables) -> str:
    """`_()`, `gettext()` and {% trans %} in templates: Jinja's newstyle gettext (values escaped,
    always %-formatted), in one call where Jinja's wrapper and Flask-Babel's take four; a text
    without values is formatted once per process."""
    kept = catalogue()
    if eval_ctx.autoescape:
        done = None if variables else kept.markup.get(string)
        if done is not None:
            return done
        text = Markup(kept.translations.ugettext(string))  # noqa: S704 (our catalogue)  # nosec B704
        if variables:
            return text % variables  # values escaped by Markup's %
        done = kept.markup[string] = text % {}
        return done
    return kept.translations.ugettext(string) % variables


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    text = catalogue().translations.ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (our catalogue; values escaped by %)  # nosec B704
    return text % variables


def init_i18n(app: Flask) -> None:
    compile_catalogues()
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT,
        default_translation_directories=str(TRANSLATIONS),
    )
    # {% trans %} blocks collapse their whitespace, as `pybabel extract` does (babel.cfg: trimmed).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.add_template_global(locale_code)
    app.add_template_global(switcher_links)
    app.add_template_global(LANGUAGES, "LANGUAGES")
