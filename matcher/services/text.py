"""Checks on text people type, shared by the services (so forms, the API and the CLI all get them)."""

from __future__ import annotations

import re

from matcher.services.errors import DomainError
from matcher.translate import gettext as _

# What str.splitlines() breaks on: CR, LF, vertical tab, form feed, the file, group and record
# separators, NEL, and the Unicode line and paragraph separators.
LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"[{re.escape(LINE_BREAKS)}]")


def has_line_break(value: str | None) -> bool:
    return bool(value) and _LINE_BREAK.search(value) is not None


def refuse_line_breaks(**fields: str | None) -> None:
    """A DomainError at the first one-line field (named by its keyword) whose value breaks the line.

    Names, titles and the like end up in email subjects and headers, calendar entries and CSV
    rows, where a line break would end the line early.
    """
    for field, value in fields.items():
        if has_line_break(value):
            raise DomainError(_("Write this on one line, without line breaks."), field=field)
