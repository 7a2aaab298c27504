"""scripts/check_translations.py: passes on the shipped catalogues, fails on each kind of lag."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location(
    "check_translations", ROOT / "scripts" / "check_translations.py"
)
check = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check)


@pytest.fixture(scope="module")
def sources_read_once(tmp_path_factory) -> tuple[bytes, list[str]]:
    """The check's two readings of the sources (the extracted messages.pot, the unmarked text),
    done once for these tests: they edit the catalogues, never the sources (about 3 s each)."""
    pot = tmp_path_factory.mktemp("extracted") / "messages.pot"
    check.extract(pot)
    return pot.read_bytes(), check.unmarked()


@pytest.fixture
def catalogues(tmp_path, monkeypatch, sources_read_once) -> Path:
    """A copy of matcher/translations the check reads instead of the real one."""
    extracted, unmarked = sources_read_once
    monkeypatch.setattr(check, "extract", lambda output: Path(output).write_bytes(extracted))
    monkeypatch.setattr(check, "unmarked", lambda: list(unmarked))
    copy = tmp_path / "translations"
    shutil.copytree(check.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(check, "TRANSLATIONS", copy)
    monkeypatch.setattr(check, "TEMPLATE", copy / "messages.pot")
    return copy


def _edit(catalogues: Path, locale: str | None, old: str, new: str) -> None:
    """Replace `old` (found once) in a catalogue, or in messages.pot when `locale` is None."""
    path = catalogues / locale / "LC_MESSAGES" / "messages.po" if locale else catalogues / "messages.pot"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_shipped_catalogues_are_complete(catalogues):
    assert check.problems() == []
    assert check.main([]) == 0


def test_each_kind_of_lag_is_reported(catalogues, capsys):
    _edit(catalogues, "fr", 'msgstr "Compte"', 'msgstr ""')
    _edit(catalogues, "pt", 'msgid "Menu"', '#, fuzzy\nmsgid "Menu"')
    _edit(catalogues, "es", "ahora en %(language)s.", "ahora en %(idioma)s.")
    _edit(catalogues, "es", 'msgid "Verify"\nmsgstr "Verificar"\n', "")
    _edit(catalogues, None, 'msgid "Users"\nmsgstr ""\n', "")

    found = check.problems()

    assert sorted(found) == sorted(
        [
            "fr: untranslated 'Account'",
            "pt: fuzzy 'Menu'",
            "es: unknown named placeholder 'idioma' in 'Pages are now shown in %(language)s.'",
            "es: missing 'Verify'",
            "messages.pot: missing 'Users'",
        ]
    )
    assert check.main([]) == 1
    assert "5 problem(s)" in capsys.readouterr().out


def test_text_nobody_marked_fails_the_check(catalogues, monkeypatch):
    monkeypatch.setattr(check, "unmarked", lambda: ["not marked: templates/x.html:3: text 'Apply now'"])
    assert check.problems() == ["not marked: templates/x.html:3: text 'Apply now'"]
    assert check.main([]) == 1
