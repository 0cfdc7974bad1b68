import pytest

from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import IdempotencyConflict, event_distribute


def distribute(v, quantity=2_000, key="phone-7f3a", actor=None, household=None):
    return event_distribute(
        actor=actor or v.alice,
        pool=v.granary,
        household=household or v.petrovs,
        resource=v.grain,
        quantity=quantity,
        idempotency_key=key,
    )


def test_it_records_a_retry_once(stocked_village):
    v = stocked_village
    first = distribute(v)
    entries = AuditEntry.objects.count()
    again = distribute(v)
    assert again.pk == first.pk
    assert Event.objects.filter(action="distribute").count() == 1
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 98_000
    assert AuditEntry.objects.count() == entries


def test_it_refuses_the_same_key_with_another_body(stocked_village):
    v = stocked_village
    distribute(v)
    with pytest.raises(IdempotencyConflict, match="different request"):
        distribute(v, quantity=3_000)
    with pytest.raises(IdempotencyConflict):
        distribute(v, household=v.sidorovs)
    assert Event.objects.filter(action="distribute").count() == 1


def test_keys_belong_to_their_actor(stocked_village):
    v = stocked_village
    mine = distribute(v, actor=v.alice)
    theirs = distribute(v, actor=v.olga)
    assert mine.pk != theirs.pk


def test_a_refused_request_does_not_use_up_its_key(stocked_village):
    v = stocked_village
    with pytest.raises(Exception, match="Not enough"):
        distribute(v, quantity=200_000)
    event = distribute(v, quantity=2_000)
    assert event.quantity == 2_000
