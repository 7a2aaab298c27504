"""Benchmark of the allocation engine, and comparison with the PyPI `matching` package.

Every measurement runs in its own subprocess, so each peak memory figure is that run's alone.

    bench/.venv/bin/python bench/engine.py            # the full table (about 5 minutes)
    bench/.venv/bin/python bench/engine.py --quick    # the two smallest sizes only

The instances are seeded and shaped like a national round: applicants rank up to k opportunities,
drawn with Zipf-like popularity; every opportunity ranks everyone who ranked it, by a noisy
applicant strength; total capacity equals the number of applicants, skewed toward popular places.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import types
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SIZES = [(1_000, 100), (5_000, 500), (20_000, 2_000), (100_000, 10_000)]
KS = [10, 20]
PEER_TIMEOUT = 60.0
REPEATS = 5  # warm calls per case; the best is reported, the least disturbed by other load


def load_engine():
    """Import matcher.engine without running matcher/__init__.py, which builds the Flask app.

    The engine is pure by design; this keeps the bench's own environment free of the app's deps.
    """
    if "matcher" not in sys.modules:
        package = types.ModuleType("matcher")
        package.__path__ = [str(ROOT / "matcher")]
        sys.modules["matcher"] = package
    import matcher.engine

    return matcher.engine


def generate(n_app: int, n_opp: int, k: int, seed: int = 2024):
    """A seeded instance as CSR arrays: (app_indptr, app_prefs, opp_indptr, opp_prefs, capacities)."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, n_opp + 1) ** 0.8
    popularity /= popularity.sum()
    rng.shuffle(popularity)  # popular opportunities are not the low ids
    draws = rng.choice(n_opp, size=(n_app, 3 * k), p=popularity).astype(np.int32)
    # Keep each row's first k distinct draws, in draw order (vectorised: the bench's own memory
    # peak should not hide the engine's).
    order = np.argsort(draws, axis=1, kind="stable")
    in_order = np.take_along_axis(draws, order, axis=1)
    repeated = np.zeros(draws.shape, bool)
    repeated[:, 1:] = in_order[:, 1:] == in_order[:, :-1]
    keep = np.empty(draws.shape, bool)
    np.put_along_axis(keep, order, ~repeated, axis=1)
    keep &= np.cumsum(keep, axis=1) <= k
    app_prefs = draws[keep]
    app_indptr = np.zeros(n_app + 1, np.int64)
    np.cumsum(keep.sum(axis=1), out=app_indptr[1:])
    del draws, order, in_order, repeated, keep

    applicant_of_entry = np.repeat(np.arange(n_app), np.diff(app_indptr))
    strength = rng.normal(size=n_app)
    key = strength[applicant_of_entry] + rng.normal(scale=0.5, size=len(app_prefs))
    order = np.lexsort((-key, app_prefs))  # by opportunity, then strongest first
    opp_prefs = applicant_of_entry[order].astype(np.int32)
    opp_indptr = np.zeros(n_opp + 1, np.int64)
    np.cumsum(np.bincount(app_prefs, minlength=n_opp), out=opp_indptr[1:])

    share = np.sqrt(popularity) / np.sqrt(popularity).sum()
    capacities = 1 + rng.multinomial(max(n_app - n_opp, 0), share)
    return app_indptr, app_prefs, opp_indptr, opp_prefs, capacities.astype(np.int64)


def as_dicts(arrays):
    """The same instance in the dict contract, with ids a0.. and o0.."""
    app_indptr, app_prefs, opp_indptr, opp_prefs, capacities = arrays
    app_ids = [f"a{i}" for i in range(len(app_indptr) - 1)]
    opp_ids = [f"o{j}" for j in range(len(opp_indptr) - 1)]
    flat_opp = [opp_ids[o] for o in app_prefs.tolist()]
    flat_app = [app_ids[a] for a in opp_prefs.tolist()]
    ap, op = app_indptr.tolist(), opp_indptr.tolist()
    applicants = {a: flat_opp[ap[i] : ap[i + 1]] for i, a in enumerate(app_ids)}
    opportunities = {o: flat_app[op[j] : op[j + 1]] for j, o in enumerate(opp_ids)}
    return applicants, opportunities, dict(zip(opp_ids, capacities.tolist(), strict=True))


def as_entries(arrays):
    """The same instance as the service layer holds it: one entry per application, on positions.

    Each entry has the applicant's rank of it; half the hosts give their own order (host_rank),
    the other half are ordered by a score that falls along the instance's list, so the lists
    `csr_from_choices` builds are the instance's lists and the matching must be the same.
    """
    app_indptr, app_prefs, opp_indptr, opp_prefs, _ = arrays
    n_app, n_opp = len(app_indptr) - 1, len(opp_indptr) - 1
    applicant = np.repeat(np.arange(n_app), np.diff(app_indptr))
    choice_rank = np.arange(len(app_prefs)) - app_indptr[applicant] + 1
    opp_row = np.repeat(np.arange(n_opp), np.diff(opp_indptr))
    place = np.arange(len(opp_prefs)) - opp_indptr[opp_row] + 1
    opp_key = opp_prefs.astype(np.int64) * n_opp + opp_row
    by_key = np.argsort(opp_key)
    where = by_key[np.searchsorted(opp_key, applicant * n_opp + app_prefs, sorter=by_key)]
    host_place = place[where]
    host_rank = np.where(app_prefs % 2 == 0, host_place, -1)
    score = 1.0 - host_place / (len(opp_prefs) + 1.0)
    eligible = np.ones(len(app_prefs), bool)
    # int32 positions and ranks, as the service layer holds them (allocate_ranked).
    return (
        applicant.astype(np.int32),
        app_prefs.astype(np.int32),
        choice_rank.astype(np.int32),
        eligible,
        score,
        host_rank.astype(np.int32),
        n_app,
        n_opp,
    )


def trim_heap() -> None:
    """Return freed heap memory to the system (glibc); elsewhere, nothing to do."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def reset_peak_rss() -> None:
    """Forget the peak so far (Linux >= 4.0), so that the peak we read is the engine's calls'."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker_ours(spec: dict) -> dict:
    """Time one path (array or dict) on one instance: the first call, then the best warm call."""
    engine = load_engine()
    arrays = generate(spec["n_app"], spec["n_opp"], spec["k"])
    # The array path's matching, which the other paths must equal: computed after the timed calls
    # (it would warm them), from arrays kept aside (so RSS0 includes them on every path).
    arrays_kept = arrays

    def reference() -> np.ndarray:
        return engine.allocate_arrays(*arrays_kept, backend=spec["backend"]).assignment

    if spec["path"] == "dict":
        instance = as_dicts(arrays)

        def run():
            return engine.allocate(*instance, backend=spec["backend"])

        def same(result) -> bool:
            expected = reference().tolist()
            return all(
                result.assignments[f"a{i}"] == (f"o{j}" if j >= 0 else None) for i, j in enumerate(expected)
            )
    elif spec["path"] == "service":
        entries = as_entries(arrays)
        capacities = arrays[4]

        def run():
            started = time.perf_counter()
            lists = engine.csr_from_choices(*entries, seed=1, backend=spec["backend"])
            listed = time.perf_counter() - started
            result = engine.allocate_arrays(
                lists.applicant_indptr,
                lists.applicant_prefs,
                lists.opportunity_indptr,
                lists.opportunity_prefs,
                capacities,
                backend=spec["backend"],
            )
            result.timings["build"] += listed
            return result

        def same(result) -> bool:
            return bool(np.array_equal(result.assignment, reference()))
    else:

        def same(result) -> bool:
            return bool(np.array_equal(result.assignment, reference()))

        def run():
            return engine.allocate_arrays(*arrays, backend=spec["backend"])

    gc.collect()
    trim_heap()  # what setting up the instance freed is given back, so RSS0 is what it holds
    baseline = rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    result = run()
    first = time.perf_counter() - started
    samples = []
    for _ in range(REPEATS):
        del result
        gc.collect()
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started, result.timings["build"], result.timings["allocate"]))
    total, build, allocate = min(samples)
    peak_rss = peak_rss_mb()
    del result
    gc.collect()
    tracemalloc.start()
    result = run()
    engine_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "first": first,
        "total": total,
        "build": build,
        "allocate": allocate,
        "proposals": result.proposals,
        "same": same(result),
        "entries": int(spec["entries"]),
        "baseline_mb": baseline,  # the process with its instance, before the engine runs
        "peak_rss_mb": peak_rss,
        "engine_peak_mb": engine_peak,
    }


def worker_fallback(spec: dict) -> dict:
    """One call of the pure-Python back-end on the dict path, checked against the compiled one."""
    engine = load_engine()
    instance = as_dicts(generate(spec["n_app"], spec["n_opp"], spec["k"]))
    started = time.perf_counter()
    python = engine.allocate(*instance, backend="python")
    seconds = time.perf_counter() - started
    compiled = engine.allocate(*instance, backend="compiled")
    return {"seconds": seconds, "equal": python == compiled}


def worker_peer(spec: dict) -> dict:
    """Run `peer_run` on a thread with a deep stack: `matching` deep-copies its player graph recursively."""
    sys.setrecursionlimit(10**7)
    threading.stack_size(1 << 30)
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(peer_run(spec)))
    thread.start()
    thread.join()
    if not box:
        raise SystemExit("the matching package failed")
    return box


def peer_run(spec: dict) -> dict:
    """Time `matching` (HospitalResident, resident-optimal) and compare its matching with ours."""
    from matching.games import HospitalResident

    engine = load_engine()
    applicants, opportunities, capacities = as_dicts(generate(spec["n_app"], spec["n_opp"], spec["k"]))
    warnings.simplefilter("ignore")  # it warns about every opportunity nobody ranked
    started = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(applicants, opportunities, capacities)
    built = time.perf_counter()
    matching = game.solve(optimal="resident")
    solved = time.perf_counter()
    theirs = {a: None for a in applicants}
    for hospital, residents in matching.items():
        for resident in residents:
            theirs[resident.name] = hospital.name
    ours = engine.allocate(applicants, opportunities, capacities).assignments
    return {"build": built - started, "solve": solved - built, "equal": theirs == ours}


def worker_cold(spec: dict) -> dict:
    """First call in a fresh process: with an empty numba cache it includes the JIT compile."""
    started = time.perf_counter()
    engine = load_engine()
    imported = time.perf_counter()
    arrays = generate(spec["n_app"], spec["n_opp"], spec["k"])
    began = time.perf_counter()
    engine.allocate_arrays(*arrays, backend="compiled")
    first = time.perf_counter() - began
    began = time.perf_counter()
    engine.allocate_arrays(*arrays, backend="compiled")
    return {"import": imported - started, "first": first, "warm": time.perf_counter() - began}


def spawn(kind: str, spec: dict, timeout: float | None = None, env: dict | None = None) -> dict | None:
    command = [sys.executable, __file__, "--worker", kind, json.dumps(spec)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        tail = "\n".join(error.stderr.splitlines()[-15:])
        raise SystemExit(f"worker {kind} {spec} failed:\n{tail}") from None
    return json.loads(done.stdout.strip().splitlines()[-1])


ENGINE_COLUMNS = [
    ("applicants/opps", 15),
    ("k", 3),
    ("path", 7),
    ("entries", 9),
    ("build ms", 9),
    ("alloc ms", 9),
    ("total ms", 9),
    ("ns/entry", 8),
    ("proposals", 9),
    ("Mprop/s", 7),
    ("first ms", 8),
    ("RSS0 MB", 7),
    ("peak MB", 7),
    ("traced", 6),
    ("same", 4),
]
PEER_COLUMNS = [
    ("applicants/opps", 15),
    ("k", 3),
    ("build s", 8),
    ("solve s", 8),
    ("ours ms", 8),
    ("speed-up", 9),
]


def row(columns: list[tuple[str, int]], values: list[object]) -> str:
    return " ".join(f"{value:>{width}}" for (_, width), value in zip(columns, values, strict=False))


def header(columns: list[tuple[str, int]]) -> str:
    line = row(columns, [name for name, _ in columns])
    return f"{line}\n{'-' * len(line)}"


def engine_table(sizes: list[tuple[int, int]]) -> dict[tuple, dict]:
    print(header(ENGINE_COLUMNS))
    results = {}
    for n_app, n_opp in sizes:
        for k in KS:
            entries = len(generate(n_app, n_opp, k)[1])
            for path in ("array", "service", "dict"):
                spec = {"n_app": n_app, "n_opp": n_opp, "k": k, "path": path, "backend": "compiled"}
                r = results[(n_app, n_opp, k, path)] = spawn("ours", {**spec, "entries": entries})
                values = [
                    f"{n_app}/{n_opp}",
                    k,
                    path,
                    entries,
                    f"{r['build'] * 1e3:.1f}",
                    f"{r['allocate'] * 1e3:.1f}",
                    f"{r['total'] * 1e3:.1f}",
                    f"{r['total'] / entries * 1e9:.1f}",
                    r["proposals"],
                    f"{r['proposals'] / r['allocate'] / 1e6:.1f}",
                    f"{r['first'] * 1e3:.0f}",
                    f"{r['baseline_mb']:.0f}",
                    f"{r['peak_rss_mb']:.0f}",
                    f"{r['engine_peak_mb']:.1f}",
                    "yes" if r["same"] else "NO",
                ]
                print(row(ENGINE_COLUMNS, values), flush=True)
    return results


def fallback(n_app: int, n_opp: int) -> None:
    r = spawn("fallback", {"n_app": n_app, "n_opp": n_opp, "k": 20})
    print(f"\npure-Python fallback at {n_app}/{n_opp}, k=20, dict path, one call: {r['seconds']:.2f} s;")
    print(f"  same matching and proposal count as the compiled back-end: {r['equal']}")


def cold_start(n_app: int, n_opp: int) -> None:
    print(f"\ncold start at {n_app}/{n_opp}, k=20 (array path), each in a fresh process:")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("empty numba cache (JIT compile)", "numba cache filled by the run above"):
            r = spawn("cold", {"n_app": n_app, "n_opp": n_opp, "k": 20}, env=env)
            times = f"import {r['import']:.2f} s, first call {r['first']:.2f} s, warm {r['warm']:.3f} s"
            print(f"  {label:<38} {times}")


def peer_table(sizes: list[tuple[int, int]], ours: dict[tuple, dict]) -> None:
    print(f"\nPyPI `matching` (HospitalResident, resident-optimal), {PEER_TIMEOUT:.0f} s limit per instance;")
    print(
        "'ours' is the dict path, build + allocate, like theirs; 'equal' checks the matchings pair for pair"
    )
    print(header([*PEER_COLUMNS, ("equal", 6)]))
    timed_out: set[int] = set()
    for n_app, n_opp in sizes:
        for k in KS:
            label = f"{n_app}/{n_opp}"
            if k in timed_out:
                print(row(PEER_COLUMNS[:2], [label, k]), "  not run: a smaller instance took too long")
                continue
            peer = spawn("peer", {"n_app": n_app, "n_opp": n_opp, "k": k}, timeout=PEER_TIMEOUT)
            if peer is None:
                timed_out.add(k)
                print(
                    row(PEER_COLUMNS[:2], [label, k]), f"  did not finish in {PEER_TIMEOUT:.0f} s", flush=True
                )
                continue
            mine = ours[(n_app, n_opp, k, "dict")]["total"]
            theirs = peer["build"] + peer["solve"]
            values = [label, k, f"{peer['build']:.2f}", f"{peer['solve']:.2f}", f"{mine * 1e3:.1f}"]
            print(row(PEER_COLUMNS, [*values, f"{theirs / mine:.0f}x"]), f"{peer['equal']!s:>6}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the two smallest sizes")
    parser.add_argument("--no-peer", action="store_true", help="skip the `matching` package")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, spec = args.worker[0], json.loads(args.worker[1])
        workers = {"ours": worker_ours, "fallback": worker_fallback, "peer": worker_peer, "cold": worker_cold}
        print(json.dumps(workers[kind](spec)))
        return

    sizes = SIZES[:2] if args.quick else SIZES
    print(
        f"engine benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}"
    )
    print(f"times: best of {REPEATS} warm calls; first: first call in a fresh process (numba cache warm)")
    print("RSS0: process with its instance before the engine runs; peak: process peak during the calls;")
    print("traced: the engine's own peak allocation in MB (tracemalloc, numpy included)\n")
    ours = engine_table(sizes)
    fallback(*sizes[-1])
    cold_start(*sizes[-1])
    if not args.no_peer:
        peer_table(sizes, ours)


if __name__ == "__main__":
    main()
