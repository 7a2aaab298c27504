"""Templates' gettext (matcher.i18n.template_gettext): Jinja's newstyle rules, each language's text,
and force_locale obeyed in the middle of a request (an email to someone who reads another language)."""

from __future__ import annotations

import contextvars

from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

PAGE = "{{ _('Skip to content') }}|{{ _('Pages are now shown in %(language)s.', language=name) }}"


def _render(app, source: str, language: str, **values) -> str:
    """One request in an empty context, as a server runs it (the test's app context holds a `g`)."""

    def request() -> str:
        with app.test_request_context("/", headers={"Accept-Language": language}):
            return render_template_string(source, **values)

    return contextvars.Context().run(request)


def test_each_language_and_values_escaped(app):
    assert _render(app, PAGE, "fr", name="<b>x</b>") == (
        "Aller au contenu|Les pages s’affichent désormais en &lt;b&gt;x&lt;/b&gt;."
    )
    assert _render(app, PAGE, "en", name="English") == "Skip to content|Pages are now shown in English."
    # The cached text of one language never answers for another.
    assert _render(app, "{{ _('Skip to content') }}", "pt") == "Saltar para o conteúdo"
    assert _render(app, "{{ _('Skip to content') }}", "es") == "Saltar al contenido"


def test_newstyle_rules_hold(app):
    assert _render(app, "{{ _('100%% sure') }}", "fr") == "100% sure"  # always %-formatted
    assert _render(app, "{% trans n=2 %}{{ n }} of <i>them</i>{% endtrans %}", "en") == "2 of <i>them</i>"
    assert _render(app, "{{ ngettext('%(num)d week', '%(num)d weeks', 3) }}", "en") == "3 weeks"
    assert _render(app, "{{ ngettext('%(num)d week', '%(num)d weeks', 1) }}", "en") == "1 week"
    assert _render(
        app, "{% trans count=1 %}{{ count }} week{% pluralize %}{{ count }} weeks{% endtrans %}", "en"
    ) == ("1 week")
    with app.test_request_context("/"):
        text = app.jinja_env.from_string(
            "{% autoescape false %}{{ _('A <b>%(x)s', x='<i>') }}{% endautoescape %}"
        )
        assert text.render() == "A <b><i>" and not isinstance(text.render(), Markup)


def test_force_locale_inside_a_french_request_writes_in_the_forced_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert render_template_string("{{ _('Skip to content') }}") == "Aller au contenu"
        with force_locale("pt"):
            assert render_template_string("{{ _('Skip to content') }}") == "Saltar para o conteúdo"
        with force_locale("en"):
            assert render_template_string("{{ _('Skip to content') }}") == "Skip to content"
        assert render_template_string("{{ _('Skip to content') }}") == "Aller au contenu"


def test_outside_any_request_the_app_context_writes_english_unless_forced(app):
    with app.app_context():
        assert render_template_string("{{ _('Skip to content') }}") == "Skip to content"
        with force_locale("es"):
            assert render_template_string("{{ _('Skip to content') }}") == "Saltar al contenido"


def test_python_gettext_follows_the_request_and_force_locale(app):
    from matcher import translate

    def request() -> tuple[str, ...]:
        with app.test_request_context("/", headers={"Accept-Language": "fr"}):
            lazy = translate.lazy_gettext("Skip to content")
            french = (
                translate.gettext("Skip to content"),
                translate.gettext("100% sure"),  # no values: not formatted, as Flask-Babel does
                translate.ngettext("%(num)s opportunity found.", "%(num)s opportunities found.", 3),
                translate.pgettext("a round's status", "closed"),
                str(lazy),
                translate.current_language(),
            )
            with force_locale("pt"):
                forced = (str(lazy), translate.current_language())
            return french + forced

    fr_skip, percent, weeks, closed, lazy_fr, code, lazy_pt, forced_code = contextvars.Context().run(request)
    assert (fr_skip, lazy_fr, code) == ("Aller au contenu", "Aller au contenu", "fr")
    assert percent == "100% sure" and weeks == "3 opportunités trouvées." and closed == "clôturée"
    assert (lazy_pt, forced_code) == ("Saltar para o conteúdo", "pt")


def test_python_gettext_outside_any_app_is_english():
    from matcher import translate

    assert contextvars.Context().run(translate.gettext, "Skip to content") == "Skip to content"
    assert contextvars.Context().run(translate.current_language) is None


def test_european_portuguese_says_zero_in_the_plural(app):
    """pt-PT (our Portuguese) writes "0 oportunidades": only 1 is singular (CLDR's pt-PT rule; the
    Brazilian rule, Babel's default for "pt", counts 0 as singular)."""
    from matcher import translate

    def words(n: int) -> str:
        with app.test_request_context("/", headers={"Accept-Language": "pt"}):
            return translate.ngettext("%(num)s opportunity found.", "%(num)s opportunities found.", n)

    assert [contextvars.Context().run(words, n) for n in (0, 1, 2)] == [
        "0 oportunidades encontradas.",
        "1 oportunidade encontrada.",
        "2 oportunidades encontradas.",
    ]
