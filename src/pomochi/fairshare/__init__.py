"""Fair shares of scarce stock: the allocation rules of the bylaws as pure functions over arrays.

No Django here (the simulator and other libraries use the very same rules):

    >>> from pomochi.fairshare import allocate
    >>> kg = 1000  # quantities are whole numbers in the smallest unit: grams
    >>> a = allocate("max_min", [30 * kg, 10 * kg, 5 * kg], 30 * kg)
    >>> a.shares.tolist()
    [15000, 10000, 5000]
    >>> a.describe(0, lambda g: f"{g / kg:g} kg")
    "you asked 30 kg; 3 households shared 30 kg by max-min fairness; everyone's cap was 15 kg; \
you receive 15 kg"
"""

from pomochi.fairshare.allocation import (
    RULE_PHRASES,
    TIER_EMPTY,
    TIER_SERVED,
    TIER_SHARED,
    Allocation,
    Explanation,
    TierFacts,
    Tiers,
)
from pomochi.fairshare.rules import (
    RULES,
    WITHIN_TIER,
    allocate,
    equal_per_household,
    max_min,
    per_person,
    priority_tiers,
    proportional,
)

__all__ = [
    "RULES",
    "RULE_PHRASES",
    "TIER_EMPTY",
    "TIER_SERVED",
    "TIER_SHARED",
    "WITHIN_TIER",
    "Allocation",
    "Explanation",
    "TierFacts",
    "Tiers",
    "allocate",
    "equal_per_household",
    "max_min",
    "per_person",
    "priority_tiers",
    "proportional",
]
