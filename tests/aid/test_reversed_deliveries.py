"""A delivery reversed in the ledger (it was recorded by mistake) no longer fulfils a promise
nor meets a need: the aid counters follow the events."""

from django.utils import timezone

from pomochi.aid.models import Commitment
from pomochi.aid.rounds import round_decide, round_execute, round_open
from pomochi.aid.services import commitment_fail, commitment_fulfil
from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.ledger.models import Event
from pomochi.ledger.services import event_reverse
from tests.aid.helpers import promise_petrovs_grain


def promise(v, quantity=30_000):
    return promise_petrovs_grain(v, quantity)


def delivery(c, quantity):
    return Event.objects.get(cause_type="commitment", cause_id=c.id, quantity=quantity)


def test_a_reversed_part_delivery_is_owed_again(needy_village):
    v = needy_village
    c = promise(v)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=10_000)
    event_reverse(actor=v.alice, event=delivery(c, 10_000), reason="the sack was never taken")
    c.refresh_from_db()
    v.need_petrovs.refresh_from_db()
    assert (c.quantity_fulfilled, c.fate, c.remaining) == (0, "", 30_000)
    assert v.need_petrovs.quantity_met == 0
    assert AuditEntry.objects.filter(verb="commitment.delivery_reversed").count() == 1
    assert verify_community(v.community.id).ok


def test_a_promise_kept_by_a_mistaken_delivery_is_open_again(needy_village):
    v = needy_village
    c = promise(v)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=10_000)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=20_000)
    c.refresh_from_db()
    assert c.fate == "kept"
    event_reverse(actor=v.alice, event=delivery(c, 20_000), reason="recorded twice")
    c.refresh_from_db()
    v.need_petrovs.refresh_from_db()
    assert (c.quantity_fulfilled, c.fate, c.fate_at, c.remaining) == (10_000, "", None, 20_000)
    assert v.need_petrovs.quantity_met == 10_000
    assert v.need_petrovs.state(timezone.localdate()) == "partly_met"
    # the chain keeps the first fate and the reopening
    verbs = list(
        AuditEntry.objects.filter(object_type="commitment", object_id=c.id)
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["commitment.fulfil", "commitment.reopen"]
    # and it can be delivered again
    commitment_fulfil(actor=v.bob, commitment=c, quantity=20_000)
    c.refresh_from_db()
    assert c.fate == "kept"
    assert verify_community(v.community.id).ok


def test_a_broken_promise_stays_broken_when_its_part_delivery_is_reversed(needy_village):
    v = needy_village
    c = promise(v)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=5_000)
    commitment_fail(actor=v.alice, commitment=c, excused=False, reason="never came back")
    event_reverse(actor=v.alice, event=delivery(c, 5_000), reason="mistake")
    c = Commitment.objects.get(pk=c.pk)
    v.need_petrovs.refresh_from_db()
    assert (c.fate, c.quantity_fulfilled) == ("broken", 0)
    assert v.need_petrovs.quantity_met == 0


def test_a_reversed_share_of_a_round_no_longer_meets_the_need(needy_village):
    v = needy_village
    round_ = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=60_000,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
    )
    round_decide(actor=v.vera, round=round_, approve=True)
    round_decide(actor=v.olga, round=round_, approve=True)
    round_execute(actor=v.alice, round=round_)
    v.need_sidorovs.refresh_from_db()
    assert v.need_sidorovs.quantity_met == 10_000
    share = Event.objects.get(
        cause_type="allocation", cause_id=round_.id, receiver_household=v.sidorovs
    )
    event_reverse(actor=v.alice, event=share, reason="given to the wrong family")
    v.need_sidorovs.refresh_from_db()
    v.need_petrovs.refresh_from_db()
    assert v.need_sidorovs.quantity_met == 0
    assert v.need_sidorovs.state(timezone.localdate()) == "open"
    assert v.need_petrovs.quantity_met == 25_000  # the others' shares stand
    entry = AuditEntry.objects.get(verb="round.delivery_reversed")
    assert entry.household_id == v.sidorovs.id
    assert verify_community(v.community.id).ok


def test_a_retried_reversal_lowers_the_counters_once(needy_village):
    v = needy_village
    c = promise(v)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=10_000)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=5_000)
    event = delivery(c, 10_000)
    event_reverse(actor=v.alice, event=event, reason="mistake", idempotency_key="undo-1")
    event_reverse(actor=v.alice, event=event, reason="mistake", idempotency_key="undo-1")
    c.refresh_from_db()
    v.need_petrovs.refresh_from_db()
    assert c.quantity_fulfilled == 5_000
    assert v.need_petrovs.quantity_met == 5_000
