"""Placeholders for routes another module of the blueprint is building (removed at merge)."""

from flask import abort


def stub(view):
    def placeholder(**kwargs):
        abort(404)

    placeholder.__name__ = view.__name__
    placeholder.__stub__ = True
    return placeholder
