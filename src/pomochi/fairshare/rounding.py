"""Exact integer arithmetic for shares: floor(a·T/S) without overflow, and largest remainder.

A rule works out each household's exact share as a fraction, floor + remainder / denominator.
Largest-remainder (Hamilton) rounding then hands the units the floors leave over, one each, to
the households with the largest remainders; equal remainders go to the lowest household ids, so
the result never depends on the order in which households were listed.
"""

import numpy as np

# Below this the float estimate of floor(a·T/S) is off by at most 2, so the exact residual
# a·T − estimate·S, computed modulo 2**64, is within ±3·S and read back exactly as int64.
_FAST_MULDIV_LIMIT = 2**52


def muldiv(a: np.ndarray, numerator: int, denominator: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (floor(a·N/D), a·N mod D) exactly, for 0 ≤ a ≤ D ≤ 2**60 and 0 ≤ N < D."""
    if a.size == 0:
        return a.copy(), a.copy()
    if numerator < _FAST_MULDIV_LIMIT:
        estimate = np.floor(a.astype(np.float64) * (numerator / denominator)).astype(np.int64)
        residual = (
            a.astype(np.uint64) * np.uint64(numerator)
            - estimate.astype(np.uint64) * np.uint64(denominator)
        ).view(np.int64)
        correction = residual // denominator
        return estimate + correction, residual - correction * denominator
    # Astronomical totals: exact Python integers, slower but still correct.
    products = a.astype(object) * numerator
    quotients = (products // denominator).astype(np.int64)
    remainders = (products % denominator).astype(np.int64)
    return quotients, remainders


def largest_remainder(remainders: np.ndarray, ids: np.ndarray, units: int) -> np.ndarray:
    """Indices of the `units` households that get one more unit: largest remainder first,
    equal remainders to the lowest id. O(n): a partition, never a full sort."""
    n = remainders.size
    if units <= 0:
        return np.zeros(0, dtype=np.intp)
    if units > n:
        raise AssertionError(f"{units} units left to hand out among {n} households")
    if units == n:
        return np.arange(n, dtype=np.intp)
    threshold = np.partition(remainders, n - units)[n - units]
    above = np.flatnonzero(remainders > threshold)
    tied = np.flatnonzero(remainders == threshold)
    wanted = units - above.size
    if wanted < tied.size:
        tied = tied[np.argpartition(ids[tied], wanted - 1)[:wanted]] if wanted else tied[:0]
    return np.concatenate([above, tied])
