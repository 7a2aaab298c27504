"""Refuse input that no field may contain, before any view sees it."""

from __future__ import annotations

from flask import abort, current_app, request

URLENCODED = "application/x-www-form-urlencoded"


def refuse_null_characters() -> None:
    """A NUL byte is never meaningful in a form or a query, and PostgreSQL cannot store it."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description="A field contains a null character, which is not allowed.")


def limit_urlencoded_forms() -> None:
    """MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS for urlencoded bodies too (413 beyond).

    Werkzeug applies both to multipart bodies only and reads a urlencoded body whole, so without
    this a 6 MB body of a million fields would be parsed. Runs before anything reads the form.
    """
    if request.mimetype != URLENCODED:
        return
    memory = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    if memory is not None and (request.content_length or 0) > memory:
        abort(413)
    body = request.get_data(cache=True)  # the form is parsed from this copy afterwards
    parts = current_app.config.get("MAX_FORM_PARTS")
    if (memory is not None and len(body) > memory) or (parts is not None and body.count(b"&") >= parts):
        abort(413)
