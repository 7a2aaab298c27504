"""The engine's CSR instances: built from the dict contract's mappings, or checked from a caller's arrays.

The compiled kernels run without bounds checks, so the checks here are their only guard: every
malformed input must stop here with a clear error, or in the build step (ids out of range,
duplicates), which reports a BuildError that is turned into a message below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np

from matcher.engine._solve import BuildError


class CsrArrays(NamedTuple):
    """Both sides' ranked lists in the kernels' dtypes: int64 row pointers, int32 positions."""

    app_indptr: np.ndarray
    app_opp: np.ndarray
    opp_indptr: np.ndarray
    opp_app: np.ndarray
    capacity: np.ndarray  # int64, one entry per opportunity


@dataclass(frozen=True)
class Instance:
    """A validated allocation instance: string ids and their positions in CSR arrays."""

    applicant_ids: list[str]
    opportunity_ids: list[str]
    arrays: CsrArrays


def from_mappings(
    applicants: Mapping[str, Sequence[str]],
    opportunities: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
) -> Instance:
    """Check the contract's three mappings and turn them into arrays (duplicates are left to the kernels)."""
    for name, mapping in (
        ("applicants", applicants),
        ("opportunities", opportunities),
        ("capacities", capacities),
    ):
        if not isinstance(mapping, Mapping):
            raise TypeError(
                f"{name} must be a mapping of id to values, not {type(mapping).__name__}"  # i18n: ignore
            )
    _check_ids(applicants, "applicant")
    _check_ids(opportunities, "opportunity")
    _check_ids(capacities, "opportunity (in capacities)")
    _check_lists(applicants, "applicant", "opportunity")
    _check_lists(opportunities, "opportunity", "applicant")

    applicant_ids = list(applicants)
    opportunity_ids = list(opportunities)
    app_pos = {applicant: i for i, applicant in enumerate(applicant_ids)}
    opp_pos = {opportunity: j for j, opportunity in enumerate(opportunity_ids)}
    capacity = _capacities(capacities, opportunity_ids, opp_pos)
    app_indptr, app_opp = _encode(applicants, opp_pos, "applicant", "opportunity")
    opp_indptr, opp_app = _encode(opportunities, app_pos, "opportunity", "applicant")
    arrays = CsrArrays(app_indptr, app_opp, opp_indptr, opp_app, capacity)
    return Instance(applicant_ids, opportunity_ids, arrays)


def from_arrays(
    applicant_indptr: np.ndarray,
    applicant_prefs: np.ndarray,
    opportunity_indptr: np.ndarray,
    opportunity_prefs: np.ndarray,
    capacities: np.ndarray,
) -> CsrArrays:
    """Check a caller's CSR arrays and give them the kernels' dtypes (out-of-range positions and
    duplicates are left to the kernels' build step, which checks them explicitly)."""
    app_indptr = _indptr(applicant_indptr, applicant_prefs, "applicant")
    opp_indptr = _indptr(opportunity_indptr, opportunity_prefs, "opportunity")
    capacity = _integer_array(capacities, "capacities")
    if capacity.shape != (len(opp_indptr) - 1,):
        raise ValueError(f"capacities must have one entry per opportunity ({len(opp_indptr) - 1})")
    if capacity.size and capacity.min() < 0:
        raise ValueError(f"capacity of opportunity {int(np.argmin(capacity))} is negative")
    return CsrArrays(
        app_indptr,
        _positions(applicant_prefs, "applicant"),
        opp_indptr,
        _positions(opportunity_prefs, "opportunity"),
        np.ascontiguousarray(capacity, np.int64),
    )


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


def describe_position_error(error: BuildError) -> ValueError:
    """Turn a kernel's BuildError (on the caller's arrays) into a message with the positions."""
    who, what = error.row, error.value
    return ValueError(
        {
            "applicant_index": f"applicant {who} ranks opportunity {what}, which does not exist",
            "opportunity_index": f"opportunity {who} ranks applicant {what}, which does not exist",
            "applicant_duplicate": f"applicant {who} ranks opportunity {what} more than once",
            "opportunity_duplicate": f"opportunity {who} ranks applicant {what} more than once",
        }[error.kind]
    )


def _check_ids(mapping: Mapping[object, object], role: str) -> None:
    # One pass over the key types in C, then a slow search only when something is wrong.
    if all(issubclass(t, str) for t in set(map(type, mapping))):
        return
    bad = next(k for k in mapping if not isinstance(k, str))
    raise TypeError(f"{role} ids must be strings; got {bad!r} ({type(bad).__name__})")  # i18n: ignore


def _check_lists(mapping: Mapping[str, object], role: str, other: str) -> None:
    if set(map(type, mapping.values())) <= {list, tuple}:
        return
    for key, value in mapping.items():
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(
                f"the preferences of {role} {key!r} must be a list of {other} ids, "  # i18n: ignore
                f"not {type(value).__name__}"
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
            raise TypeError(
                f"capacity of opportunity {opportunity!r} must be an integer, not {value!r}"  # i18n: ignore
            )
        if value < 0:
            raise ValueError(f"capacity of opportunity {opportunity!r} is negative ({value})")
    return np.fromiter(map(capacities.__getitem__, opportunity_ids), np.int64, len(opportunity_ids))


def _encode(
    lists: Mapping[str, Sequence[str]], positions: dict[str, int], role: str, other: str
) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays (int64 row pointers, int32 positions) for the ranked lists of one side."""
    rows = lists.values()
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, rows), np.int64, len(rows)), out=indptr[1:])
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
                    f"{role} {key!r} lists {item!r} ({type(item).__name__}); "  # i18n: ignore
                    f"{other} ids must be strings"
                )
            if item not in positions:
                return ValueError(f"{role} {key!r} lists unknown {other} {item!r}")
    return ValueError(f"invalid preferences of the {role}s")  # unreachable unless the input changed meanwhile


def _integer_array(values: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.integer):
        return array
    if array.size == 0:  # np.asarray([]) is float64, yet holds no value to misread
        return array.astype(np.int64)
    raise TypeError(f"{name} must hold integers, not {array.dtype}")  # i18n: ignore


def _indptr(indptr: np.ndarray, prefs: np.ndarray, role: str) -> np.ndarray:
    pointers = _integer_array(indptr, f"{role} row pointers")
    if pointers.ndim != 1:
        raise ValueError(f"{role} row pointers must be 1-D, not {pointers.ndim}-D")
    if len(pointers) == 0:
        raise ValueError(f"{role} row pointers must start at 0 (give [0] when there are none)")
    if pointers[0] != 0:
        raise ValueError(f"{role} row pointers must start at 0, not {pointers[0]}")
    # Compared in the caller's dtype: a cast to int64 first could wrap a huge unsigned value.
    falls = np.flatnonzero(pointers[1:] < pointers[:-1])
    if len(falls):
        row = int(falls[0])
        raise ValueError(f"{role} row pointers must be non-decreasing; {role} {row} ends before it starts")
    if pointers[-1] != len(prefs):
        raise ValueError(f"{role} row pointers must end at len(prefs) ({len(prefs)}), not {pointers[-1]}")
    return np.ascontiguousarray(pointers, np.int64)


def _positions(prefs: np.ndarray, role: str) -> np.ndarray:
    values = _integer_array(prefs, f"{role} preferences")
    if values.ndim != 1:
        raise ValueError(f"{role} preferences must be 1-D, not {values.ndim}-D")
    # The kernels index with int32: a wider value must not wrap into a valid (or negative) position.
    if not np.can_cast(values.dtype, np.int32):
        int32 = np.iinfo(np.int32)
        beyond = values[(values < int32.min) | (values > int32.max)]
        if len(beyond):
            raise ValueError(
                f"{role} preferences hold position {beyond[0]}, beyond the engine's 32-bit positions"
            )
    return np.ascontiguousarray(values, np.int32)
