"""Names the engine gave in English (interests, training levels, procedures, professions), in the
reader's language, from the reference data: for `matcher.reason_words`. Without a database (the
engine's own tests) the names stay as the engine gave them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from matcher.formatting import label_for, language


def named(kind: str, english: str) -> str:
    """An interest or a training level the engine named in English (as the reference data's rows
    name it), in the reader's language; a name the data no longer holds stays as it is."""
    if language() == "en" or not english:
        return english
    from matcher.extensions import db
    from matcher.services import reference

    def build() -> dict[str, Any]:
        rows = reference.interests(db.session) if kind == "interest" else reference.levels(db.session)
        return {row.label: row for row in rows}

    try:
        row = reference.derived(db.session, f"reason_words:{kind}_by_label", build).get(english)
    except RuntimeError:  # no database in this app (the engine's own tests): the words as given
        return english
    return label_for(row) if row is not None else english


def procedure_names(codes: Iterable[str], english: Iterable[str]) -> str:
    """Procedures the engine named, in the reader's language (by code; as given when unknown)."""
    from matcher.extensions import db
    from matcher.services import reference

    try:
        known = reference.procedure_by_code(db.session)
    except RuntimeError:  # no database in this app (the engine's own tests): the words as given
        known = {}
    return ", ".join(label_for(known[c]) if c in known else e for c, e in zip(codes, english, strict=True))


def profession_names(codes: Iterable[str], english: Iterable[str]) -> list[str]:
    """Professions the engine named, in the reader's language (by code; as given when unknown)."""
    from matcher.extensions import db
    from matcher.models import Profession

    names = []
    for code, words in zip(codes, english, strict=True):
        try:
            row = db.session.get(Profession, code)
        except RuntimeError:  # no database in this app (the engine's own tests): the words as given
            row = None
        names.append(label_for(row) if row is not None else words)
    return names


def roles_in_words(p: Mapping[str, Any]) -> dict[str, str]:
    """A visit's roles and the applicant's profession, in the reader's language."""
    values = {}
    if "accepted" in p:
        from matcher.words import and_list

        values["accepted"] = and_list(profession_names(p["accepted_codes"], p["accepted"]))
    if "profession" in p:
        values["profession"] = profession_names([p["profession_code"]], [p["profession"]])[0]
    return values
