"""What the audit chain's payloads may carry, per object and field (docs/architecture.md,
"Presenters"): every verb is written once here, and each key of its payload must be in the
presenters' AUDIT_PAYLOADS table, with a value only in the kinds of entry the table allows."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.aid import presenters as aid_presenters
from pomochi.aid.rounds import round_cancel, round_edit, round_open
from pomochi.aid.services import (
    commitment_accept,
    commitment_decline,
    commitment_fulfil,
    commitment_make,
    need_edit,
    need_post,
    need_withdraw,
    offer_edit,
    offer_post,
    offer_withdraw,
)
from pomochi.audit.models import AuditEntry
from pomochi.communities import presenters as community_presenters
from pomochi.communities.invitations import invitation_revoke
from pomochi.communities.presenters import HOUSEHOLD, PRIVATE, PUBLIC
from pomochi.communities.services import (
    household_archive,
    household_create,
    household_merge,
    household_update,
    membership_leave,
    membership_remove,
    resource_update,
)
from pomochi.ledger import presenters as ledger_presenters
from pomochi.ledger.models import Event
from pomochi.ledger.services import (
    event_adjust,
    event_reverse,
    event_transfer,
    event_work,
    pool_archive,
    pool_create,
    pool_update,
    resource_keep,
)
from pomochi.ledger.waiting import contribution_confirm, contribution_decline, contribution_submit
from tests.test_field_leaks import build_marked_world

TABLE = (
    community_presenters.AUDIT_PAYLOADS
    | ledger_presenters.AUDIT_PAYLOADS
    | aid_presenters.AUDIT_PAYLOADS
)

# Every verb the services write, and the object it is about.
VERBS = {
    "community.create": "community",
    "membership.add": "membership",
    "membership.set_household": "membership",
    "membership.set_roles": "membership",
    "membership.leave": "membership",
    "membership.remove": "membership",
    "bylaws.change": "bylaws",
    "household.create": "household",
    "household.update": "household",
    "household.merge": "household",
    "household.archive": "household",
    "resource.create": "resourcetype",
    "resource.update": "resourcetype",
    "invitation.create": "invitation",
    "invitation.revoke": "invitation",
    "pool.create": "pool",
    "pool.update": "pool",
    "pool.archive": "pool",
    "event.contribute": "event",
    "event.distribute": "event",
    "event.transfer": "event",
    "event.work": "event",
    "event.adjust": "event",
    "event.reverse": "event",
    "need.post": "need",
    "need.edit": "need",
    "need.withdraw": "need",
    "offer.post": "offer",
    "offer.edit": "offer",
    "offer.withdraw": "offer",
    "commitment.make": "commitment",
    "commitment.accept": "commitment",
    "commitment.decline": "commitment",
    "commitment.withdraw": "commitment",
    "commitment.fulfil": "commitment",
    "commitment.reopen": "commitment",
    "commitment.delivery_reversed": "commitment",
    "commitment.fail": "commitment",
    "round.open": "allocationround",
    "round.edit": "allocationround",
    "round.shares": "allocationround",
    "round.approve": "allocationround",
    "round.reject": "allocationround",
    "round.decision_note": "allocationround",
    "round.execute": "allocationround",
    "round.cancel": "allocationround",
    "round.delivery_reversed": "allocationround",
    "appeal.file": "appeal",
    "appeal.decide": "appeal",
    "contribution.submit": "pendingcontribution",
    "contribution.decline": "pendingcontribution",
}


def kind_of(entry: AuditEntry) -> str:
    if entry.private:
        return PRIVATE
    return HOUSEHOLD if entry.household_id is not None else PUBLIC


def has_value(value) -> bool:
    """null and "" carry nothing; false, 0 and [] are values."""
    return value is not None and value != ""


def every_verb_once_more(w):
    """What the marked world does not: edits, withdrawals, answers, deliveries and their
    reversals, the other movements, a cancelled round, a revoked invitation."""
    due = timezone.localdate() + timedelta(days=3)
    need = need_post(
        actor=w.bob, community=w.community, household=w.petrovs, resource=w.grain, quantity=700
    )
    need = need_edit(actor=w.bob, need=need, quantity=800, note="for the winter")
    need_withdraw(actor=w.bob, need=need)
    offer = offer_post(
        actor=w.bob, community=w.community, household=w.petrovs, resource=w.grain, quantity=300
    )
    offer = offer_edit(actor=w.bob, offer=offer, quantity=400, note="dry")
    offer_withdraw(actor=w.bob, offer=offer)
    household_update(actor=w.alice, household=w.sidorovs, size=2)
    invitation_revoke(actor=w.alice, invitation=w.invitation)

    # A promise proposed in the Petrovs' name: bob accepts; one withdrawn by a coordinator.
    def proposed(quantity):
        return commitment_make(
            actor=w.alice,
            community=w.community,
            receiver=w.sidorovs,
            giver_household=w.petrovs,
            resource=w.grain,
            quantity=quantity,
            due_on=due,
        )

    commitment_accept(actor=w.bob, commitment=proposed(100))
    commitment_decline(actor=w.alice, commitment=proposed(50), reason="not needed")
    # Deliveries from the granary to the Petrovs, confirmed by bob, then reversed: a part
    # delivery, and one that had closed the promise as kept (it opens again).
    partly = commitment_make(
        actor=w.alice,
        community=w.community,
        receiver=w.petrovs,
        giver_pool=w.granary,
        resource=w.grain,
        quantity=400,
        due_on=due,
    )
    commitment_fulfil(actor=w.bob, commitment=partly, quantity=100)
    kept = commitment_make(
        actor=w.alice,
        community=w.community,
        receiver=w.petrovs,
        giver_pool=w.granary,
        resource=w.grain,
        quantity=200,
        due_on=due,
    )
    commitment_fulfil(actor=w.bob, commitment=kept, quantity=200)
    for promise in (partly, kept):
        delivery = Event.objects.get(cause_type="commitment", cause_id=promise.id)
        event_reverse(actor=w.alice, event=delivery, reason="counted twice")
    # A round's distribution reversed; a round edited, then cancelled.
    share = Event.objects.filter(
        cause_type="allocation", cause_id=w.round_done.id, action="distribute"
    ).first()
    event_reverse(actor=w.alice, event=share, reason="went to the wrong house")
    draft = round_open(
        actor=w.alice,
        pool=w.granary,
        resource=w.grain,
        quantity=500,
        needs=[w.need_petrovs],
    )
    draft = round_edit(actor=w.alice, round=draft, quantity=400)
    round_cancel(actor=w.alice, round=draft)
    event_transfer(
        actor=w.bob,
        from_household=w.petrovs,
        to_household=w.sidorovs,
        resource=w.grain,
        quantity=100,
    )
    event_work(
        actor=w.bob,
        worker=w.sidorovs,
        beneficiary=w.petrovs,
        resource=w.labour,
        quantity=60,
        note="mended the fence",
    )
    event_adjust(actor=w.vera, pool=w.granary, resource=w.grain, change=-100, reason="mice")

    # Mutual checks: bob's household's records, one declined, one confirmed (event.contribute).
    def brought(quantity):
        return contribution_submit(
            actor=w.bob,
            household=w.petrovs,
            pool=w.granary,
            resource=w.grain,
            quantity=quantity,
            note="two sacks by the back door",
        )

    contribution_decline(actor=w.alice, record=brought(500), reason="nothing came")
    contribution_confirm(actor=w.alice, record=brought(300))
    # Households that are one, and one that left; a member who leaves, one who is removed.
    belovs = household_create(actor=w.alice, community=w.community, name="Belovs", size=2)
    household_merge(actor=w.alice, household=belovs, into=w.sidorovs)
    household_archive(
        actor=w.alice,
        household=household_create(actor=w.alice, community=w.community, name="Zaitsevs"),
    )
    # Stores and what they keep: a resource renamed, kept in the tool library, a store archived.
    resource_update(actor=w.alice, resource=w.potatoes, name="spuds", unit="kg")
    resource_keep(actor=w.alice, resource=w.potatoes, pools=[w.granary, w.tools])
    shed = pool_create(actor=w.alice, community=w.community, name="Shed", idempotency_key="shed-1")
    pool_update(actor=w.alice, pool=shed, description="by the mill")
    pool_archive(actor=w.alice, pool=shed)
    membership_remove(actor=w.vera, membership=w.bob, reason="took from the Granary at night")
    membership_leave(actor=w.alice, membership=w.alice)


@pytest.fixture
def chain(stocked_village, hamlet, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = build_marked_world(stocked_village, hamlet)
    every_verb_once_more(w)
    return list(AuditEntry.objects.filter(community=w.community).order_by("seq"))


def test_every_verb_is_written_and_named(chain):
    assert {e.verb for e in chain} == set(VERBS)
    assert {(e.verb, e.object_type) for e in chain} == set(VERBS.items())


def test_every_payload_carries_only_what_the_table_allows(chain):
    wrong = []
    for entry in chain:
        data = json.loads(entry.payload)["data"]
        allowed = TABLE[entry.object_type]
        for key, value in data.items():
            if key not in allowed:
                wrong.append(f"#{entry.seq} {entry.verb}: {key} is in no table")
            elif has_value(value) and kind_of(entry) not in allowed[key]:
                wrong.append(f"#{entry.seq} {entry.verb}: {key} in a {kind_of(entry)} entry")
    assert wrong == []


def test_the_check_finds_a_field_where_it_may_not_be():
    allowed = TABLE["need"]
    assert PUBLIC not in allowed["note"]
    assert "created_by" not in allowed
    assert PUBLIC not in TABLE["allocationround"]["note"]
    assert PUBLIC not in TABLE["household"]["ill_or_disabled"]
    assert PUBLIC not in TABLE["event"]["receiver_household"]


def test_every_object_type_has_a_table():
    assert set(VERBS.values()) == set(TABLE)
