"""Benchmark of the team builder, `matcher.engine.form_teams`, on seeded realistic instances.

    .venv/bin/python bench/teams.py                      # 600 x 60 and 5,000 x 500
    .venv/bin/python bench/teams.py --sizes 600x60 --seed 7 --repeat 3

An instance: teaching visits over one year, each two weeks long (Monday to Sunday of the
following week) and starting in the first half of its month, at sites that ask for 2 to 5 of 14
IR procedures; slots for IR physicians (1-2), IR trainees (0-2), IR nurses (1-2) and
radiographers (0-1). Volunteers: physicians, trainees, nurses and radiographers (30/25/30/15 %),
each with procedures they can teach (physicians most), one or two windows of 3 to 10 weeks in
the year, a budget of 1 to 4 weeks, and, for 60 % of them, up to three of the visits they fit,
ranked. Popular procedures and months are drawn more often (Zipf-like), as in real requests.
Visits are in six regions; each volunteer applies to the visits in one or two regions (the
engine's ``"applied"``), unless ``--any-region``.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scipy

from matcher.engine import form_teams
from matcher.engine.team_input import fitting_pairs, read_teams, read_volunteers

PROCEDURES = [
    "uterine_fibroid_embolisation",
    "pph_embolisation",
    "tace",
    "microwave_ablation",
    "biliary_drainage",
    "nephrostomy",
    "abscess_drainage",
    "image_guided_biopsy",
    "central_venous_access",
    "dialysis_access",
    "varicocele_embolisation",
    "gi_bleed_embolisation",
    "angioplasty",
    "ultrasound_guidance",
]
ROLES = {  # role -> (share of volunteers, procedures each can teach, the slots a visit has)
    "ir_physician": (0.30, (3, 7), (1, 2)),
    "ir_trainee": (0.25, (1, 4), (0, 2)),
    "ir_nurse": (0.30, (1, 3), (1, 2)),
    "radiographer": (0.15, (1, 3), (0, 1)),
}
REGIONS = ["east_africa", "west_africa", "south_asia", "southeast_asia", "latin_america", "caribbean"]
YEAR = 2027
SIZES = [(600, 60), (5_000, 500)]


def zipf_weights(n: int, exponent: float = 0.8) -> list[float]:
    return [1.0 / (i + 1) ** exponent for i in range(n)]


def generate(n_volunteers: int, n_teams: int, seed: int = 2026, regions: bool = True) -> tuple[dict, dict]:
    """A seeded instance in `form_teams`'s input shape: (volunteers, teams).

    With ``regions``, each visit is in one of six regions and each volunteer applies to every
    visit in the one or two regions they chose ("any visit in these months in this region"), given
    to the engine as ``"applied"``; without, anyone may join any visit that fits their dates.
    """
    rng = random.Random(seed)
    procedure_weights = zipf_weights(len(PROCEDURES))
    month_weights = zipf_weights(12, 0.3)
    rng.shuffle(month_weights)

    teams = {}
    region_of = {}
    for t in range(n_teams):
        month = rng.choices(range(1, 13), month_weights)[0]
        first = date(YEAR, month, 1)
        monday = first + timedelta(days=(7 - first.weekday()) % 7 + 7 * rng.randrange(2))
        needs = set(rng.choices(PROCEDURES, procedure_weights, k=rng.randint(2, 5)))
        slots = {role: (low, rng.randint(max(low, 1), high)) for role, (_, _, (low, high)) in ROLES.items()}
        tid = f"visit-{t:04d}"
        teams[tid] = {"starts": monday, "ends": monday + timedelta(days=13), "needs": needs, "slots": slots}
        region_of[tid] = rng.choice(REGIONS)

    roles = list(ROLES)
    shares = [ROLES[role][0] for role in roles]
    volunteers = {}
    for v in range(n_volunteers):
        role = rng.choices(roles, shares)[0]
        low, high = ROLES[role][1]
        windows = []
        for _ in range(rng.choice((1, 1, 2))):
            start = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
            windows.append((start, start + timedelta(days=7 * rng.randint(3, 10) - 1)))
        volunteers[f"vol-{v:05d}"] = {
            "role": role,
            "skills": set(rng.choices(PROCEDURES, procedure_weights, k=rng.randint(low, high))),
            "available": windows,
            "weeks": rng.choice((1, 2, 2, 3, 4)),
        }
        chosen = set(rng.sample(REGIONS, rng.choice((1, 1, 2))))
        if regions:
            volunteers[f"vol-{v:05d}"]["applied"] = {
                tid for tid, region in region_of.items() if region in chosen
            }
    # Preferences among the visits each one fits, as the app would offer them.
    people = read_volunteers(volunteers)
    visits = read_teams(teams, volunteers)
    fits: dict[str, list[str]] = {}
    for v, t in fitting_pairs(people, visits):
        fits.setdefault(people[v].id, []).append(visits[t].id)
    for vid, fitting in fits.items():
        if rng.random() < 0.6:
            volunteers[vid]["preferences"] = rng.sample(fitting, min(len(fitting), rng.randint(1, 3)))
    return volunteers, teams


def run(
    n_volunteers: int, n_teams: int, seed: int, repeat: int, time_limit: float | None, regions: bool
) -> dict:
    volunteers, teams = generate(n_volunteers, n_teams, seed, regions)
    best = math.inf
    for _ in range(repeat):
        started = time.perf_counter()
        plan = form_teams(volunteers, teams, time_limit=time_limit)
        best = min(best, time.perf_counter() - started)
    total_needs = sum(len(team["needs"]) for team in teams.values())
    return {
        "size": f"{n_volunteers:,} x {n_teams:,}",
        "pairs": plan.stats.pairs,
        "variables": plan.stats.variables,
        "constraints": plan.stats.constraints,
        "solves": plan.stats.solves,
        "solver": plan.stats.seconds,
        "total": best,
        "levels": plan.stats.level_seconds,
        "formed": f"{plan.objective.teams_formed}/{n_teams}",
        "needs": f"{plan.objective.needs_covered}/{total_needs}",
        "placed": f"{plan.objective.placed}/{n_volunteers}",
        "preference": plan.objective.preference,
        "optimal": plan.optimal,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default=",".join(f"{v}x{t}" for v, t in SIZES), help="e.g. 600x60,5000x500"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="calls per size; the best time is shown")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds for the solver, per call")
    parser.add_argument(
        "--any-region", action="store_true", help="volunteers may join any visit that fits (no 'applied')"
    )
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]

    print(
        f"team builder benchmark: Python {platform.python_version()}, scipy {scipy.__version__} (HiGHS), "
        f"seed {args.seed}, best of {args.repeat}, "
        + ("any visit that fits" if args.any_region else "volunteers apply to the visits in their regions")
    )
    print(
        "total s: form_teams end to end (input checks, model, solves, explanations); solver s: model + solves"
    )
    header = (
        f"{'volunteers x teams':>18} {'pairs':>7} {'variables':>9} {'rows':>7} {'solves':>6} "
        f"{'solver s':>8} {'total s':>8} {'formed':>8} {'needs':>9} {'placed':>11} {'pref':>6} optimal"
    )
    print(header)
    for n_volunteers, n_teams in sizes:
        row = run(n_volunteers, n_teams, args.seed, args.repeat, args.time_limit, not args.any_region)
        print(
            f"{row['size']:>18} {row['pairs']:>7,} {row['variables']:>9,} {row['constraints']:>7,} "
            f"{row['solves']:>6} {row['solver']:>8.2f} {row['total']:>8.2f} {row['formed']:>8} "
            f"{row['needs']:>9} {row['placed']:>11} {row['preference']:>6} {row['optimal']}"
        )
        levels = ", ".join(f"{level} {seconds:.2f}" for level, seconds in row["levels"].items())
        print(f"{'':>18} solves: {levels}", flush=True)


if __name__ == "__main__":
    main()
