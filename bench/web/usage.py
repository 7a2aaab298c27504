"""CPU accounting from /proc: the servers' processes, their PostgreSQL backends, the load
generator itself, and the whole machine (other users included)."""

from __future__ import annotations

import os
import resource
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.web.servers import APPLICATION_NAME

TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (utime, stime from /proc)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def pg_backends(url: str | None) -> list[int]:
    """The PostgreSQL server processes that serve the benchmarked app (same machine)."""
    if not url:
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return list(
                c.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": APPLICATION_NAME},
                ).scalars()
            )
    finally:
        engine.dispose()


def client_cpu() -> float:
    """CPU seconds of this process: the load generator."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
