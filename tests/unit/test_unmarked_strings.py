"""scripts/unmarked_strings.py: what people read and nobody marked for translation is found."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("unmarked_strings", ROOT / "scripts" / "unmarked_strings.py")
unmarked = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(unmarked)
ENV = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)


@pytest.fixture
def template(tmp_path, monkeypatch):
    monkeypatch.setattr(unmarked, "ROOT", tmp_path)

    def found(source: str, name: str = "page.html") -> list[str]:
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        return [line.partition(": ")[2] for line in unmarked.template_problems(ENV, path)]

    return found


@pytest.fixture
def python(tmp_path, monkeypatch):
    monkeypatch.setattr(unmarked, "ROOT", tmp_path)

    def found(source: str) -> list[str]:
        path = tmp_path / "module.py"
        path.write_text(source, encoding="utf-8")
        return [line.partition(": ")[2] for line in unmarked.python_problems(path)]

    return found


def test_text_between_tags_and_read_attributes_is_found(template):
    assert template("<p>Apply by {{ day }}</p>") == ["text 'Apply by'"]
    assert template('<img alt="A map of the sites" src="{{ src }}">') == ["text 'A map of the sites'"]
    assert template('<input type="submit" value="Send it">') == ["text 'Send it'"]
    assert template('<a href="{{ url }}" title="Open the page">{{ x }}</a>') == ["text 'Open the page'"]


def test_marked_text_markup_and_code_are_not(template):
    assert template('<p>{{ _("Apply by %(day)s", day=d) }}</p>') == []
    assert template("{% trans n=3 %}<p>You have {{ n }} places</p>{% endtrans %}") == []
    assert template('<div class="badge warn" data-x="{{ y }}" hidden></div>') == []
    assert template("<script>var never = 'prose';</script><style>p { color: red }</style>") == []
    assert template('<input type="text" value="typed by someone">') == []
    assert template("<p>— · 12 –</p>") == []


def test_prose_in_expressions_is_found_but_codes_are_not(template):
    assert template("{{ d if d else 'No deadline given' }}") == ["string \"'No deadline given'\""]
    assert template("{{ x or 'None' }}") == ["string \"'None'\""]
    assert template("{% extends \"base.html\" %}{{ url_for('auth.login') }}{% set c = 'badge warn' %}") == []
    assert template("{{ _('Not eligible') }}{{ gettext('Open') }}") == []


def test_a_tag_split_by_expressions_is_still_a_tag(template):
    assert template('<html lang="{{ code }}" data-a="{{ b }}" class="x">') == []
    assert template('<a href="{{ u }}" aria-label="{{ _("Main") }}" class="nav">{{ _("Home") }}</a>') == []


def test_emails_in_plain_text_are_all_text(template):
    assert template("Hello {{ name }},\n", "mail.txt") == ["text 'Hello'"]
    assert template('{{ _("Hello %(name)s,", name=name) }}\n', "mail.txt") == []


def test_an_ignore_comment_keeps_a_line_as_it_is(template, python):
    assert template("<p>IR Opportunity Matcher</p>{# i18n: ignore #}") == []
    assert python('raise ValidationError("Developers only")  # i18n: ignore\n') == []


def test_python_calls_whose_text_people_read(python):
    source = """
flash("Your profile is saved.")
flash(_("Your profile is saved."))
name = StringField("Full name", validators=[Length(max=5, message=f"At most {5} characters.")])
named = StringField(_l("Full name"), render_kw={"placeholder": "Jane Doe"})
raise Conflict(f"The deadline was {day}.")
raise ValueError("a programming error")
log.info("Not for people")
"""
    assert sorted(python(source)) == sorted(
        [
            "flash() gets 'Your profile is saved.'",
            "StringField() gets 'Full name'",
            "Length() gets f'At most {5} characters.'",
            "StringField() gets 'Jane Doe'",
            "Conflict() gets f'The deadline was {day}.'",
        ]
    )


def test_the_count_and_exit_code(monkeypatch, capsys):
    monkeypatch.setattr(unmarked, "problems", lambda: ["templates/x.html:1: text 'Hi'"])
    assert unmarked.main() == 1
    assert "1 string(s)" in capsys.readouterr().out
    monkeypatch.setattr(unmarked, "problems", lambda: [])
    assert unmarked.main() == 0
