"""URL converters: ids beyond a 32-bit integer are simply not found (PostgreSQL would refuse them)."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound, so /opportunities/99999999999 is a 404, never a 500."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
