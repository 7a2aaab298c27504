"""Fail when a catalogue lags behind the code: `make check` (and so `make test`) runs this.

Extracts the translatable strings (babel.cfg) into a temporary .pot, then fails on:
- a string the code uses that a catalogue (fr, pt, es) lacks, or that messages.pot lacks;
- an entry left untranslated or marked fuzzy;
- a translation whose placeholders (%(name)s) differ from the English (Babel's own checks);
- text people read that is not marked for translation at all (scripts/unmarked_strings.py: text in
  templates and emails, and the obvious Python calls: flash, form labels, validators, our errors).

`--update` rewrites messages.pot from the code and merges it into each catalogue (new strings come
in empty or fuzzy, so the check then lists what to translate). See the README, "Languages".
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "matcher" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = ("fr", "pt", "es")
EXTRACT = [
    "extract",
    "-F",
    str(ROOT / "babel.cfg"),
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "-k",
    "lazy_pgettext:1c,2",
    "--add-location=file",
    "--sort-output",
    "--no-wrap",
    "--project",
    "IR Opportunity Matcher",
]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract(output: Path) -> None:
    # From the repository's root, so that source locations are relative ("#: templates/base.html")
    # wherever the script is run from.
    with contextlib.chdir(ROOT):
        pybabel(*EXTRACT, "-o", str(output), ".")


def read(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def unmarked() -> list[str]:
    """What people read that is not marked for translation at all (scripts/unmarked_strings.py)."""
    spec = importlib.util.spec_from_file_location(
        "unmarked_strings", ROOT / "scripts" / "unmarked_strings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [f"not marked: {line}" for line in module.problems()]


def problems() -> list[str]:
    found = unmarked()
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "messages.pot"
        extract(fresh)
        extracted = ids(read(fresh))
    stale = extracted - ids(read(TEMPLATE)) if TEMPLATE.exists() else extracted
    found += [f"messages.pot: missing {_show(msgid)}" for msgid in sorted(stale, key=str)]
    for locale in LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            found.append(f"{locale}: no catalogue at {path.relative_to(ROOT)}")
            continue
        catalog = read(path, locale)
        found += [f"{locale}: missing {_show(m)}" for m in sorted(extracted - ids(catalog), key=str)]
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{locale}: fuzzy {_show(message.id)}")
            elif not all(strings):
                found.append(f"{locale}: untranslated {_show(message.id)}")
        for message, errors in catalog.check():
            found += [f"{locale}: {error} in {_show(message.id)}" for error in errors]
    return found


def _show(msgid) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    return repr(text if len(text) <= 70 else text[:67] + "...")


def update() -> None:
    extract(TEMPLATE)
    pybabel("update", "--no-wrap", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS))


def main(argv: list[str]) -> int:
    if "--update" in argv:
        update()
    found = problems()
    for line in found:
        print(f"translations: {line}")
    if found:
        print(
            f"translations: {len(found)} problem(s). Run `make translations-update`, translate the "
            "entries in matcher/translations/*/LC_MESSAGES/messages.po (remove the fuzzy flags), "
            "and see the README, 'Languages'."
        )
        return 1
    print(f"translations: {', '.join(LOCALES)} complete")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
