"""Bad input is refused with a ValueError that names the problem, whichever rule was asked."""

import numpy as np
import pytest

from pomochi.fairshare import RULES, allocate, max_min, per_person, priority_tiers

rule_names = pytest.mark.parametrize("rule", sorted(RULES))


@rule_names
@pytest.mark.parametrize(
    ("asked", "total", "kw", "message"),
    [
        ([5, -1, 3], 10, {}, r"cannot be negative: household 1 asked -1"),
        ([5, -1, 3], 10, {"ids": [10, 11, 12]}, r"household 11 asked -1"),
        ([5, 1.5, 3], 10, {}, r"asked must hold whole numbers, not float64"),
        ([True, False, True], 10, {}, r"asked must hold whole numbers, not bool"),
        ([5, True, 3], 10, {}, r"asked must hold whole numbers, not booleans"),
        ((5, 3, np.True_), 10, {}, r"asked must hold whole numbers, not booleans"),
        ([5, 1, 3], 10, {"sizes": [1, True, 2]}, r"sizes must hold whole numbers, not booleans"),
        ([[5, 1, 3]], 10, {}, r"asked must be a one-dimensional sequence"),
        ([5, 1, 3], -1, {}, r"total cannot be negative: -1"),
        ([5, 1, 3], 10.0, {}, r"total must be a whole number in the smallest unit, not 10.0"),
        ([5, 1, 3], True, {}, r"total must be a whole number"),
        ([5, 1, 3], "10", {}, r"total must be a whole number"),
        ([5, 1, 3], 10, {"sizes": [1, 0, 2]}, r"at least 1: household 1 has size 0"),
        ([5, 1, 3], 10, {"sizes": [1, 2]}, r"sizes has 2 entries but there are 3 households"),
        ([5, 1, 3], 10, {"ids": [1, 2]}, r"ids has 2 entries but there are 3 households"),
        ([5, 1, 3], 10, {"ids": [1, 2, 1]}, r"ids must be unique"),
        ([5, 1, 3], 10, {"priorities": [0, 1]}, r"priorities has 2 entries"),
        ([5, 1, 3], 10, {"priorities": [0, 1.5, 2]}, r"priorities must hold whole numbers"),
        ([2**61, 2**61], 10, {}, r"the asks add up to 4611686018427387904, more than 2\*\*60"),
        (np.array([2**63], dtype=np.uint64), 10, {}, r"too large for 64 bits"),
        ([2**64, 1], 10, {}, r"too large for 64 bits"),
    ],
)
def test_it_refuses(rule, asked, total, kw, message):
    n = np.asarray(asked, dtype=object).size
    everything = {"sizes": [1] * n, "priorities": [0] * n}  # what per_person and tiers need
    with pytest.raises(ValueError, match=message):
        allocate(rule, asked, total, **{**everything, **kw})


def test_it_refuses_an_unknown_rule():
    with pytest.raises(ValueError, match="unknown allocation rule 'lottery'; the rules are"):
        allocate("lottery", [1], 1)


def test_it_refuses_a_parameter_the_rule_does_not_take():
    with pytest.raises(TypeError, match="max_min takes no parameter 'within'"):
        max_min([1, 2], 2, within="proportional")


def test_per_person_needs_sizes():
    with pytest.raises(ValueError, match="needs household sizes"):
        per_person([1, 2], 2)


def test_priority_tiers_need_priorities_and_a_known_rule_within():
    with pytest.raises(ValueError, match="needs priorities"):
        priority_tiers([1, 2], 2)
    with pytest.raises(ValueError, match="within must be one of"):
        priority_tiers([1, 2], 2, priorities=[0, 1], within="priority_tiers")
    with pytest.raises(ValueError, match="needs household sizes"):
        priority_tiers([1, 2], 2, priorities=[0, 1], within="per_person")


def test_it_takes_numpy_arrays_of_any_integer_type_and_leaves_them_alone():
    asked = np.array([30, 10, 5], dtype=np.int32)
    a = max_min(asked, np.int64(30), ids=np.array([3, 1, 2], dtype=np.uint16))
    assert a.shares.tolist() == [15, 10, 5]
    asked[0] = 0  # the allocation kept its own copy
    assert a.asked.tolist() == [30, 10, 5]
    assert asked.flags.writeable
