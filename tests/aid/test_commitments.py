from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.aid.models import Commitment
from pomochi.aid.services import (
    commitment_accept,
    commitment_fail,
    commitment_fulfil,
    commitment_make,
    offer_post,
)
from pomochi.audit.verify import verify_community
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.models import Event, Holding
from pomochi.notify.models import Notification


def soon(days=3):
    return timezone.localdate() + timedelta(days=days)


def test_a_promise_from_a_pool_is_delivered_in_parts_and_kept(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=30_000,
        due_on=soon(),
        need=v.need_petrovs,
    )
    commitment_fulfil(actor=v.bob, commitment=c, quantity=10_000)  # the Petrovs confirm
    c.refresh_from_db()
    assert (c.quantity_fulfilled, c.fate) == (10_000, "")
    commitment_fulfil(actor=v.bob, commitment=c, quantity=20_000)
    c.refresh_from_db()
    assert c.fate == "kept"
    events = Event.objects.filter(cause_type="commitment", cause_id=c.id)
    assert sorted(e.quantity for e in events) == [10_000, 20_000]
    assert all(e.recorded_by_id == v.bob.id for e in events)
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 70_000
    v.need_petrovs.refresh_from_db()
    assert v.need_petrovs.state(timezone.localdate()) == "met"
    assert verify_community(v.community.id).ok


def test_a_late_delivery_is_recorded_as_late(needy_village, monkeypatch):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(1),
    )
    later = timezone.localdate() + timedelta(days=5)
    monkeypatch.setattr("pomochi.aid.services.timezone.localdate", lambda: later)
    commitment_fulfil(actor=v.alice, commitment=c, quantity=10)
    c.refresh_from_db()
    assert c.fate == "late"
    gift = Event.objects.get(cause_type="commitment", cause_id=c.id)
    assert (gift.action, gift.provider_household_id) == ("transfer", v.ivanovs.id)


def test_hours_promised_are_recorded_as_work(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.sidorovs,
        resource=v.labour,
        quantity=300,
        due_on=soon(),
    )
    # The Sidorovs have nobody online: alice records their yes, given in person.
    commitment_accept(actor=v.alice, commitment=c)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=300)
    assert Event.objects.get(cause_id=c.id, cause_type="commitment").action == "work"


def test_only_the_receiving_household_or_a_coordinator_confirms(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(),
    )
    with pytest.raises(NotAllowed):
        commitment_fulfil(actor=v.vera, commitment=c, quantity=10)
    assert not Event.objects.filter(cause_type="commitment").exists()


def test_more_than_promised_is_refused(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,
        due_on=soon(),
    )
    with pytest.raises(InvalidInput, match="Only 1 kg remain"):
        commitment_fulfil(actor=v.bob, commitment=c, quantity=2_000)


def test_a_fate_is_never_rewritten(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(),
    )
    commitment_fail(
        actor=v.alice, commitment=c, excused=True, reason="the Ivanovs' own harvest failed"
    )
    c.refresh_from_db()
    assert c.fate == "excused"
    with pytest.raises(Conflict, match="never rewritten"):
        commitment_fail(actor=v.olga, commitment=c, excused=False, reason="changed my mind")
    with pytest.raises(Conflict):
        commitment_fulfil(actor=v.alice, commitment=c, quantity=10)
    assert Commitment.objects.get(pk=c.pk).fate == "excused"


def test_plain_members_do_not_make_promises_unless_the_bylaws_allow(needy_village):
    from pomochi.communities.bylaws import default_rules
    from pomochi.communities.services import bylaws_change

    v = needy_village
    args = {
        "community": v.community,
        "receiver": v.sidorovs,
        "giver_household": v.petrovs,
        "resource": v.potatoes,
        "quantity": 10,
        "due_on": soon(),
    }
    with pytest.raises(NotAllowed):
        commitment_make(actor=v.bob, **args)
    bylaws_change(
        actor=v.vera,
        community=v.community,
        rules=default_rules() | {"households_commit_directly": True},
        reason="trust",
    )
    own = commitment_make(actor=v.bob, **args)  # from his own household: owed at once
    assert own.created_by == v.bob and own.accepted_at is not None
    with pytest.raises(NotAllowed):  # never in another household's name, even to himself
        commitment_make(
            actor=v.bob, **(args | {"receiver": v.petrovs, "giver_household": v.ivanovs})
        )


def test_a_promise_from_an_offer_uses_it_up(needy_village):
    v = needy_village
    offer = offer_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.potatoes, quantity=100
    )
    commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=60,
        due_on=soon(),
        offer=offer,
    )
    with pytest.raises(InvalidInput, match="only 4 kg left"):
        commitment_make(
            actor=v.alice,
            community=v.community,
            receiver=v.sidorovs,
            giver_household=v.ivanovs,
            resource=v.potatoes,
            quantity=50,
            due_on=soon(),
            offer=offer,
        )


def test_the_receiving_household_hears_of_the_promise_and_its_maker_does_not(needy_village):
    v = needy_village
    commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(),
    )
    told = set(
        Notification.objects.filter(kind="commitment.made").values_list("recipient_id", flat=True)
    )
    # The receiving household hears; alice, who made it from her own household, needs no news
    # of her own act.
    assert told == {v.bob.id}
