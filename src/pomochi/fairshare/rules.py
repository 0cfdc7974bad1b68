"""The allocation rules named in the bylaws, each a pure function with the same signature:

    rule(asked, total, *, sizes=None, priorities=None, ids=None, **params) -> Allocation

asked and total are whole numbers in the smallest unit (grams, minutes). ids (default 0..n-1)
name the households for tie-breaking, so the order they are listed in never changes a share.
Every rule gives nobody more than asked, nothing negative, and never more than the total;
all but equal_per_household hand out exactly min(total, Σ asked).
"""

from fractions import Fraction
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from pomochi.fairshare.allocation import (
    TIER_EMPTY,
    TIER_SERVED,
    TIER_SHARED,
    Allocation,
    Tiers,
)
from pomochi.fairshare.inputs import Inputs, prepare
from pomochi.fairshare.rounding import largest_remainder, muldiv
from pomochi.fairshare.water_filling import water_fill


class Rule(Protocol):
    """The one signature every rule has (params: the rule's own, such as `within`)."""

    def __call__(
        self,
        asked: ArrayLike,
        total: int,
        *,
        sizes: ArrayLike | None = None,
        priorities: ArrayLike | None = None,
        ids: ArrayLike | None = None,
        **params: object,
    ) -> Allocation: ...


def equal_per_household(
    asked: ArrayLike,
    total: int,
    *,
    sizes: ArrayLike | None = None,
    priorities: ArrayLike | None = None,
    ids: ArrayLike | None = None,
    **params: object,
) -> Allocation:
    """A flat ration: the same share e = total/n for each of the n households, capped at what
    each asked. What a household does not need of its ration is not passed on to the others,
    even when there is exactly enough for every need (asks 1 and 9 of 10: shares 1 and 5).

    Exactly: each household is entitled to min(asked, e); the round hands out the whole units
    of that, H = ⌊Σ min(asked_i, e)⌋, apportioned by largest remainder. So a household that
    asked no more than e receives its ask, and the u others ⌊e⌋ or ⌈e⌉ each (every remainder
    being equal, the ⌊u·e⌋ − u·⌊e⌋ extra units go to the lowest ids). What the caps leave,
    and the fraction of a unit the floor drops, stays in the pool: H ≤ total.
    """
    _no_params("equal_per_household", params)
    inputs = prepare(asked, total, sizes=sizes, priorities=priorities, ids=ids)
    return _finish("equal_per_household", inputs, *_equal(inputs))


def per_person(
    asked: ArrayLike,
    total: int,
    *,
    sizes: ArrayLike | None = None,
    priorities: ArrayLike | None = None,
    ids: ArrayLike | None = None,
    **params: object,
) -> Allocation:
    """In proportion to household size, capped at what was asked, the surplus shared among the
    rest the same way: water-filling with weight = size. Each household that is not given its
    full ask gets size × λ rounded by largest remainder, λ being the same per-person level for
    all; handed out = min(total, Σ asked)."""
    _no_params("per_person", params)
    inputs = prepare(asked, total, sizes=sizes, priorities=priorities, ids=ids, need_sizes=True)
    return _finish("per_person", inputs, *_per_person(inputs))


def proportional(
    asked: ArrayLike,
    total: int,
    *,
    sizes: ArrayLike | None = None,
    priorities: ArrayLike | None = None,
    ids: ArrayLike | None = None,
    **params: object,
) -> Allocation:
    """In proportion to need: household i gets asked_i × T / Σ asked, T = min(total, Σ asked),
    rounded by largest remainder; handed out = T exactly."""
    _no_params("proportional", params)
    inputs = prepare(asked, total, sizes=sizes, priorities=priorities, ids=ids)
    return _finish("proportional", inputs, *_proportional(inputs))


def max_min(
    asked: ArrayLike,
    total: int,
    *,
    sizes: ArrayLike | None = None,
    priorities: ArrayLike | None = None,
    ids: ArrayLike | None = None,
    **params: object,
) -> Allocation:
    """Max-min fairness (water-filling): the same cap λ for everyone, each household given
    min(asked, λ), λ chosen so that the shares add up to T = min(total, Σ asked); those below
    their ask get ⌊λ⌋ or ⌈λ⌉ by largest remainder (ties to the lowest ids)."""
    _no_params("max_min", params)
    inputs = prepare(asked, total, sizes=sizes, priorities=priorities, ids=ids)
    return _finish("max_min", inputs, *_max_min(inputs))


def priority_tiers(
    asked: ArrayLike,
    total: int,
    *,
    sizes: ArrayLike | None = None,
    priorities: ArrayLike | None = None,
    ids: ArrayLike | None = None,
    within: str = "max_min",
    **params: object,
) -> Allocation:
    """Tiers by priority, highest first (the caller computes the number, e.g. from urgency and
    vulnerability flags). Each tier is given all it asked before the next gets anything; the
    tier where the stock runs out shares what is left by the `within` rule; lower tiers get
    nothing. Handed out = min(total, Σ asked) unless within="equal_per_household"."""
    _no_params("priority_tiers", params)
    if within not in WITHIN_TIER:
        raise ValueError(f"within must be one of {', '.join(WITHIN_TIER)}, not {within!r}")
    inputs = prepare(
        asked,
        total,
        sizes=sizes,
        priorities=priorities,
        ids=ids,
        need_sizes=within == "per_person",
    )
    if inputs.priorities is None:
        raise ValueError("priority_tiers needs priorities (priorities=…)")
    asked_arr, n = inputs.asked, inputs.n
    tier_values, tier_of = np.unique(inputs.priorities, return_inverse=True)
    tier_values, tier_of = tier_values[::-1], tier_values.size - 1 - tier_of  # highest first
    tier_households = np.bincount(tier_of, minlength=tier_values.size)
    tier_asked = np.zeros(tier_values.size, dtype=np.int64)
    np.add.at(tier_asked, tier_of, asked_arr)  # exact: int64, and Σ asked ≤ 2**60
    # Tiers in turn, highest first: each is given what it asked while the stock lasts.
    before = np.cumsum(tier_asked) - tier_asked
    available = np.clip(min(inputs.total, inputs.asked_sum) - before, 0, tier_asked)
    served = available == tier_asked  # a tier that asked nothing is served too
    status = np.where(served, TIER_SERVED, np.where(available > 0, TIER_SHARED, TIER_EMPTY))

    shares = np.zeros(n, dtype=np.int64)
    capped = asked_arr == 0  # the empty tiers: capped only if they asked for nothing
    cap_weights = np.ones(n, dtype=np.int64)
    # Level groups: 0 = served in full (no cap), 1 = nothing left (cap 0), 2 = the shared tier.
    levels: list[Fraction | None] = [None, Fraction(0)]
    level_of = np.ones(n, dtype=np.intp)
    in_served = served[tier_of]
    shares[in_served] = asked_arr[in_served]
    capped[in_served] = True
    level_of[in_served] = 0
    for t in np.flatnonzero(status == TIER_SHARED).tolist():  # at most one: where stock ran out
        members = np.flatnonzero(tier_of == t)
        sub = Inputs(
            asked=asked_arr[members],
            total=int(available[t]),
            asked_sum=int(tier_asked[t]),
            ids=inputs.ids[members],
            sizes=None if inputs.sizes is None else inputs.sizes[members],
            priorities=None,
        )
        sub_shares, sub_capped, sub_weights, sub_level = _WITHIN[within](sub)
        shares[members] = sub_shares
        capped[members] = sub_capped
        cap_weights[members] = 1 if sub_weights is None else sub_weights
        level_of[members] = len(levels)
        levels.append(sub_level)
    tiers = Tiers(
        priorities=tier_values.astype(np.int64),
        households=tier_households.astype(np.int64),
        asked=tier_asked,
        available=available,
        status=status,
        within=within,
        tier_of=tier_of.astype(np.intp),
    )
    return Allocation(
        rule="priority_tiers",
        total=inputs.total,
        handed_out=int(shares.sum()),
        shares=shares,
        asked=asked_arr,
        ids=inputs.ids,
        capped=capped,
        cap_weights=cap_weights,
        levels=tuple(levels),
        level_of=level_of,
        sizes=inputs.sizes,
        priorities=inputs.priorities,
        tiers=tiers,
    )


RULES: dict[str, Rule] = {
    "equal_per_household": equal_per_household,
    "per_person": per_person,
    "proportional": proportional,
    "max_min": max_min,
    "priority_tiers": priority_tiers,
}


def allocate(rule_name: str, asked: ArrayLike, total: int, **kw) -> Allocation:
    """Apply the rule the bylaws name: allocate("max_min", asked, total, ids=…)."""
    try:
        rule = RULES[rule_name]
    except KeyError:
        raise ValueError(
            f"unknown allocation rule {rule_name!r}; the rules are {', '.join(RULES)}"
        ) from None
    return rule(asked, total, **kw)


# The parts each rule shares with priority_tiers: (shares, capped, cap weights, level).
def _equal(inputs: Inputs):
    asked, n = inputs.asked, inputs.n
    if n == 0:
        return asked.copy(), np.ones(0, dtype=bool), None, None
    total = inputs.total
    q, r = divmod(total, n)  # e = q + r/n
    capped = asked <= min(q, 2**62)  # a ≤ e ⇔ a ≤ ⌊e⌋ for whole a
    uncapped = np.flatnonzero(~capped)
    shares = np.where(capped, asked, 0)
    if uncapped.size:
        shares[uncapped] = q  # < the ask, so fits in int64
        extra = (uncapped.size * r) // n  # ⌊u·e⌋ − u·⌊e⌋
        remainders = np.full(uncapped.size, r, dtype=np.int64)
        shares[uncapped[largest_remainder(remainders, inputs.ids[uncapped], extra)]] += 1
    return shares, capped, None, Fraction(total, n)


def _proportional(inputs: Inputs):
    asked, n = inputs.asked, inputs.n
    given = min(inputs.total, inputs.asked_sum)
    if given == inputs.asked_sum:
        return asked.copy(), np.ones(n, dtype=bool), asked, None
    quotients, remainders = muldiv(asked, given, inputs.asked_sum)
    units = given - int(quotients.sum())
    quotients[largest_remainder(remainders, inputs.ids, units)] += 1
    return quotients, asked == 0, asked, Fraction(given, inputs.asked_sum)


def _max_min(inputs: Inputs):
    filled = water_fill(inputs, None, min(inputs.total, inputs.asked_sum))
    return filled.shares, filled.capped, None, filled.level


def _per_person(inputs: Inputs):
    filled = water_fill(inputs, inputs.sizes, min(inputs.total, inputs.asked_sum))
    return filled.shares, filled.capped, inputs.sizes, filled.level


_WITHIN = {
    "equal_per_household": _equal,
    "per_person": _per_person,
    "proportional": _proportional,
    "max_min": _max_min,
}
WITHIN_TIER = tuple(_WITHIN)


def _finish(rule: str, inputs: Inputs, shares, capped, cap_weights, level) -> Allocation:
    n = inputs.n
    return Allocation(
        rule=rule,
        total=inputs.total,
        handed_out=int(shares.sum()),
        shares=shares,
        asked=inputs.asked,
        ids=inputs.ids,
        capped=capped,
        cap_weights=np.ones(n, dtype=np.int64) if cap_weights is None else cap_weights,
        levels=(level,),
        level_of=np.zeros(n, dtype=np.intp),
        sizes=inputs.sizes,
        priorities=inputs.priorities,
    )


def _no_params(rule: str, params: dict) -> None:
    if params:
        raise TypeError(f"{rule} takes no parameter {', '.join(map(repr, params))}")
