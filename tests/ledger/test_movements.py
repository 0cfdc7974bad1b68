"""Contribute, transfer, work, adjust and reverse: who may, what changes, what is refused."""

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.selectors import household_totals
from pomochi.ledger.services import (
    NotEnoughStock,
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
)
from tests.conftest import bylaws_with


def stock(pool, resource) -> int:
    holding = Holding.objects.filter(pool=pool, resource=resource).first()
    return holding.quantity if holding else 0


def test_a_member_contributes_from_their_own_household_where_the_bylaws_trust_them(village):
    v = village
    with pytest.raises(NotAllowed):  # by default it waits for a coordinator (ledger.waiting)
        event_contribute(
            actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=3_000
        )
    bylaws_with(v, members_contributions_wait=False)
    event_contribute(
        actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=3_000
    )
    assert stock(v.granary, v.grain) == 3_000


def test_a_member_cannot_contribute_in_another_households_name(village):
    v = village
    with pytest.raises(NotAllowed):
        event_contribute(
            actor=v.bob, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=3_000
        )
    assert stock(v.granary, v.grain) == 0


def test_a_coordinator_records_a_contribution_for_a_household_without_a_phone(village):
    v = village
    event = event_contribute(
        actor=v.alice, household=v.sidorovs, pool=v.granary, resource=v.grain, quantity=500
    )
    assert event.provider_household_id == v.sidorovs.id and event.recorded_by_id == v.alice.id


def test_labour_never_sits_in_a_pool(village):
    with pytest.raises(InvalidInput, match="labour"):
        event_contribute(
            actor=village.alice,
            household=village.ivanovs,
            pool=village.granary,
            resource=village.labour,
            quantity=100,
        )


def test_a_gift_between_households_is_recorded_and_leaves_pools_alone(stocked_village):
    v = stocked_village
    event_transfer(
        actor=v.bob,
        from_household=v.petrovs,
        to_household=v.sidorovs,
        resource=v.potatoes,
        quantity=50,
    )
    assert stock(v.granary, v.grain) == 100_000
    totals = {t.resource.name: (t.given, t.received) for t in household_totals(household=v.petrovs)}
    assert totals == {"potatoes": (50, 0)}


def test_a_household_cannot_give_to_itself(village):
    with pytest.raises(InvalidInput, match="different households"):
        event_transfer(
            actor=village.bob,
            from_household=village.petrovs,
            to_household=village.petrovs,
            resource=village.potatoes,
            quantity=5,
        )


def test_work_is_confirmed_by_the_household_that_received_it(village):
    v = village
    event = event_work(
        actor=v.bob, worker=v.ivanovs, beneficiary=v.petrovs, resource=v.labour, quantity=350
    )
    assert (event.provider_household_id, event.receiver_household_id) == (
        v.ivanovs.id,
        v.petrovs.id,
    )
    # the worker cannot credit themselves with hours
    with pytest.raises(NotAllowed):
        event_work(
            actor=v.bob, worker=v.petrovs, beneficiary=v.ivanovs, resource=v.labour, quantity=350
        )


def test_work_must_be_labour(village):
    with pytest.raises(InvalidInput, match="grain"):
        event_work(
            actor=village.alice,
            worker=village.ivanovs,
            beneficiary=village.petrovs,
            resource=village.grain,
            quantity=100,
        )


def test_the_committee_adjusts_stock_with_a_reason(stocked_village):
    v = stocked_village
    event = event_adjust(
        actor=v.vera, pool=v.granary, resource=v.grain, change=-4_000, reason="mice in the granary"
    )
    assert stock(v.granary, v.grain) == 96_000
    assert event.note == "mice in the granary" and event.provider_pool_id == v.granary.id
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=1_000, reason="recount")
    assert stock(v.granary, v.grain) == 97_000


def test_an_adjustment_cannot_make_stock_negative(stocked_village):
    v = stocked_village
    with pytest.raises(NotEnoughStock):
        event_adjust(
            actor=v.vera, pool=v.granary, resource=v.grain, change=-100_001, reason="flood"
        )
    assert stock(v.granary, v.grain) == 100_000


@pytest.mark.parametrize(
    ("change", "reason", "match"), [(0, "nothing", "must change"), (-5, " ", "reason")]
)
def test_an_adjustment_needs_a_change_and_a_reason(stocked_village, change, reason, match):
    v = stocked_village
    with pytest.raises(InvalidInput, match=match):
        event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=change, reason=reason)


def test_coordinators_do_not_adjust(stocked_village):
    v = stocked_village
    with pytest.raises(NotAllowed):
        event_adjust(actor=v.alice, pool=v.granary, resource=v.grain, change=-1, reason="x")


def test_a_reversal_mirrors_the_original_and_points_at_it(stocked_village):
    v = stocked_village
    original = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=10_000
    )
    reversal = event_reverse(actor=v.alice, event=original, reason="wrong household")
    assert stock(v.granary, v.grain) == 100_000
    assert reversal.reverses_id == original.id
    assert (reversal.provider_household_id, reversal.receiver_pool_id) == (
        v.petrovs.id,
        v.granary.id,
    )
    assert Event.objects.get(pk=original.pk).reversed_by.pk == reversal.pk
    totals = {t.resource.name: (t.given, t.received) for t in household_totals(household=v.petrovs)}
    assert totals == {"grain": (0, 0)}
    assert verify_community(v.community.id).ok


def test_an_event_is_reversed_at_most_once(stocked_village):
    v = stocked_village
    original = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=10_000
    )
    event_reverse(actor=v.alice, event=original, reason="mistake")
    with pytest.raises(Conflict, match="already been reversed"):
        event_reverse(actor=v.vera, event=original, reason="again")
    assert stock(v.granary, v.grain) == 100_000


def test_a_reversal_is_not_itself_reversed(stocked_village):
    v = stocked_village
    original = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=10_000
    )
    reversal = event_reverse(actor=v.alice, event=original, reason="mistake")
    with pytest.raises(Conflict, match="cannot itself be reversed"):
        event_reverse(actor=v.alice, event=reversal, reason="undo the undo")


def test_a_reversal_that_would_empty_the_pool_below_zero_is_refused(stocked_village):
    v = stocked_village
    contribution = Event.objects.filter(action="contribute", resource=v.grain).get()
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=60_000
    )
    with pytest.raises(NotEnoughStock, match="40 kg left, 100 kg asked"):
        event_reverse(actor=v.alice, event=contribution, reason="counted twice")
    assert stock(v.granary, v.grain) == 40_000
    assert not Event.objects.filter(action="reverse").exists()


def test_plain_members_do_not_reverse(stocked_village):
    v = stocked_village
    contribution = Event.objects.filter(action="contribute", resource=v.grain).get()
    with pytest.raises(NotAllowed):
        event_reverse(actor=v.bob, event=contribution, reason="I changed my mind")


def test_each_event_writes_one_audit_entry_about_its_household(stocked_village):
    v = stocked_village
    event = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1_000
    )
    entry = AuditEntry.objects.get(community=v.community, object_type="event", object_id=event.id)
    assert (entry.verb, entry.household_id, entry.actor_id) == (
        "event.distribute",
        v.petrovs.id,
        v.alice.id,
    )


def test_a_date_in_the_future_is_refused(village):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(InvalidInput, match="future"):
        event_contribute(
            actor=village.alice,
            household=village.ivanovs,
            pool=village.granary,
            resource=village.grain,
            quantity=1,
            occurred_at=timezone.now() + timedelta(days=1),
        )


def test_a_reversal_can_be_dated_but_not_before_its_original(stocked_village):
    from datetime import timedelta

    v = stocked_village
    original = Event.objects.filter(action="contribute", resource=v.grain).get()
    with pytest.raises(InvalidInput, match="before the entry"):
        event_reverse(
            actor=v.alice,
            event=original,
            reason="typo",
            occurred_at=original.occurred_at - timedelta(days=1),
        )
    reversal = event_reverse(
        actor=v.alice,
        event=original,
        reason="typo",
        occurred_at=original.occurred_at + timedelta(minutes=5),
    )
    assert reversal.occurred_at == original.occurred_at + timedelta(minutes=5)
