"""URL converters: ids beyond a 32-bit integer are simply not found (PostgreSQL would refuse them)."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound, so /opportunities/99999999999 is a 404, never a 500."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def as_id(value: str) -> int:
    """A whole number a database id (or a page number) can be: ASCII digits, at most MAX_ID.

    For `request.args.get(name, type=as_id)`, where a ValueError means "use the default", and for
    ids posted in forms. `str.isdigit()` alone is not enough: it accepts "²", which int() refuses,
    and a number too large for the database fails in the query (SQLite: OverflowError).
    """
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise ValueError(f"not an id: {value[:20]!r}")
    return int(value)


def ids_from(values: list[str]) -> list[int]:
    """The valid ids among posted values (see as_id); the rest are ignored."""
    found = []
    for value in values:
        try:
            found.append(as_id(value))
        except ValueError:
            continue
    return found
