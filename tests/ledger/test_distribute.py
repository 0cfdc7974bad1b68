import pytest

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.errors import InvalidInput, NotAllowed
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import NotEnoughStock, event_distribute


def stock(pool, resource) -> int:
    return Holding.objects.get(pool=pool, resource=resource).quantity


def test_it_moves_stock_from_the_pool_to_the_household(stocked_village):
    v = stocked_village
    event = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=12_500
    )
    assert stock(v.granary, v.grain) == 87_500
    stored = Event.objects.get(pk=event.pk)
    assert (
        stored.action,
        stored.quantity,
        stored.provider_pool_id,
        stored.receiver_household_id,
    ) == ("distribute", 12_500, v.granary.id, v.petrovs.id)
    assert stored.recorded_by_id == v.alice.id
    assert verify_community(v.community.id).ok


def test_it_refuses_more_than_the_stock_and_changes_nothing(stocked_village):
    v = stocked_village
    entries_before = AuditEntry.objects.filter(community=v.community).count()
    with pytest.raises(NotEnoughStock, match="100 kg left, 100.5 kg asked"):
        event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=100_500
        )
    assert stock(v.granary, v.grain) == 100_000
    assert Event.objects.filter(action="distribute").count() == 0
    assert AuditEntry.objects.filter(community=v.community).count() == entries_before


def test_it_names_an_empty_pool_as_zero_left(village):
    with pytest.raises(NotEnoughStock, match="Not enough grain in Granary: 0 kg left, 2 kg asked"):
        event_distribute(
            actor=village.alice,
            pool=village.granary,
            household=village.petrovs,
            resource=village.grain,
            quantity=2_000,
        )


def test_it_is_refused_to_a_plain_member(stocked_village):
    v = stocked_village
    with pytest.raises(NotAllowed):
        event_distribute(
            actor=v.bob, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1_000
        )
    assert stock(v.granary, v.grain) == 100_000


def test_it_is_refused_to_a_member_of_another_community(stocked_village, hamlet):
    v = stocked_village
    with pytest.raises(NotAllowed):
        event_distribute(
            actor=hamlet.charlie,
            pool=v.granary,
            household=v.petrovs,
            resource=v.grain,
            quantity=1_000,
        )
    assert stock(v.granary, v.grain) == 100_000


def test_it_refuses_a_household_of_another_community(stocked_village, hamlet):
    v = stocked_village
    with pytest.raises(InvalidInput, match="same community"):
        event_distribute(
            actor=v.alice,
            pool=v.granary,
            household=hamlet.kuznetsovs,
            resource=v.grain,
            quantity=1_000,
        )


def test_it_refuses_labour_as_stock(stocked_village):
    v = stocked_village
    with pytest.raises(InvalidInput, match="labour cannot be recorded this way"):
        event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.labour, quantity=100
        )


@pytest.mark.parametrize("quantity", [0, -5, 1.5, True])
def test_it_refuses_a_quantity_that_is_not_a_positive_integer(stocked_village, quantity):
    v = stocked_village
    with pytest.raises(InvalidInput, match="more than zero"):
        event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=quantity
        )
