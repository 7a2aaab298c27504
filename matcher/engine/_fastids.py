"""Compiled look-up of string ids: the dict contract's hot spot, done without Python dicts.

Mapping 2M ranked ids through a Python dict costs 0.2-1.2 s on this machine, most of it cache
misses on the string objects and the dict. Instead, `str.join` touches each string once at C speed
to make one text of ids separated by the ASCII unit separator, and a compiled open-addressing table
of the UTF-8 keys resolves every token. An id containing the separator would make the text
ambiguous; counting separators detects it, and the caller then falls back to the dict look-up.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numba
import numpy as np

UNIT = "\x1f"
_UNIT = 0x1F
_FNV_OFFSET, _FNV_PRIME = np.uint64(14695981039346656037), np.uint64(1099511628211)

_jit = numba.njit(cache=True, nogil=True, boundscheck=False)


@_jit
def _hash(data, start, end):
    h = _FNV_OFFSET
    for i in range(start, end):
        h = (h ^ np.uint64(data[i])) * _FNV_PRIME
    return h


@_jit
def _same(data, start, end, keys, key_start, key_end):
    if end - start != key_end - key_start:
        return False
    for i in range(end - start):  # noqa: SIM110 - numba compiles loops, not generators
        if data[start + i] != keys[key_start + i]:
            return False
    return True


@_jit
def _build_table(keys, bounds, table):
    """Insert key i (keys[bounds[i]:bounds[i + 1] - 1], the -1 drops the separator) at its slot."""
    mask = np.uint64(table.shape[0] - 1)
    for i in range(bounds.shape[0] - 1):
        slot = _hash(keys, bounds[i], bounds[i + 1] - 1) & mask
        while table[slot] != -1:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = i


@_jit
def _tokenize(data, starts, slots, mask):
    """Record where each token starts and its home slot; returns the number of tokens seen."""
    count = 0
    start = 0
    h = _FNV_OFFSET
    for i in range(data.shape[0]):
        c = data[i]
        if c == _UNIT:
            if count < starts.shape[0]:
                starts[count] = start
                slots[count] = h & mask
            count += 1
            start = i + 1
            h = _FNV_OFFSET
        else:
            h = (h ^ np.uint64(c)) * _FNV_PRIME
    if count < starts.shape[0]:
        starts[count] = start
        slots[count] = h & mask
    return count + 1


@_jit
def _gather(table, found):
    """Replace each home slot by the key it holds (in place: numpy's take would buffer a copy)."""
    for t in range(found.shape[0]):
        found[t] = table[found[t]]


@_jit
def _verify(data, starts, found, keys, bounds, table):
    """Confirm each gathered key byte for byte, in place; returns -1 or the first unknown token.

    found[t] holds the key in token t's home slot; when that is another key (a collision),
    the token is hashed again and the probe goes on from its home slot.
    """
    n = starts.shape[0]
    mask = np.uint64(table.shape[0] - 1)
    for t in range(n):
        start = starts[t]
        end = starts[t + 1] - 1 if t + 1 < n else data.shape[0]
        k = found[t]
        if k >= 0 and not _same(data, start, end, keys, bounds[k], bounds[k + 1] - 1):
            slot = _hash(data, start, end) & mask
            while True:
                slot = (slot + np.uint64(1)) & mask
                k = table[slot]
                if k < 0 or _same(data, start, end, keys, bounds[k], bounds[k + 1] - 1):
                    break
        if k < 0:
            return t
        found[t] = k
    return -1


class KeyTable:
    """A compiled hash table from string ids to their positions."""

    def __init__(self, keys: Collection[str]) -> None:
        text = UNIT.join(keys) + UNIT
        self.usable = text.count(UNIT) == len(keys)
        if not self.usable:
            return
        self._keys = np.frombuffer(text.encode("utf-8", "surrogatepass"), np.uint8)
        # bounds[i] is the byte offset of key i; the separators are single bytes in UTF-8.
        self._bounds = np.zeros(len(keys) + 1, np.int64)
        self._bounds[1:] = np.flatnonzero(self._keys == _UNIT) + 1
        # A sparse table (load <= 1/4) keeps most keys in their home slot, which the gather reads.
        size = 1 << max(4, (4 * len(keys) - 1).bit_length())
        self._table = np.full(size, -1, np.int32)
        _build_table(self._keys, self._bounds, self._table)

    def resolve(self, rows: Iterable[Sequence[str]], n_items: int) -> np.ndarray | int | None:
        """Positions of the ids of all rows, flattened; the flat index of an unknown id; or None.

        None means the fast path cannot decide (a separator inside an id, a non-string item):
        the caller must use the exact dict look-up, which also produces the right error.
        """
        if n_items == 0:
            return np.empty(0, np.int32)
        try:
            # Joining row by row is faster than one join over a chain: each row's strings are
            # still in cache for the second pass that str.join makes over them.
            text = UNIT.join([UNIT.join(row) for row in rows if row])
        except TypeError:
            return None
        if text.count(UNIT) != n_items - 1:
            return None
        data = np.frombuffer(text.encode("utf-8", "surrogatepass"), np.uint8)
        del text  # the text and its bytes are the two largest objects here; keep one
        # 32-bit offsets: a text over 2 GiB is far beyond any round this engine is meant for.
        starts = np.empty(n_items, np.int32)
        found = np.empty(n_items, np.int32)
        _tokenize(data, starts, found, np.uint64(len(self._table) - 1))
        # Gather, then check: neither pass depends from one token on the previous one, so the
        # processor overlaps their cache misses, which one probing loop would serialise.
        _gather(self._table, found)
        unknown = _verify(data, starts, found, self._keys, self._bounds, self._table)
        return found if unknown < 0 else int(unknown)
