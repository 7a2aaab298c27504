"""Rebuild reference/data/countries.csv from country_converter; check income_groups.csv against it.

countries.csv is generated from the ``country_data.tsv`` file shipped in the installed
``country_converter`` package. income_groups.csv is maintained by hand from the World Bank
classification (see its header); this script only checks it against the countries.

Usage: python scripts/build_reference_data.py [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from collections import Counter
from importlib import metadata, resources
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "matcher" / "reference" / "data"
PACKAGE = "country_converter"

# The UN M49 hierarchy: region -> the sub-regions used in country_converter's UNregion column.
M49_REGIONS = {
    "Africa": (
        "Eastern Africa",
        "Middle Africa",
        "Northern Africa",
        "Southern Africa",
        "Western Africa",
    ),
    "Americas": ("Caribbean", "Central America", "Northern America", "South America"),
    "Asia": ("Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"),
    "Europe": ("Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"),
    "Oceania": ("Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"),
}
REGION_OF = {sub: region for region, subs in M49_REGIONS.items() for sub in subs}

# Where country_converter disagrees with M49: M49 (code 057, Micronesia) lists Nauru.
SUBREGION_FIXES = {"NR": "Micronesia"}

# Plain common English names where name_short is abbreviated or unusual ("St." is handled apart).
NAME_FIXES = {
    "BL": "Saint Barthélemy",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "GS": "South Georgia and the South Sandwich Islands",
    "HM": "Heard Island and McDonald Islands",
    "MF": "Saint Martin",
    "PN": "Pitcairn Islands",
    "SJ": "Svalbard and Jan Mayen",
    "VA": "Vatican City",
    "WF": "Wallis and Futuna",
}

INCOME_GROUPS = ("low", "lower-middle", "upper-middle", "high")


def read_source() -> list[dict[str, str]]:
    """The package's own table as plain strings: "NA" stays Namibia, never a missing value."""
    text = resources.files(PACKAGE).joinpath("country_data.tsv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def build_countries(
    source: list[dict[str, str]],
) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """Rows for countries.csv, the codes left out for want of an M49 region, and notes."""
    rows, skipped, notes = [], [], []
    for entry in source:
        if entry["obsolete"].strip():
            continue
        iso2 = entry["ISO2"].split("|")[0].strip("^$")  # "^GR$|^EL$" -> "GR"
        if len(iso2) != 2 or not iso2.isalpha() or not iso2.isupper():
            raise SystemExit(f"unexpected ISO2 value {entry['ISO2']!r} for {entry['name_short']}")
        subregion = SUBREGION_FIXES.get(iso2, entry["UNregion"])
        region = REGION_OF.get(subregion)
        if region is None:
            skipped.append(iso2)
            continue
        continent = {"America": "Americas"}.get(entry["continent"], entry["continent"])
        if continent != region:
            notes.append(f"{iso2} ({entry['continent']})")
        name = entry["name_short"]
        if name.startswith("St. "):
            name = "Saint " + name[4:]
        rows.append(
            {
                "iso2": iso2,
                "name": NAME_FIXES.get(iso2, name),
                "region": region,
                "subregion": subregion,
            }
        )
    codes = [row["iso2"] for row in rows]
    duplicates = sorted(code for code, n in Counter(codes).items() if n > 1)
    if duplicates:
        raise SystemExit(f"duplicate ISO2 codes: {duplicates}")
    return sorted(rows, key=lambda row: row["iso2"]), skipped, notes


def write_countries(rows: list[dict[str, str]], skipped: list[str], notes: list[str], day: str) -> None:
    version = metadata.version(PACKAGE)
    fixes = ", ".join(f"{code} -> {sub}" for code, sub in SUBREGION_FIXES.items())
    header = [
        "Countries and territories with an ISO 3166-1 alpha-2 code; UN M49 region and sub-region.",
        f"Source: PyPI package {PACKAGE} {version}, file country_data.tsv;",
        "  columns used: ISO2, name_short, continent, UNregion, obsolete.",
        "subregion = UNregion; region = the M49 region containing it ('America' -> 'Americas').",
        f"  The continent column differs for {', '.join(notes) or 'none'}; M49 is followed.",
        f"Sub-region corrected to M49: {fixes}.",
        "Excluded: obsolete entries, and codes M49 puts in no region: " + ", ".join(skipped) + ".",
        "name = name_short, 'St.' written 'Saint'; plain names for " + ", ".join(NAME_FIXES) + ".",
        "XK (Kosovo): user-assigned code in common use (EU, World Bank), not official ISO 3166-1.",
        f"Generated {day} by scripts/build_reference_data.py.",
    ]
    out = io.StringIO()
    out.writelines(f"# {line}\n" for line in header)
    writer = csv.DictWriter(out, ["iso2", "name", "region", "subregion"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (DATA_DIR / "countries.csv").write_text(out.getvalue(), "utf-8")


def check_income_groups(countries: list[dict[str, str]]) -> list[str]:
    """Problems in income_groups.csv; prints counts per income group and per region."""
    lines = (DATA_DIR / "income_groups.csv").read_text("utf-8").splitlines()
    reader = csv.DictReader(line for line in lines if line and not line.startswith("#"))
    region = {row["iso2"]: row["region"] for row in countries}
    problems, seen, by_group, by_region = [], set(), Counter(), Counter()
    if reader.fieldnames != ["iso2", "income_group"]:
        problems.append(f"income_groups.csv header is {reader.fieldnames}")
    for row in reader:
        iso2, group = row["iso2"], row["income_group"]
        if iso2 not in region:
            problems.append(f"income_groups.csv: {iso2} is not in countries.csv")
        if group not in INCOME_GROUPS:
            problems.append(f"income_groups.csv: {iso2} has unknown income group {group!r}")
        if iso2 in seen:
            problems.append(f"income_groups.csv: {iso2} appears twice")
        seen.add(iso2)
        by_group[group] += 1
        by_region[region.get(iso2, "?"), group] += 1
    print(f"income groups: {len(seen)} economies; " + ", ".join(f"{g} {by_group[g]}" for g in INCOME_GROUPS))
    for name in M49_REGIONS:
        print(f"  {name}: " + ", ".join(f"{g} {by_region[name, g]}" for g in INCOME_GROUPS))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default=dt.date.today().isoformat(), help="date written in the header")
    args = parser.parse_args()

    rows, skipped, notes = build_countries(read_source())
    write_countries(rows, skipped, notes, args.date)
    per_region = Counter(row["region"] for row in rows)
    print(f"countries.csv: {len(rows)} rows; " + ", ".join(f"{r} {per_region[r]}" for r in M49_REGIONS))

    problems = check_income_groups(rows)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
