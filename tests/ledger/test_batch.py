"""The batch path used by allocation rounds: all lines or none, one transaction, same chain."""

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.errors import InvalidInput, NotAllowed
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import (
    Cause,
    Line,
    NotEnoughStock,
    events_distribute_batch,
)


def stock(v):
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


def test_it_records_every_line_with_its_audit_entry(stocked_village):
    v = stocked_village
    lines = [
        Line(household=v.petrovs, quantity=30_000, cause=Cause("allocation", 7)),
        Line(household=v.sidorovs, quantity=12_500, cause=Cause("allocation", 7)),
        Line(household=v.orlovs, quantity=1),
    ]
    events = events_distribute_batch(actor=v.alice, pool=v.granary, resource=v.grain, lines=lines)
    assert stock(v) == 100_000 - 42_501
    stored = {e.receiver_household_id: e for e in Event.objects.filter(action="distribute")}
    assert {h: e.quantity for h, e in stored.items()} == {
        v.petrovs.id: 30_000,
        v.sidorovs.id: 12_500,
        v.orlovs.id: 1,
    }
    assert stored[v.sidorovs.id].cause_type == "allocation" and stored[v.sidorovs.id].cause_id == 7
    assert sorted(e.id for e in events) == sorted(e.id for e in stored.values())
    for event in events:
        entry = AuditEntry.objects.get(object_type="event", object_id=event.id)
        assert entry.household_id == event.receiver_household_id
    assert verify_community(v.community.id).ok


def test_it_records_nothing_when_the_stock_is_short(stocked_village):
    v = stocked_village
    entries = AuditEntry.objects.count()
    lines = [
        Line(household=v.petrovs, quantity=60_000),
        Line(household=v.sidorovs, quantity=40_001),
    ]
    with pytest.raises(NotEnoughStock, match="100 kg left, 100.001 kg asked"):
        events_distribute_batch(actor=v.alice, pool=v.granary, resource=v.grain, lines=lines)
    assert stock(v) == 100_000
    assert not Event.objects.filter(action="distribute").exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("bad", ["zero", "twice", "foreign"])
def test_one_bad_line_refuses_the_whole_batch(stocked_village, hamlet, bad):
    v = stocked_village
    lines = [Line(household=v.petrovs, quantity=1_000)]
    if bad == "zero":
        lines.append(Line(household=v.sidorovs, quantity=0))
    elif bad == "twice":
        lines.append(Line(household=v.petrovs, quantity=5))
    else:
        lines.append(Line(household=hamlet.kuznetsovs, quantity=5))
    with pytest.raises(InvalidInput):
        events_distribute_batch(actor=v.alice, pool=v.granary, resource=v.grain, lines=lines)
    assert stock(v) == 100_000


def test_a_plain_member_cannot_distribute_in_bulk(stocked_village):
    v = stocked_village
    with pytest.raises(NotAllowed):
        events_distribute_batch(
            actor=v.bob,
            pool=v.granary,
            resource=v.grain,
            lines=[Line(household=v.petrovs, quantity=1)],
        )


def test_a_thousand_lines_go_through_in_chunks(stocked_village):
    from pomochi.communities.models import Household

    v = stocked_village
    households = Household.objects.bulk_create(
        [Household(community=v.community, name=f"H{i:04d}", size=1) for i in range(1_050)]
    )
    lines = [Line(household=h, quantity=90) for h in households]
    events = events_distribute_batch(actor=v.alice, pool=v.granary, resource=v.grain, lines=lines)
    assert len(events) == 1_050 and stock(v) == 100_000 - 94_500
    assert verify_community(v.community.id).ok


def test_an_allocation_can_ask_for_the_ids_alone(stocked_village):
    v = stocked_village
    ids = events_distribute_batch(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        return_events=False,
        lines=[Line(household=v.petrovs, quantity=1), Line(household=v.sidorovs, quantity=2)],
    )
    assert ids == sorted(ids)
    assert sorted(Event.objects.filter(pk__in=ids).values_list("quantity", flat=True)) == [1, 2]
    assert verify_community(v.community.id).ok
