"""Refuse input that no field may contain, before any view sees it."""

from __future__ import annotations

from flask import abort, request


def refuse_null_characters() -> None:
    """A NUL byte is never meaningful in a form or a query, and PostgreSQL cannot store it."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description="A field contains a null character, which is not allowed.")
