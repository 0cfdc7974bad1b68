"""Properties every rule keeps, on random rounds: small and huge quantities, ties, odd ids.

Quantities run from a few grams to asks of 10**12 and totals of 10**15; sizes from 1 to 2**26.
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pomochi.fairshare import RULES, WITHIN_TIER, allocate
from tests.fairshare.reference import reference

EXACT_RULES = ["per_person", "proportional", "max_min", "priority_tiers"]


@dataclass
class Round:
    asked: list[int]
    total: int
    ids: list[int]
    sizes: list[int]
    priorities: list[int]

    def run(self, rule: str, **params):
        return allocate(
            rule,
            self.asked,
            self.total,
            ids=self.ids,
            sizes=self.sizes,
            priorities=self.priorities,
            **params,
        )

    def permuted(self, order: list[int]) -> "Round":
        return Round(
            asked=[self.asked[i] for i in order],
            total=self.total,
            ids=[self.ids[i] for i in order],
            sizes=[self.sizes[i] for i in order],
            priorities=[self.priorities[i] for i in order],
        )


@st.composite
def rounds(draw, max_households: int = 25) -> Round:
    n = draw(st.integers(0, max_households))
    largest_ask = draw(st.sampled_from([3, 50, 30_000, 10**12]))  # small ones make ties
    asked = draw(st.lists(st.integers(0, largest_ask), min_size=n, max_size=n))
    asked_sum = sum(asked)
    total = draw(
        st.one_of(
            st.integers(0, asked_sum),  # scarcity, the usual case
            st.integers(0, 2 * asked_sum + 10),
            st.integers(0, 10**15),
        )
    )
    ids = draw(
        st.one_of(
            st.just(list(range(n))),
            st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n, unique=True),
        )
    )
    largest_size = draw(st.sampled_from([1, 8, 2**26]))
    sizes = draw(st.lists(st.integers(1, largest_size), min_size=n, max_size=n))
    priorities = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return Round(asked, total, ids, sizes, priorities)


rule_names = pytest.mark.parametrize("rule", sorted(RULES))


@rule_names
@given(r=rounds(), data=st.data())
def test_it_keeps_every_invariant(rule, r, data):
    """One round, every promise all rules make (together, to keep the run short)."""
    a = r.run(rule)
    shares = a.shares.tolist()
    # Exactly the slow obvious computation, to the gram.
    assert shares == reference(rule, r.asked, r.total, r.ids, r.sizes, r.priorities)
    # Nobody above their ask, nobody negative, never beyond the total.
    assert a.shares.dtype == np.int64 and len(shares) == len(r.asked)
    assert all(0 <= s <= asked for s, asked in zip(shares, r.asked, strict=True))
    assert sum(shares) == a.handed_out <= r.total
    # The sum is exact: the total, or every ask when there is enough.
    if rule in EXACT_RULES:
        assert a.handed_out == min(r.total, sum(r.asked))
    # Deterministic.
    again = r.run(rule)
    assert again.shares.tolist() == shares and again.capped.tolist() == a.capped.tolist()
    assert again.levels == a.levels
    # The order households are listed in changes nobody's share.
    order = data.draw(st.permutations(range(len(r.asked))), label="order")
    moved = r.permuted(order)
    permuted = dict(zip(moved.ids, moved.run(rule).shares.tolist(), strict=True))
    assert permuted == dict(zip(r.ids, shares, strict=True))
    # Every share is explained by facts that agree with it.
    for i in range(min(len(r.asked), 5)):
        e = a.explain(i)
        assert (e.rule, e.asked, e.share) == (rule, r.asked[i], shares[i])
        assert (e.shared_total, e.households, e.handed_out) == (r.total, len(r.asked), a.handed_out)
        if e.capped:
            assert e.share == e.asked
        if e.cap is not None:
            fair = min(Fraction(e.asked), e.cap)
            assert fair - 1 < e.share < fair + 1
        assert e.describe().endswith(f"you receive {e.share}")


@given(r=rounds())
def test_max_min_gives_nobody_less_than_another_unless_it_has_all_it_asked(r):
    shares = r.run("max_min").shares.tolist()
    short = [s for s, asked in zip(shares, r.asked, strict=True) if s < asked]
    if short:
        assert min(short) >= max(shares) - 1


@given(r=rounds())
def test_per_person_shares_are_proportional_to_size_within_one_unit(r):
    # A household short of its ask holds size·λ rounded, a household given its ask no more
    # than size·λ; so for short i and any j, s_j/w_j − s_i/w_i < 1/w_i + 1/w_j.
    a = r.run("per_person")
    shares = a.shares.tolist()
    for i, (s_i, w_i, asked_i) in enumerate(zip(shares, r.sizes, r.asked, strict=True)):
        if s_i >= asked_i:
            continue
        for j, (s_j, w_j) in enumerate(zip(shares, r.sizes, strict=True)):
            assert s_j * w_i - s_i * w_j < w_i + w_j, (i, j)
    # And each short household holds size × the per-person level rounded to a neighbour.
    for i, (share, asked) in enumerate(zip(shares, r.asked, strict=True)):
        cap = a.cap(i)
        if a.capped[i]:
            assert share == asked and (cap is None or asked <= cap)
        else:
            assert cap - 1 < share < cap + 1


@given(r=rounds())
def test_equal_per_household_gives_one_share_to_all_it_does_not_cap(r):
    a = r.run("equal_per_household")
    if not r.asked:
        return
    e = Fraction(r.total, len(r.asked))
    pairs = list(zip(a.shares.tolist(), r.asked, strict=True))
    assert all(s == asked for s, asked in pairs if asked <= e)
    uncapped = [s for s, asked in pairs if asked > e]
    if uncapped:
        assert max(uncapped) - min(uncapped) <= 1
        assert all(e - 1 < s < e + 1 for s in uncapped)
    # Everything the caps do not leave is handed out, but for less than one unit.
    entitled = sum(min(Fraction(asked), e) for asked in r.asked)
    assert entitled - 1 < a.handed_out <= entitled


@pytest.mark.parametrize("within", WITHIN_TIER)
@given(r=rounds())
def test_priority_tiers_give_a_lower_tier_nothing_while_a_higher_one_is_short(within, r):
    shares = r.run("priority_tiers", within=within).shares.tolist()
    assert shares == reference(
        "priority_tiers", r.asked, r.total, r.ids, r.sizes, r.priorities, within
    )
    short = [p for s, asked, p in zip(shares, r.asked, r.priorities, strict=True) if s < asked]
    if short:
        assert all(s == 0 for s, p in zip(shares, r.priorities, strict=True) if p < max(short))
