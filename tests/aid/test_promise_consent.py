"""Nobody is made to owe a promise without their own act.

A promise made in a household's name by someone else (a coordinator matching its offer) is only
proposed: the household accepts or declines it, and only an accepted promise can be delivered,
fall overdue or be broken. A household with nobody online answers in person, recorded by a
coordinator as such. What a proposal holds of a need stays held until it is answered.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.aid.models import Commitment
from pomochi.aid.selectors import commitments_overdue, need_receivable
from pomochi.aid.services import (
    commitment_accept,
    commitment_decline,
    commitment_fail,
    commitment_fulfil,
    commitment_make,
    offer_post,
)
from pomochi.audit.models import AuditEntry
from pomochi.errors import Conflict, NotAllowed
from pomochi.ledger.models import Event
from pomochi.notify.models import Notification


def soon():
    return timezone.localdate() + timedelta(days=3)


@pytest.fixture
def proposed(needy_village):
    """alice matched bob's (Petrovs') offer of grain to the Sidorovs' need: a proposal."""
    v = needy_village
    v.offer = offer_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.grain, quantity=8_000
    )
    v.promise = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_household=v.petrovs,
        resource=v.grain,
        quantity=5_000,
        due_on=soon(),
        need=v.need_sidorovs,
        offer=v.offer,
    )
    return v


def test_a_promise_in_someone_elses_name_is_proposed_and_owes_nothing(proposed):
    v = proposed
    c = Commitment.objects.get(pk=v.promise.pk)
    assert c.accepted_at is None and c.state(timezone.localdate()) == "proposed"
    assert Notification.objects.filter(recipient=v.bob, kind="commitment.proposed").count() == 1
    with pytest.raises(Conflict, match="not accepted by its giver"):
        commitment_fulfil(actor=v.alice, commitment=c, quantity=1_000)
    with pytest.raises(Conflict, match="never accepted"):
        commitment_fail(actor=v.alice, commitment=c, excused=False, reason="did not come")
    assert not Event.objects.filter(cause_type="commitment").exists()
    # Past its date unanswered, it is not overdue: it was never owed.
    assert c.state(soon() + timedelta(days=1)) == "unanswered"
    assert list(commitments_overdue(community=v.community, today=soon() + timedelta(days=1))) == []


def test_a_proposal_holds_its_part_of_the_need_until_answered(proposed):
    v = proposed
    assert need_receivable(need=v.need_sidorovs) == 10_000 - 5_000
    commitment_decline(actor=v.bob, commitment=v.promise, reason="our grain got wet")
    assert need_receivable(need=v.need_sidorovs) == 10_000
    v.offer.refresh_from_db()
    assert v.offer.quantity_committed == 0


def test_the_giver_accepts_and_then_it_is_owed(proposed):
    v = proposed
    c = commitment_accept(actor=v.bob, commitment=v.promise)
    assert c.accepted_at is not None and c.answered_by == v.bob and not c.answered_in_person
    assert c.state(timezone.localdate()) == "open"
    assert Notification.objects.filter(recipient=v.alice, kind="commitment.accepted").exists()
    commitment_fulfil(actor=v.alice, commitment=c, quantity=5_000)
    assert Commitment.objects.get(pk=c.pk).fate == "kept"
    accepted = AuditEntry.objects.get(verb="commitment.accept", object_id=c.id)
    assert accepted.actor_id == v.bob.id


@pytest.mark.parametrize("who", ["alice", "olga", "vera"])
def test_nobody_else_accepts_for_a_household_that_is_online(proposed, who):
    v = proposed
    with pytest.raises(NotAllowed):
        commitment_accept(actor=getattr(v, who), commitment=v.promise)
    assert Commitment.objects.get(pk=v.promise.pk).accepted_at is None


def test_for_a_household_with_nobody_online_a_coordinator_records_its_answer(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.sidorovs,
        resource=v.labour,
        quantity=200,
        due_on=soon(),
    )
    with pytest.raises(NotAllowed):
        commitment_accept(actor=v.bob, commitment=c)
    c = commitment_accept(actor=v.alice, commitment=c)
    assert c.answered_in_person
    entry = AuditEntry.objects.get(verb="commitment.accept", object_id=c.id)
    assert '"in_person":true' in entry.payload


def test_a_coordinator_withdraws_a_proposal_nobody_answered(proposed):
    v = proposed
    c = commitment_decline(actor=v.alice, commitment=v.promise)
    assert c.state(timezone.localdate()) == "declined"
    assert AuditEntry.objects.filter(verb="commitment.withdraw", object_id=c.id).exists()
    with pytest.raises(Conflict, match="not waiting for an answer"):
        commitment_accept(actor=v.bob, commitment=c)


def test_a_plain_member_cannot_withdraw_or_decline_another_households_proposal(proposed):
    v = proposed
    with pytest.raises(NotAllowed):
        commitment_decline(actor=v.vera, commitment=v.promise)
    assert Commitment.objects.get(pk=v.promise.pk).declined_at is None


def test_a_store_promise_and_a_households_own_promise_are_owed_at_once(needy_village):
    v = needy_village
    from_store = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,
        due_on=soon(),
        need=v.need_petrovs,
    )
    from_alices_own = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(),
    )
    assert from_store.accepted_at is not None and from_alices_own.accepted_at is not None


def test_naming_a_need_one_may_not_see_answers_as_a_need_that_does_not_exist(needy_village):
    from pomochi.communities.selectors import bylaws_current
    from pomochi.communities.services import bylaws_change
    from tests.api.conftest import ApiClient

    v = needy_village
    rules = bylaws_current(community=v.community).rules | {"households_commit_directly": True}
    bylaws_change(actor=v.vera, community=v.community, rules=rules, reason="trust")
    api = ApiClient(v.bob.user)
    body = {
        "receiver": v.sidorovs.id,
        "giver_household": v.petrovs.id,
        "resource": v.grain.id,
        "quantity": "999",  # more than the need: the old answer said how much was left
        "due_on": soon().isoformat(),
    }
    hidden = api.post("/communities/village/commitments", body | {"need": v.need_sidorovs.id})
    missing = api.post("/communities/village/commitments", body | {"need": 10**9})
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 422
    assert not Commitment.objects.exists()


def test_the_giver_answers_on_the_promise_page(client, proposed):
    from django.urls import reverse

    v = proposed
    page = reverse("promise", args=["village", v.promise.id])
    client.force_login(v.alice.user)  # a coordinator, while bob is online: only withdraws
    text = client.get(page).content.decode()
    assert "Withdraw the proposal" in text and "Accept: we will give it" not in text
    client.force_login(v.bob.user)
    assert "Accept: we will give it" in client.get(page).content.decode()
    response = client.post(reverse("promise-accept", args=["village", v.promise.id]))
    assert response.status_code == 302
    assert Commitment.objects.get(pk=v.promise.pk).accepted_at is not None
    assert "Accept: we will give it" not in client.get(page).content.decode()
