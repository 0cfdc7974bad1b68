"""Checking what a rule is given: whole non-negative quantities, sizes, priorities and ids.

Every rule starts here, so a bad call fails the same way whichever rule it named, with a
ValueError that says which household and what was wrong.
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np

# Sums of asks are kept in int64 with room to spare: 2**60 grams is over a billion tonnes.
MAX_ASKED_SUM = 2**60
# Household sizes are weights in exact integer arithmetic (size × Σ sizes must fit in int64,
# and size ratios must sort exactly in float64): 2**26 people is a city, not a household.
MAX_SIZE = 2**26
MAX_SIZE_SUM = 2**36


@dataclass(frozen=True, eq=False)
class Inputs:
    """One round's arrays, checked, as read-only int64 arrays of the same length."""

    asked: np.ndarray
    total: int
    asked_sum: int
    ids: np.ndarray
    sizes: np.ndarray | None
    priorities: np.ndarray | None

    @property
    def n(self) -> int:
        return int(self.asked.size)


def prepare(
    asked, total, *, sizes=None, priorities=None, ids=None, need_sizes: bool = False
) -> Inputs:
    """Check and convert a rule's arguments; raise ValueError naming the first problem."""
    asked_arr = _int_array(asked, "asked")
    n = asked_arr.size
    total = _whole_number(total, "total")
    ids_arr = np.arange(n, dtype=np.int64) if ids is None else _int_array(ids, "ids", n)
    if ids is not None and n > 1:
        ordered = np.sort(ids_arr)  # np.unique hashes, and is far slower on a million ids
        if (ordered[1:] == ordered[:-1]).any():
            raise ValueError("ids must be unique: each household is listed once")
    if n and asked_arr.min() < 0:
        i = int(np.flatnonzero(asked_arr < 0)[0])
        raise ValueError(
            f"asked quantities cannot be negative: household {int(ids_arr[i])} "
            f"asked {int(asked_arr[i])}"
        )
    asked_sum = _exact_sum(asked_arr)
    if asked_sum > MAX_ASKED_SUM:
        raise ValueError(f"the asks add up to {asked_sum}, more than 2**60 units")
    sizes_arr = None
    if sizes is not None:
        sizes_arr = _int_array(sizes, "sizes", n)
        if n and sizes_arr.min() < 1:
            i = int(np.flatnonzero(sizes_arr < 1)[0])
            raise ValueError(
                f"household sizes must be at least 1: household {int(ids_arr[i])} "
                f"has size {int(sizes_arr[i])}"
            )
        if n and sizes_arr.max() > MAX_SIZE:
            raise ValueError(f"household sizes must be at most {MAX_SIZE}")
        if _exact_sum(sizes_arr) > MAX_SIZE_SUM:
            raise ValueError(f"household sizes must add up to at most {MAX_SIZE_SUM}")
    elif need_sizes:
        raise ValueError("this rule needs household sizes (sizes=…)")
    priorities_arr = None if priorities is None else _int_array(priorities, "priorities", n)
    return Inputs(
        asked=asked_arr,
        total=total,
        asked_sum=asked_sum,
        ids=ids_arr,
        sizes=sizes_arr,
        priorities=priorities_arr,
    )


def _whole_number(value, name: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number in the smallest unit, not {value!r}")
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} cannot be negative: {value}")
    return value


def _int_array(values, name: str, length: int | None = None) -> np.ndarray:
    """A read-only 1-D int64 array; floats, booleans and out-of-range integers are refused."""
    if isinstance(values, list | tuple) and any(isinstance(v, bool | np.bool_) for v in values):
        # numpy would quietly turn [5, True, 3] into the integers [5, 1, 3]
        raise ValueError(f"{name} must hold whole numbers, not booleans")
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence, not of shape {arr.shape}")
    if arr.size == 0:
        arr = np.zeros(0, dtype=np.int64)
    elif arr.dtype == object:
        if not all(isinstance(v, Integral) and not isinstance(v, bool | np.bool_) for v in arr):
            raise ValueError(f"{name} must hold whole numbers only")
        if any(not -(2**63) <= int(v) < 2**63 for v in arr):
            raise ValueError(f"{name} holds a number too large for 64 bits")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold whole numbers, not {arr.dtype} values")
    elif arr.dtype == np.uint64 and arr.max() >= 2**63:
        raise ValueError(f"{name} holds a number too large for 64 bits")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} has {arr.size} entries but there are {length} households")
    arr = np.array(arr, dtype=np.int64, copy=True)  # our own copy: the caller may reuse theirs
    arr.flags.writeable = False
    return arr


def _exact_sum(arr: np.ndarray) -> int:
    """Σ arr as a Python int, even where an int64 sum would wrap (arr ≥ 0 or small)."""
    if arr.size == 0:
        return 0
    if max(abs(int(arr.max())), abs(int(arr.min()))) <= (2**62) // arr.size:
        return int(arr.sum())
    # Split each value into 32-bit halves: each half-sum fits in int64 for < 2**31 values.
    high = int((arr >> 32).sum())
    low = int((arr & 0xFFFFFFFF).sum())
    return (high << 32) + low
