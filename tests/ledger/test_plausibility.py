"""ledger.plausibility: what is unusual about an amount about to be recorded (one rule, asked by
the page and the API alike)."""

from pomochi.ledger.models import PoolKind
from pomochi.ledger.plausibility import (
    LARGER_THAN_USUAL,
    MORE_THAN_STOCK,
    amount_doubts,
)
from pomochi.ledger.services import event_adjust, event_contribute, event_reverse, pool_create


def kinds(doubts) -> list[str]:
    return [d.kind for d in doubts]


def contribute(v, quantity, *, pool=None, resource=None):
    return event_contribute(
        actor=v.alice,
        household=v.ivanovs,
        pool=pool or v.granary,
        resource=resource or v.grain,
        quantity=quantity,
    )


def test_the_first_movement_of_a_resource_has_nothing_to_be_compared_with(village):
    v = village
    assert (
        amount_doubts(action="contribute", resource=v.grain, quantity=10**9, pool=v.granary) == []
    )


def test_exactly_ten_times_the_largest_movement_is_still_usual(stocked_village):
    v = stocked_village  # the largest movement of grain: 100 kg given
    doubts = amount_doubts(
        action="distribute", resource=v.grain, quantity=1_000_000, pool=v.granary
    )
    assert doubts == []


def test_just_above_ten_times_the_largest_movement_is_a_doubt(stocked_village):
    v = stocked_village
    doubts = amount_doubts(
        action="distribute", resource=v.grain, quantity=1_000_001, pool=v.granary
    )
    assert kinds(doubts) == [LARGER_THAN_USUAL]
    assert doubts[0].message == (
        "That is 10 times the largest contribution of grain so far (100 kg)."
    )


def test_the_times_are_grouped_for_people(stocked_village):
    v = stocked_village
    doubts = amount_doubts(action="transfer", resource=v.grain, quantity=100_000_000)
    assert doubts[0].message == (
        "That is 1,000 times the largest contribution of grain so far (100 kg)."
    )


def test_the_largest_movement_of_any_kind_counts(stocked_village):
    v = stocked_village
    contribute(v, 1_000_000)  # 1000 kg: now the largest, and the store holds 1100 kg
    assert amount_doubts(action="distribute", resource=v.grain, quantity=5_000_000) == []


def test_a_reversal_is_not_a_movement_of_its_own(stocked_village):
    v = stocked_village
    mistake = contribute(v, 2_000_000)  # 2000 kg typed for 2 kg
    event_reverse(actor=v.alice, event=mistake, reason="typed 2000 for 2")
    # the mistake still counts as a movement that happened; its reversal adds nothing to it
    assert amount_doubts(action="distribute", resource=v.grain, quantity=20_000_000) == []
    assert kinds(amount_doubts(action="distribute", resource=v.grain, quantity=20_000_001)) == [
        LARGER_THAN_USUAL
    ]


def test_another_resource_is_compared_with_its_own_movements(stocked_village):
    v = stocked_village
    contribute(v, 10_000, resource=v.potatoes)  # 1000 kg of potatoes (one decimal place)
    assert kinds(amount_doubts(action="distribute", resource=v.potatoes, quantity=100_001)) == [
        LARGER_THAN_USUAL
    ]
    assert amount_doubts(action="distribute", resource=v.grain, quantity=100_000) == []


def test_a_negative_adjustment_is_measured_by_its_size(stocked_village):
    v = stocked_village
    doubts = amount_doubts(action="adjust", resource=v.grain, quantity=-1_000_001, pool=v.granary)
    assert kinds(doubts) == [LARGER_THAN_USUAL]


def test_a_contribution_larger_than_the_whole_stock_is_a_doubt(stocked_village):
    v = stocked_village  # the granary holds 100 kg
    doubts = amount_doubts(action="contribute", resource=v.grain, quantity=100_001, pool=v.granary)
    assert kinds(doubts) == [MORE_THAN_STOCK]
    assert doubts[0].message == "That is more than all the grain Granary holds now (100 kg)."


def test_a_contribution_of_the_whole_stock_is_usual(stocked_village):
    v = stocked_village
    assert (
        amount_doubts(action="contribute", resource=v.grain, quantity=100_000, pool=v.granary) == []
    )


def test_the_stock_counts_only_for_contributions(stocked_village):
    v = stocked_village
    assert amount_doubts(action="adjust", resource=v.grain, quantity=200_000, pool=v.granary) == []


def test_an_empty_store_has_no_stock_to_be_compared_with(stocked_village):
    v = stocked_village
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-100_000, reason="mice")
    assert (
        amount_doubts(action="contribute", resource=v.grain, quantity=500_000, pool=v.granary) == []
    )


def test_both_doubts_are_said_at_once(stocked_village):
    v = stocked_village
    doubts = amount_doubts(
        action="contribute", resource=v.grain, quantity=10_000_000, pool=v.granary
    )
    assert kinds(doubts) == [LARGER_THAN_USUAL, MORE_THAN_STOCK]


def test_a_store_that_does_not_keep_it_is_no_doubt_but_a_refusal(stocked_village):
    """The "never held" doubt is gone: every store has its list, and the services refuse what
    is not on it (tests/ledger/test_stores.py), in the words the page shows."""
    v = stocked_village  # the tool library keeps a plough, not grain
    assert amount_doubts(action="contribute", resource=v.grain, quantity=1_000, pool=v.tools) == []
    assert amount_doubts(action="adjust", resource=v.grain, quantity=1_000, pool=v.tools) == []


def test_a_new_store_has_no_doubts(stocked_village):
    v = stocked_village
    kitchen = pool_create(
        actor=v.olga,
        community=v.community,
        name="Kitchen",
        kind=PoolKind.KITCHEN,
        resources=[v.grain],
    )
    assert amount_doubts(action="contribute", resource=v.grain, quantity=1_000, pool=kitchen) == []


def test_it_reads_at_most_two_queries_however_long_the_ledger(
    stocked_village, django_assert_max_num_queries
):
    v = stocked_village
    for _ in range(20):
        contribute(v, 1_000)
        contribute(v, 1, pool=v.tools, resource=v.plough)
    with django_assert_max_num_queries(2):
        doubts = amount_doubts(
            action="contribute", resource=v.grain, quantity=10**12, pool=v.granary
        )
    assert kinds(doubts) == [LARGER_THAN_USUAL, MORE_THAN_STOCK]
