"""From the dict contract to the engine's integer arrays, with clear errors for bad input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from matcher.engine._kernels import BuildError


@dataclass(frozen=True)
class Instance:
    """A validated allocation instance: string ids and their positions in CSR arrays."""

    applicant_ids: list[str]
    opportunity_ids: list[str]
    app_indptr: np.ndarray
    app_opp: np.ndarray
    opp_indptr: np.ndarray
    opp_app: np.ndarray
    capacity: np.ndarray


def from_mappings(
    applicants: Mapping[str, Sequence[str]],
    opportunities: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
    compiled: bool = False,
) -> Instance:
    """Check the contract's three mappings and turn them into arrays (duplicates are left to the kernels).

    ``compiled`` resolves the ids with the compiled key table (numba) instead of Python dicts.
    """
    for name, mapping in (
        ("applicants", applicants),
        ("opportunities", opportunities),
        ("capacities", capacities),
    ):
        if not isinstance(mapping, Mapping):
            raise TypeError(f"{name} must be a mapping of id to values, not {type(mapping).__name__}")
    _check_ids(applicants, "applicant")
    _check_ids(opportunities, "opportunity")
    _check_ids(capacities, "opportunity (in capacities)")
    _check_lists(applicants, "applicant", "opportunity")
    _check_lists(opportunities, "opportunity", "applicant")

    applicant_ids = list(applicants)
    opportunity_ids = list(opportunities)
    app_pos = dict(zip(applicant_ids, range(len(applicant_ids)), strict=True))
    opp_pos = dict(zip(opportunity_ids, range(len(opportunity_ids)), strict=True))
    capacity = _capacities(capacities, opportunity_ids, opp_pos)
    app_indptr, app_opp = _encode(applicants, opp_pos, "applicant", "opportunity", compiled)
    opp_indptr, opp_app = _encode(opportunities, app_pos, "opportunity", "applicant", compiled)
    return Instance(applicant_ids, opportunity_ids, app_indptr, app_opp, opp_indptr, opp_app, capacity)


def describe_build_error(error: BuildError, instance: Instance) -> ValueError:
    """Turn a kernel's BuildError (on a dict-built instance) into a message with the ids."""
    if error.kind == "applicant_duplicate":
        who, what = instance.applicant_ids[error.row], instance.opportunity_ids[error.value]
        return ValueError(f"applicant {who!r} lists opportunity {what!r} more than once")
    if error.kind == "opportunity_duplicate":
        who, what = instance.opportunity_ids[error.row], instance.applicant_ids[error.value]
        return ValueError(f"opportunity {who!r} lists applicant {what!r} more than once")
    # Index errors cannot come from the dict path: every id was looked up by name.
    return ValueError(f"invalid preference data: {error.kind} at row {error.row}")


def _check_ids(mapping: Mapping[object, object], role: str) -> None:
    # One pass over the key types in C, then a slow search only when something is wrong.
    if all(issubclass(t, str) for t in set(map(type, mapping))):
        return
    bad = next(k for k in mapping if not isinstance(k, str))
    raise TypeError(f"{role} ids must be strings; got {bad!r} ({type(bad).__name__})")


def _check_lists(mapping: Mapping[str, object], role: str, other: str) -> None:
    if set(map(type, mapping.values())) <= {list, tuple}:
        return
    for key, value in mapping.items():
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(
                f"the preferences of {role} {key!r} must be a list of {other} ids, not {type(value).__name__}"
            )


def _capacities(
    capacities: Mapping[str, int], opportunity_ids: list[str], opp_pos: dict[str, int]
) -> np.ndarray:
    unknown = [o for o in capacities if o not in opp_pos]
    if unknown:
        raise ValueError(f"capacity given for unknown opportunity {unknown[0]!r}")
    missing = [o for o in opportunity_ids if o not in capacities]
    if missing:
        raise ValueError(f"no capacity given for opportunity {missing[0]!r}")
    for opportunity, value in capacities.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"capacity of opportunity {opportunity!r} must be an integer, not {value!r}")
        if value < 0:
            raise ValueError(f"capacity of opportunity {opportunity!r} is negative ({value})")
    return np.fromiter(map(capacities.__getitem__, opportunity_ids), np.int64, len(opportunity_ids))


def _encode(
    lists: Mapping[str, Sequence[str]], positions: dict[str, int], role: str, other: str, compiled: bool
) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays (int64 row pointers, int32 positions) for the ranked lists of one side."""
    rows = lists.values()
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, rows), np.int64, len(rows)), out=indptr[1:])
    if compiled:
        from matcher.engine._fastids import KeyTable

        table = KeyTable(positions)  # positions maps each key to its insertion index, as KeyTable does
        if table.usable:
            resolved = table.resolve(rows, int(indptr[-1]))
            if isinstance(resolved, np.ndarray):
                return indptr, resolved
            # An unknown id or an undecidable text: the exact path below names the culprit.
    try:
        flat = np.fromiter(map(positions.__getitem__, chain.from_iterable(rows)), np.int32, int(indptr[-1]))
    except (KeyError, TypeError):
        raise _bad_entry(lists, positions, role, other) from None
    return indptr, flat


def _bad_entry(
    lists: Mapping[str, Iterable[object]], positions: dict[str, int], role: str, other: str
) -> Exception:
    for key, ranked in lists.items():
        for item in ranked:
            if not isinstance(item, str):
                return TypeError(
                    f"{role} {key!r} lists {item!r} ({type(item).__name__}); {other} ids must be strings"
                )
            if item not in positions:
                return ValueError(f"{role} {key!r} lists unknown {other} {item!r}")
    return ValueError(f"invalid preferences of the {role}s")  # unreachable unless the input changed meanwhile
