"""The community trust index and its parts.

Trust here is read from behaviour, not asked in a survey: a community where many households
both give and receive, where helping ties are dense, and where requests for help are met is
one whose members can count on each other. Each part is a share in [0, 1]; a part that cannot
be known (no requests were made, no ties exist) is NaN and left out of the index rather than
counted as zero, so "nobody needed anything" does not read as "nobody was helped".
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

PARTS = ("breadth", "density", "met")


def reciprocity_breadth(gave: ArrayLike, received: ArrayLike) -> float:
    """Share of households that both gave and received (recently: the caller picks the window).

    gave and received are boolean arrays over the same households. NaN for no households.
    """
    g = np.asarray(gave, dtype=bool)
    r = np.asarray(received, dtype=bool)
    if g.shape != r.shape:
        raise ValueError("gave and received must list the same households")
    if g.size == 0:
        return float("nan")
    return float(np.count_nonzero(g & r) / g.size)


def helping_density(active_ties: int, possible_ties: int) -> float:
    """Share of the possible helping ties that carried help: NaN when no tie is possible.

    On the platform, possible ties are the pairs of households, n(n − 1)/2; in the simulator,
    the partner links of the network between living households.
    """
    if active_ties < 0 or possible_ties < 0 or active_ties > possible_ties:
        raise ValueError(f"active ties ({active_ties}) must be within 0..{possible_ties}")
    if possible_ties == 0:
        return float("nan")
    return active_ties / possible_ties


def requests_met(asked: float, met: float) -> float:
    """Share of what was asked for that was given: NaN when nothing was asked."""
    if asked < 0 or met < 0:
        raise ValueError("asked and met cannot be negative")
    if met > asked * (1 + 1e-9):
        raise ValueError(f"more was met ({met}) than asked ({asked})")
    if asked == 0:
        return float("nan")
    return min(1.0, met / asked)


@dataclass(frozen=True)
class TrustIndex:
    """The index and the parts it was built from (every score shows its parts)."""

    value: float
    breadth: float
    density: float
    met: float

    def parts(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in PARTS}


def trust_index(
    *, breadth: float, density: float, met: float, weights: dict[str, float] | None = None
) -> TrustIndex:
    """The weighted mean of the parts that are known (equal weights unless given).

    NaN only when no part is known at all.
    """
    weights = weights or dict.fromkeys(PARTS, 1.0)
    unknown = set(weights) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts of the trust index: {', '.join(sorted(unknown))}")
    values = {"breadth": breadth, "density": density, "met": met}
    for name, v in values.items():
        if not math.isnan(v) and not 0 <= v <= 1:
            raise ValueError(f"{name} must be a share between 0 and 1, not {v}")
    known = [(weights.get(k, 0.0), v) for k, v in values.items() if not math.isnan(v)]
    total_weight = sum(w for w, _ in known)
    value = sum(w * v for w, v in known) / total_weight if total_weight else float("nan")
    return TrustIndex(value=value, breadth=breadth, density=density, met=met)
