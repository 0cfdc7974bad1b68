"""Water-filling: the level λ at which Σ min(asked_i, weight_i·λ) equals the total, exactly.

Max-min fairness is water-filling with every weight 1, per person with weight = household size.
The level is found on the asks sorted by asked/weight (O(n log n)), by a binary search whose
comparisons are exact Python integers, so it is a fraction N/D with no float error; each
household's share, floor + remainder/D, is then integer numpy arithmetic.
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pomochi.fairshare.inputs import Inputs
from pomochi.fairshare.rounding import largest_remainder


@dataclass(frozen=True, eq=False)
class Filled:
    shares: np.ndarray
    capped: np.ndarray
    level: Fraction | None  # None: the total covered every ask


def water_fill(inputs: Inputs, weights: np.ndarray | None, total: int) -> Filled:
    """Shares of `total` (clipped to Σ asked) by weighted water-filling, rounded by largest
    remainder. weights None means 1 each (max-min fairness)."""
    asked, n = inputs.asked, inputs.n
    if total >= inputs.asked_sum:
        return Filled(asked.copy(), np.ones(n, dtype=bool), None)
    numerator, denominator = _level(asked, weights, total)
    q, r = divmod(numerator, denominator)  # λ = q + r/D, 0 ≤ r < D
    if weights is None:
        # a ≤ q + r/D ⇔ a ≤ q for whole a: the ask, not the level, is the limit.
        capped = asked <= q
        uncapped = np.flatnonzero(~capped)
        floors = np.full(uncapped.size, q, dtype=np.int64)
        remainders = np.full(uncapped.size, r, dtype=np.int64)
    else:
        # a/w ≤ λ, compared as whole part then fraction: (a mod w)/w ≤ r/D, no overflow
        # because both sides of the cross-multiplication stay below w·D ≤ 2**62.
        whole, part = np.divmod(asked, weights)
        capped = (whole < q) | ((whole == q) & (part * denominator <= r * weights))
        uncapped = np.flatnonzero(~capped)
        w = weights[uncapped]
        spread = w * r  # w·λ = w·q + w·r/D
        floors = w * q + spread // denominator
        remainders = spread % denominator
    shares = np.where(capped, asked, 0)
    shares[uncapped] = floors
    units = total - int(shares.sum())
    shares[uncapped[largest_remainder(remainders, inputs.ids[uncapped], units)]] += 1
    return Filled(shares, capped, Fraction(numerator, denominator))


def _level(asked: np.ndarray, weights: np.ndarray | None, total: int) -> tuple[int, int]:
    """λ = N/D for total < Σ asked: the households with the k smallest asked/weight are given
    their asks, the others share the rest, N = total − Σ their asks over D = Σ others' weights.
    k is the first position whose household would not be capped at that level."""
    n = asked.size
    if weights is None:
        sorted_asked = np.sort(asked)
        sorted_weights = None
        cum_weights = None
        weight_sum = n
    else:
        # Sort by asked/weight exactly. Distinct ratios a/w ≠ a'/w' differ by at least
        # 1/(w·w'), a relative 1/(a·w') of the larger: while max a · max w ≤ 2**50 that is more
        # than float64 rounding can blur, so the float ratios sort right. Beyond, sort by whole
        # part then fraction (a mod w)/w, exact for weights up to 2**26.
        if int(asked.max()) * int(weights.max()) <= 2**50:
            order = np.argsort(asked / weights)
        else:
            whole, part = np.divmod(asked, weights)
            order = np.lexsort((part / weights, whole))
        sorted_asked = asked[order]
        sorted_weights = weights[order]
        cum_weights = np.cumsum(sorted_weights)
        weight_sum = int(cum_weights[-1])
    cum_asked = np.cumsum(sorted_asked)

    def before(k: int) -> tuple[int, int]:  # Σ asks and Σ weights of the first k
        if k == 0:
            return 0, 0
        w = k if cum_weights is None else int(cum_weights[k - 1])
        return int(cum_asked[k - 1]), w

    def not_capped(k: int) -> bool:  # asked_k/w_k ≥ (total − A_k)/(W − W_k)
        a_before, w_before = before(k)
        w_k = 1 if sorted_weights is None else int(sorted_weights[k])
        return int(sorted_asked[k]) * (weight_sum - w_before) >= (total - a_before) * w_k

    # not_capped is false then true along the sorted order, and true at the last household
    # because total < Σ asked.
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if not_capped(mid):
            hi = mid
        else:
            lo = mid + 1
    a_before, w_before = before(lo)
    return total - a_before, weight_sum - w_before
