"""Rounds a person can check by hand, in grams, and the sentences that explain them."""

from fractions import Fraction

import pytest

from pomochi.fairshare import (
    RULES,
    allocate,
    equal_per_household,
    max_min,
    per_person,
    priority_tiers,
    proportional,
)

KG = 1000


def kg(grams: int) -> str:
    """The unit formatter a caller would pass: 11905 → "11.9 kg", 30000 → "30 kg"."""
    return f"{grams / KG:.1f}".rstrip("0").rstrip(".") + " kg"


def test_max_min_gives_the_surplus_of_small_needs_to_the_largest():
    a = max_min([30 * KG, 10 * KG, 5 * KG], 30 * KG)
    assert a.shares.tolist() == [15 * KG, 10 * KG, 5 * KG]
    assert a.levels == (Fraction(15 * KG),)
    assert a.capped.tolist() == [False, True, True]
    assert a.handed_out == 30 * KG


def test_equal_per_household_leaves_what_the_caps_leave_in_the_pool():
    a = equal_per_household([30 * KG, 10 * KG, 5 * KG], 30 * KG)
    assert a.shares.tolist() == [10 * KG, 10 * KG, 5 * KG]
    assert a.handed_out == 25 * KG
    assert a.left_in_pool == 5 * KG


def test_equal_per_household_keeps_the_fraction_of_a_gram_in_the_pool():
    # e = 100/3 g; bob's 1 g is within it; the other two are entitled to 66.67 g together,
    # and the whole grams of that, 66, are split 33 and 33.
    a = equal_per_household([1, 100, 100], 100)
    assert a.shares.tolist() == [1, 33, 33]
    assert a.left_in_pool == 33


def test_equal_per_household_gives_the_odd_units_to_the_lowest_ids():
    a = equal_per_household([50, 50, 50], 100, ids=[7, 3, 5])
    assert a.shares.tolist() == [33, 34, 33]


def test_per_person_shares_in_proportion_to_household_size():
    a = per_person([30 * KG] * 3, 30 * KG, sizes=[1, 2, 3])
    assert a.shares.tolist() == [5 * KG, 10 * KG, 15 * KG]
    assert a.levels == (Fraction(5 * KG),)  # per person


def test_per_person_shares_the_surplus_of_a_small_ask_among_the_rest():
    # 39 kg among 7 people would be 5.57 kg each, 16.7 kg for the Orlovs (3 people); they
    # asked 9 kg, so the rest is 30 kg for 4 people: 7.5 kg per person.
    a = per_person([30 * KG, 30 * KG, 9 * KG], 39 * KG, sizes=[2, 2, 3])
    assert a.shares.tolist() == [15 * KG, 15 * KG, 9 * KG]
    assert a.levels == (Fraction(15 * KG, 2),)


def test_proportional_gives_each_the_same_fraction_of_its_ask():
    a = proportional([30 * KG, 10 * KG, 5 * KG], 30 * KG)
    # exact shares 20000, 6666.67 and 3333.33 g: the one unit left goes to the largest fraction
    assert a.shares.tolist() == [20000, 6667, 3333]
    assert a.levels == (Fraction(2, 3),)


def test_priority_tiers_serve_the_urgent_first():
    a = priority_tiers([10 * KG, 10 * KG, 10 * KG], 25 * KG, priorities=[1, 0, 1])
    assert a.shares.tolist() == [10 * KG, 5 * KG, 10 * KG]


def test_priority_tiers_share_the_tier_where_stock_runs_out_by_the_rule_within():
    asked = [10 * KG, 30 * KG, 10 * KG, 8 * KG]
    priorities = [2, 1, 1, 0]
    assert priority_tiers(asked, 30 * KG, priorities=priorities).shares.tolist() == [
        10 * KG,
        10 * KG,
        10 * KG,
        0,
    ]
    shares = priority_tiers(asked, 30 * KG, priorities=priorities, within="proportional").shares
    assert shares.tolist() == [10 * KG, 15 * KG, 5 * KG, 0]


def test_ties_go_to_the_lowest_household_id_whatever_the_order():
    a = max_min([10 * KG] * 3, 10 * KG, ids=[7, 3, 5])
    assert a.shares.tolist() == [3333, 3334, 3333]
    b = max_min([10 * KG] * 3, 10 * KG, ids=[3, 5, 7])
    assert b.shares.tolist() == [3334, 3333, 3333]


def test_there_being_enough_for_everyone_gives_everyone_their_ask():
    for name, rule in RULES.items():
        if name == "equal_per_household":
            continue
        a = rule([3, 0, 7], 100, sizes=[1, 1, 1], priorities=[0, 0, 0])
        assert a.shares.tolist() == [3, 0, 7], name
        assert a.handed_out == 10


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_round_without_households_gives_nothing(rule):
    a = allocate(rule, [], 500, sizes=[], priorities=[])
    assert a.shares.tolist() == []
    assert (a.households, a.handed_out) == (0, 0)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_nothing_to_share_gives_nothing(rule):
    a = allocate(rule, [5, 7], 0, sizes=[1, 2], priorities=[0, 1])
    assert a.shares.tolist() == [0, 0]


def test_the_issue_sentence_for_max_min():
    asked = [30 * KG] * 40 + [25 * KG, 20 * KG]
    a = allocate("max_min", asked, 500 * KG)
    assert a.describe(0, kg) == (
        "you asked 30 kg; 42 households shared 500 kg by max-min fairness; "
        "everyone's cap was 11.9 kg; you receive 11.9 kg"
    )
    e = a.explain(0)
    assert (e.rule, e.asked, e.cap, e.capped) == ("max_min", 30 * KG, Fraction(500 * KG, 42), False)
    assert (e.shared_total, e.households, e.handed_out) == (500 * KG, 42, 500 * KG)
    assert e.share in (11904, 11905)
    # 500 kg = 42 × 11904 g + 32 g: the 32 lowest ids get 11905 g.
    assert a.shares.tolist() == [11905] * 32 + [11904] * 10


def test_a_household_within_the_cap_is_told_so():
    a = max_min([30 * KG, 10 * KG, 5 * KG], 30 * KG)
    assert a.describe(2, kg) == (
        "you asked 5 kg; 3 households shared 30 kg by max-min fairness; "
        "everyone's cap was 15 kg, above your ask; you receive 5 kg"
    )


def test_the_sentences_of_the_other_rules():
    asked = [30 * KG, 10 * KG, 5 * KG]
    assert equal_per_household(asked, 30 * KG).describe(0, kg) == (
        "you asked 30 kg; 3 households shared 30 kg equally per household; "
        "the equal share was 10 kg; 5 kg stays in the pool; you receive 10 kg"
    )
    assert per_person(asked, 30 * KG, sizes=[1, 2, 3]).describe(1, kg) == (
        "you asked 10 kg; 3 households shared 30 kg per person; the cap was 15 kg per person, "
        "30 kg for your household of 2 people, above your ask; you receive 10 kg"
    )
    assert proportional(asked, 30 * KG).describe(1, kg) == (
        "you asked 10 kg; 3 households shared 30 kg in proportion to need; "
        "everyone was given 66.7% of what they asked; you receive 6.7 kg"
    )
    assert max_min(asked, 50 * KG).describe(0, kg) == (
        "you asked 30 kg; 3 households shared 50 kg by max-min fairness; "
        "there was enough for what everyone asked; you receive 30 kg"
    )


def test_the_sentences_of_priority_tiers():
    a = priority_tiers([10 * KG, 30 * KG, 10 * KG, 8 * KG], 30 * KG, priorities=[2, 1, 1, 0])
    assert a.describe(0, kg) == (
        "you asked 10 kg; 4 households shared 30 kg by priority tiers; "
        "your priority tier (2) was served in full; you receive 10 kg"
    )
    assert a.describe(1, kg) == (
        "you asked 30 kg; 4 households shared 30 kg by priority tiers; "
        "your priority tier (1) could not be served in full: its 2 households shared 20 kg "
        "by max-min fairness; everyone's cap was 10 kg; you receive 10 kg"
    )
    assert a.describe(3, kg) == (
        "you asked 8 kg; 4 households shared 30 kg by priority tiers; "
        "nothing was left for your priority tier (0) after the higher ones; you receive 0 kg"
    )
    tier = a.explain(1).tier
    assert (tier.priority, tier.households, tier.asked, tier.available, tier.status) == (
        1,
        2,
        40 * KG,
        20 * KG,
        "shared",
    )


def test_caps_are_exact_fractions_and_floats_for_a_whole_round():
    a = per_person([30 * KG] * 3, 10 * KG, sizes=[1, 2, 4])
    assert [a.cap(i) for i in range(3)] == [Fraction(10 * KG, 7) * s for s in (1, 2, 4)]
    assert a.caps.tolist() == pytest.approx([10 * KG / 7 * s for s in (1, 2, 4)])
    assert max_min([1, 2], 10).caps.tolist() == [float("inf")] * 2  # no cap was needed
    assert proportional([0, 2], 10).caps.tolist() == [float("inf")] * 2
    assert proportional([0, 2, 6], 4).caps.tolist() == [0.0, 1.0, 3.0]


def test_an_allocation_cannot_be_changed_after_the_fact():
    a = max_min([30, 10, 5], 30)
    with pytest.raises(ValueError, match="read-only"):
        a.shares[0] = 30
    with pytest.raises(AttributeError):
        a.total = 40
