"""The benchmark's output: Markdown tables of a phase's latencies and of correctness checks."""

from __future__ import annotations

from bench.web.load import PhaseResult


def pct(values: list[float], q: float) -> float:
    """The q-quantile of `values` (seconds), in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def print_phase(result: PhaseResult, note: str = "") -> None:
    print(f"\n#### {result.name}{note}\n")
    print("| kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = list(result.kinds.items())
    if len(rows) > 1:
        rows.append(("**total**", result.total))
    for kind, k in rows:
        n = len(k.latencies)
        print(
            f"| {kind} | {n:,} | {n / result.seconds:,.1f} | {pct(k.latencies, 0.50):.0f} | "
            f"{pct(k.latencies, 0.95):.0f} | {pct(k.latencies, 0.99):.0f} | "
            f"{max(k.latencies, default=0) * 1000:.0f} | {k.errors} |"
        )
    n = len(result.total.latencies) or 1
    others = result.busy - result.server_cpu - result.client_cpu - result.postgres_cpu
    print(
        f"\n{result.seconds:.1f} s. CPU per request: app servers {result.server_cpu / n * 1000:.1f} ms, "
        f"their PostgreSQL backends {result.postgres_cpu / n * 1000:.1f} ms, load generator "
        f"{result.client_cpu / n * 1000:.2f} ms. Machine: {result.busy:.0f} of {result.available:.0f} "
        f"CPU-s busy; other processes (other users, Redis, the kernel) used {max(others, 0):.0f} CPU-s "
        f"({max(others, 0) / max(result.available, 1e-9):.0%} of the machine)."
    )
    for sample in result.total.samples[:5]:
        print(f"  error: {sample}")


def print_checks(title: str, rows: list[tuple[str, str, str, bool | None]]) -> None:
    """One row per check: what, expected, observed, ok (None: informative, not a check)."""
    print(f"\n#### {title}\n")
    print("| check | expected | observed | ok |")
    print("|---|---|---|---|")
    for name, expected, observed, ok in rows:
        print(f"| {name} | {expected} | {observed} | {'-' if ok is None else 'yes' if ok else 'NO'} |")
