"""What a rule returns: the shares, and enough facts to explain each one.

The facts are arrays and a few round-level numbers, so a million households cost no Python
objects. `Allocation.explain(i)` gathers one household's facts into an `Explanation`, which the
Django side phrases in the member's language; `Explanation.describe()` is the plain English
version for library users and logs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

Formatter = Callable[[int], str]

# How each rule reads in the middle of "42 households shared 500 kg …".
RULE_PHRASES = {
    "equal_per_household": "equally per household",
    "per_person": "per person",
    "proportional": "in proportion to need",
    "max_min": "by max-min fairness",
    "priority_tiers": "by priority tiers",
}

TIER_SERVED = "served"  # the whole tier got what it asked
TIER_SHARED = "shared"  # the tier where the stock ran out: shared by the `within` rule
TIER_EMPTY = "empty"  # nothing was left for this tier


@dataclass(frozen=True, eq=False)
class Tiers:
    """Priority tiers, highest priority first, and what each was given to share."""

    priorities: np.ndarray  # the tier's priority value, descending
    households: np.ndarray  # households in the tier
    asked: np.ndarray  # what the tier asked in all
    available: np.ndarray  # what was left for the tier when its turn came (≤ asked)
    status: np.ndarray  # TIER_SERVED, TIER_SHARED or TIER_EMPTY (strings)
    within: str  # the rule that shared the tier where the stock ran out
    tier_of: np.ndarray  # per household: index into the arrays above

    def __post_init__(self):
        for name in ("priorities", "households", "asked", "available", "status", "tier_of"):
            getattr(self, name).flags.writeable = False


@dataclass(frozen=True, eq=False)
class Allocation:
    """A round's result. Arrays are read-only and in the order the households were given.

    The cap of household i (the most the rule would have given it, whatever it asked) is
    `cap_weights[i] × levels[level_of[i]]`, an exact fraction of the smallest unit:
    max-min and equal per household have weight 1 (the cap is the level), per person the
    household's size (the level is per person), proportional the household's ask (the level is
    the fraction of every ask that was given). A level of None means no cap was needed: there
    was enough for everyone in that group. Priority tiers have three groups: 0 for the tiers
    served in full (None), 1 for those nothing was left for (0), 2 for the tier where the stock
    ran out, whose level and weights are those of its `within` rule. `capped[i]` says the
    household's own ask was the limit: it was given all it asked.
    """

    rule: str
    total: int
    handed_out: int
    shares: np.ndarray
    asked: np.ndarray
    ids: np.ndarray
    capped: np.ndarray
    cap_weights: np.ndarray
    levels: tuple[Fraction | None, ...]
    level_of: np.ndarray
    sizes: np.ndarray | None = None
    priorities: np.ndarray | None = None
    tiers: Tiers | None = None

    def __post_init__(self):
        for name in ("shares", "asked", "ids", "capped", "cap_weights", "level_of"):
            getattr(self, name).flags.writeable = False

    @property
    def households(self) -> int:
        return int(self.shares.size)

    @property
    def left_in_pool(self) -> int:
        """What the round does not hand out (only equal per household leaves any stock that
        someone asked for)."""
        return self.total - self.handed_out

    @property
    def caps(self) -> np.ndarray:
        """Every household's cap as float64, in the smallest unit; inf where none was needed."""
        per_group = np.array([0.0 if v is None else float(v) for v in self.levels])
        caps = self.cap_weights * per_group[self.level_of]
        caps[np.array([v is None for v in self.levels])[self.level_of]] = np.inf
        return caps

    def level(self, i: int) -> Fraction | None:
        return self.levels[int(self.level_of[i])]

    def cap(self, i: int) -> Fraction | None:
        level = self.level(i)
        return None if level is None else int(self.cap_weights[i]) * level

    def explain(self, i: int) -> "Explanation":
        """The facts behind household i's share (i is a position, as in `shares`)."""
        tier = None
        if self.tiers is not None:
            t = int(self.tiers.tier_of[i])
            tier = TierFacts(
                priority=int(self.tiers.priorities[t]),
                households=int(self.tiers.households[t]),
                asked=int(self.tiers.asked[t]),
                available=int(self.tiers.available[t]),
                status=str(self.tiers.status[t]),
                within=self.tiers.within,
            )
        return Explanation(
            rule=self.rule,
            asked=int(self.asked[i]),
            share=int(self.shares[i]),
            cap=self.cap(i),
            level=self.level(i),
            capped=bool(self.capped[i]),
            shared_total=self.total,
            households=self.households,
            handed_out=self.handed_out,
            size=None if self.sizes is None else int(self.sizes[i]),
            tier=tier,
        )

    def describe(self, i: int, fmt: Formatter = str) -> str:
        return self.explain(i).describe(fmt)


@dataclass(frozen=True)
class TierFacts:
    priority: int
    households: int
    asked: int
    available: int
    status: str
    within: str


@dataclass(frozen=True)
class Explanation:
    """One household's share and why: the numbers a sentence about it needs.

    cap: the most the rule would have given the household (an exact fraction of the smallest
    unit), None when there was enough for everyone. level: the round's figure behind the cap
    (per person for per_person, the fraction of each ask for proportional).
    """

    rule: str
    asked: int
    share: int
    cap: Fraction | None
    level: Fraction | None
    capped: bool
    shared_total: int
    households: int
    handed_out: int
    size: int | None = None
    tier: TierFacts | None = None

    def describe(self, fmt: Formatter = str) -> str:
        """Plain English: "you asked 30 kg; 42 households shared 500 kg by max-min fairness;
        everyone's cap was 11.9 kg; you receive 11.9 kg". fmt renders a quantity (int)."""
        households = "1 household" if self.households == 1 else f"{self.households} households"
        parts = [
            f"you asked {fmt(self.asked)}",
            f"{households} shared {fmt(self.shared_total)} {RULE_PHRASES[self.rule]}",
        ]
        if self.tier is None:
            parts.append(_why(self.rule, self, fmt))
        else:
            parts.append(_why_tier(self, fmt))
        if self.rule == "equal_per_household" and self.handed_out < self.shared_total:
            parts.append(f"{fmt(self.shared_total - self.handed_out)} stays in the pool")
        parts.append(f"you receive {fmt(self.share)}")
        return "; ".join(parts)


def nearest_unit(value: Fraction) -> int:
    """A cap to the nearest whole unit for display, halves rounded up."""
    return int((value * 2 + 1) // 2)


def _why(rule: str, e: Explanation, fmt: Formatter) -> str:
    above_ask = ", above your ask" if e.capped and e.cap is not None and e.cap > e.asked else ""
    if rule == "equal_per_household":
        if e.cap is None:
            return "nobody was there to share"
        return f"the equal share was {fmt(nearest_unit(e.cap))}{above_ask}"
    if e.level is None or e.cap is None:
        return "there was enough for what everyone asked"
    if rule == "max_min":
        return f"everyone's cap was {fmt(nearest_unit(e.cap))}{above_ask}"
    if rule == "per_person":
        people = "1 person" if e.size == 1 else f"{e.size} people"
        return (
            f"the cap was {fmt(nearest_unit(e.level))} per person, "
            f"{fmt(nearest_unit(e.cap))} for your household of {people}{above_ask}"
        )
    if rule == "proportional":
        return f"everyone was given {_percent(e.level)} of what they asked"
    raise ValueError(f"unknown rule {rule!r}")


def _why_tier(e: Explanation, fmt: Formatter) -> str:
    tier = e.tier
    if tier.status == TIER_SERVED:
        return f"your priority tier ({tier.priority}) was served in full"
    if tier.status == TIER_EMPTY:
        return f"nothing was left for your priority tier ({tier.priority}) after the higher ones"
    households = "1 household" if tier.households == 1 else f"{tier.households} households"
    return (
        f"your priority tier ({tier.priority}) could not be served in full: its {households} "
        f"shared {fmt(tier.available)} {RULE_PHRASES[tier.within]}; {_why(tier.within, e, fmt)}"
    )


def _percent(level: Fraction) -> str:
    value = float(level) * 100
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text == "100" and level < 1:
        text = "99.9"
    if text == "0" and level > 0:
        text = "0.1"
    return f"{text}%"
