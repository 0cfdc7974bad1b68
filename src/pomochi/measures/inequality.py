"""Inequality of holdings."""

import numpy as np
from numpy.typing import ArrayLike


def gini(values: ArrayLike) -> float:
    """The Gini coefficient of non-negative holdings: 0 when all hold the same, towards 1 when
    one holds everything. NaN for no households or nothing held at all (undefined, not equal).

    Computed from the sorted values as Σ(2i − n − 1)·x_i / (n·Σx), in float64 whatever the
    input's type, so a million float32 herds do not lose precision in the sums.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        return float("nan")
    if np.isnan(x).any() or x.min() < 0:
        raise ValueError("gini needs holdings that are numbers and not negative")
    total = x.sum()
    if total == 0:
        return float("nan")
    x = np.sort(x)
    n = x.size
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    return float(weights @ x / (n * total))
