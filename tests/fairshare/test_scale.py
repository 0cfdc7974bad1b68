"""Huge quantities and many households: exact to the gram, and no Django anywhere."""

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from pomochi.fairshare import RULES, WITHIN_TIER, allocate
from pomochi.fairshare.inputs import MAX_ASKED_SUM, MAX_SIZE
from tests.fairshare.reference import reference

HOUSEHOLDS = 200_000


@pytest.fixture(scope="module")
def city():
    """200 000 households asking up to 10**12 g (a million tonnes), 10**15 g to share."""
    rng = np.random.default_rng(2026)
    asked = rng.integers(0, 10**12, HOUSEHOLDS, endpoint=True)
    asked[rng.integers(0, HOUSEHOLDS, 1000)] = 0
    return {
        "asked": asked,
        "total": 10**15,
        "sizes": rng.integers(1, 8, HOUSEHOLDS, endpoint=True),
        "priorities": rng.integers(0, 3, HOUSEHOLDS, endpoint=True),
        "ids": rng.permutation(HOUSEHOLDS * 3)[:HOUSEHOLDS] + 10**12,
    }


@pytest.mark.parametrize("rule", sorted(RULES))
def test_it_is_exact_for_a_city(city, rule):
    a = allocate(rule, **city)
    asked, shares = city["asked"], a.shares
    assert (shares >= 0).all() and (shares <= asked).all()
    assert a.handed_out == sum(shares.tolist()) <= city["total"]
    if rule != "equal_per_household":
        assert a.handed_out == min(city["total"], sum(asked.tolist()))
    short = shares < asked
    if rule == "max_min":
        assert shares[short].min() >= shares.max() - 1
    if rule == "per_person":
        level = a.levels[0]
        sizes = city["sizes"][short]
        low = (sizes * (level.numerator // level.denominator)).min()  # ⌊λ⌋·size ≤ ⌊size·λ⌋
        assert (shares[short] >= low).all()
        assert np.abs(shares[short] - sizes * float(level)).max() < 1.01


def test_it_reorders_a_city_without_changing_a_share(city):
    rng = np.random.default_rng(7)
    order = rng.permutation(HOUSEHOLDS)
    shuffled = {k: v[order] if k != "total" else v for k, v in city.items()}
    for rule in ("max_min", "per_person", "proportional"):
        before = allocate(rule, **city).shares[order]
        assert (allocate(rule, **shuffled).shares == before).all(), rule


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize(
    ("asked", "total"),
    [
        ([2**58, 2**58 - 1, 3, 12_345], 2**57 + 7),  # beyond float64's exact integers
        ([2**60 - 5, 3, 2], 2**59 + 1),
        ([2**59, 2**58 + 1, 3, 2**40 + 1], 2**51 + 12_345),
        ([10**12] * 7 + [1], 5 * 10**12 + 3),
        ([10**12 - 1, 10**12, 999_999_999_989], 2 * 10**12 + 1),
    ],
)
def test_it_is_exact_beyond_float_precision(rule, asked, total):
    ids = list(range(len(asked)))
    sizes = [MAX_SIZE, 1] + [3] * (len(asked) - 2)
    priorities = [1, 0] * (len(asked) // 2) + [0] * (len(asked) % 2)
    a = allocate(rule, asked, total, ids=ids, sizes=sizes, priorities=priorities)
    assert a.shares.tolist() == reference(rule, asked, total, ids, sizes, priorities)


@pytest.mark.parametrize("within", WITHIN_TIER)
def test_priority_tiers_are_exact_with_huge_asks(within):
    asked, total = [2**58, 2**57, 2**57 - 3, 17], 2**58 + 2**56 + 1
    priorities, sizes, ids = [2, 1, 1, 0], [1, 5, 2, 3], [0, 1, 2, 3]
    a = allocate("priority_tiers", asked, total, sizes=sizes, priorities=priorities, within=within)
    assert a.shares.tolist() == reference(
        "priority_tiers", asked, total, ids, sizes, priorities, within
    )


def test_a_total_larger_than_64_bits_is_still_exact():
    a = allocate("max_min", [10, 20], 10**30)
    assert a.shares.tolist() == [10, 20]
    b = allocate("equal_per_household", [10, 20], 10**30)
    assert b.shares.tolist() == [10, 20] and b.levels == (Fraction(10**30, 2),)


def test_the_sum_of_asks_may_reach_its_limit():
    a = allocate("proportional", [MAX_ASKED_SUM // 2, MAX_ASKED_SUM // 2], 3)
    assert a.shares.tolist() == [2, 1]


def test_it_imports_nothing_from_django():
    code = (
        "import sys\n"
        "sys.modules['django'] = None  # any import of django now fails\n"
        "import pomochi.fairshare as f\n"
        "assert f.allocate('max_min', [30, 10, 5], 30).shares.tolist() == [15, 10, 5]\n"
        "assert f.allocate('priority_tiers', [1], 1, priorities=[0]).explain(0).describe()\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django' and sys.modules[m]]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
