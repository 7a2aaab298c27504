"""Count the SQL statements a request sends, to catch N+1 queries.

The `app` fixture runs every test inside one transaction and gives each session a SAVEPOINT
(join_transaction_mode="create_savepoint"), so a request that commits sends SAVEPOINT and
RELEASE SAVEPOINT statements a real server would not. Those, and any other transaction control,
are left out of the count: what is counted is the statements that read or write rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine

from matcher.extensions import db

TRANSACTION_CONTROL = re.compile(
    r"^\s*(SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK\s+TO\s+SAVEPOINT|BEGIN|COMMIT|ROLLBACK|END)\b",
    re.IGNORECASE,
)


@dataclass
class QueryLog:
    """The statements sent while the counter was active, transaction control left out."""

    statements: list[str] = field(default_factory=list)
    skipped: int = 0  # transaction control seen and not counted

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return self.count

    def repeated(self) -> list[tuple[int, str]]:
        """Statements sent more than once, most repeated first: where an N+1 shows."""
        seen: dict[str, int] = {}
        for statement in self.statements:
            seen[statement] = seen.get(statement, 0) + 1
        return sorted(((n, s) for s, n in seen.items() if n > 1), key=lambda pair: -pair[0])

    def report(self, limit: int = 40) -> str:
        lines = [f"{self.count} statements (and {self.skipped} transaction-control ones not counted):"]
        for number, statement in enumerate(self.statements[:limit], 1):
            lines.append(f"{number:3}. {_short(statement)}")
        if self.count > limit:
            lines.append(f"... and {self.count - limit} more")
        for times, statement in self.repeated():
            lines.append(f"sent {times} times: {_short(statement)}")
        return "\n".join(lines)


def _short(statement: str, width: int = 300) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[:width] + "…"


@contextmanager
def counting_queries(engine: Engine | None = None) -> Iterator[QueryLog]:
    """Record every statement the engine's connections execute inside the block."""
    engine = engine or db.engine
    log = QueryLog()

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if TRANSACTION_CONTROL.match(statement):
            log.skipped += 1
        else:
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


def assert_at_most(log: QueryLog, ceiling: int, what: str = "the request") -> None:
    """Fail with every statement listed when `what` sent more than `ceiling` of them."""
    assert log.count <= ceiling, f"{what} sent more than {ceiling} SQL statements.\n{log.report()}"


def read_reference_data() -> None:
    """Have the process read the reference data now, as every request but its first finds it
    (services.reference keeps it per process and version), so a count compares like with like."""
    from matcher.services import reference
    from matcher.services.departure.rules import shown_rules

    reference.countries(db.session), reference.levels(db.session), reference.interests(db.session)
    reference.procedures(db.session), reference.professions(db.session), shown_rules(db.session, "KE")
