"""The rules again, written the slow obvious way: Python lists and exact fractions.

Each reference works out every household's exact (fractional) entitlement, then rounds by
largest remainder in the plainest way: floors, then one more unit each to the largest
remainders, equal remainders to the lowest id. The package must agree to the gram.
"""

from fractions import Fraction
from math import floor


def hamilton(entitled: list[Fraction], ids: list[int], units: int) -> list[int]:
    """Round `entitled` to whole numbers adding up to `units` by largest remainder."""
    floors = [floor(x) for x in entitled]
    extra = units - sum(floors)
    assert 0 <= extra <= len(entitled)
    by_remainder = sorted(range(len(entitled)), key=lambda i: (-(entitled[i] - floors[i]), ids[i]))
    for i in by_remainder[:extra]:
        floors[i] += 1
    return floors


def water_fill(asked: list[int], weights: list[int], total: int) -> list[Fraction]:
    """Entitlements min(asked_i, weight_i·λ) adding up to min(total, Σ asked)."""
    given = min(total, sum(asked))
    capped: set[int] = set()
    while True:
        active = [i for i in range(len(asked)) if i not in capped]
        if not active:
            return [Fraction(a) for a in asked]
        level = Fraction(given - sum(asked[i] for i in capped), sum(weights[i] for i in active))
        newly = {i for i in active if asked[i] <= weights[i] * level}
        if not newly:
            break
        capped |= newly
    return [Fraction(a) if i in capped else weights[i] * level for i, a in enumerate(asked)]


def max_min(asked, total, ids, sizes=None):
    given = min(total, sum(asked))
    return hamilton(water_fill(asked, [1] * len(asked), total), ids, given)


def per_person(asked, total, ids, sizes):
    given = min(total, sum(asked))
    return hamilton(water_fill(asked, sizes, total), ids, given)


def proportional(asked, total, ids, sizes=None):
    asked_sum = sum(asked)
    given = min(total, asked_sum)
    if given == asked_sum:
        return list(asked)
    return hamilton([Fraction(a * given, asked_sum) for a in asked], ids, given)


def equal_per_household(asked, total, ids, sizes=None):
    if not asked:
        return []
    entitled = [min(Fraction(a), Fraction(total, len(asked))) for a in asked]
    return hamilton(entitled, ids, floor(sum(entitled)))


WITHIN = {
    "max_min": max_min,
    "per_person": per_person,
    "proportional": proportional,
    "equal_per_household": equal_per_household,
}


def priority_tiers(asked, total, ids, sizes, priorities, within="max_min"):
    shares = [0] * len(asked)
    left = min(total, sum(asked))
    for priority in sorted(set(priorities), reverse=True):
        members = [i for i, p in enumerate(priorities) if p == priority]
        tier_asked = sum(asked[i] for i in members)
        if tier_asked <= left:
            for i in members:
                shares[i] = asked[i]
            left -= tier_asked
            continue
        part = WITHIN[within](
            [asked[i] for i in members],
            left,
            [ids[i] for i in members],
            None if sizes is None else [sizes[i] for i in members],
        )
        for i, share in zip(members, part, strict=True):
            shares[i] = share
        break
    return shares


def reference(rule, asked, total, ids, sizes, priorities, within="max_min"):
    if rule == "priority_tiers":
        return priority_tiers(asked, total, ids, sizes, priorities, within)
    return WITHIN[rule](asked, total, ids, sizes)
