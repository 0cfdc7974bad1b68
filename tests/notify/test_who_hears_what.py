"""Who hears what: every kind of news in notify.kinds is sent by the service that has it, to
the audience the table names, and worded in a sentence. A service that changes something a
member must know about and sends nothing fails here; so does a kind nobody sends."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.aid.reminders import reminders_send
from pomochi.aid.rounds import appeal_decide, appeal_file, round_decide, round_execute, round_open
from pomochi.aid.services import (
    commitment_accept,
    commitment_decline,
    commitment_fulfil,
    commitment_make,
    need_post,
    offer_post,
)
from pomochi.communities.invitations import invitation_accept, invitation_create
from pomochi.ledger.services import event_distribute
from pomochi.ledger.waiting import contribution_confirm, contribution_decline, contribution_submit
from pomochi.notify.kinds import KINDS
from pomochi.notify.messages import render
from pomochi.notify.models import Notification
from tests.conftest import make_user


def soon(days=3):
    return timezone.localdate() + timedelta(days=days)


def proposed(v):
    """alice (a coordinator) matches the Petrovs' potatoes to the Orlovs: proposed to bob."""
    return commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.orlovs,
        giver_household=v.petrovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(),
    )


def accepted(v):
    return commitment_accept(actor=v.bob, commitment=proposed(v))


def opened(v):
    return round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=20_000,
        needs=[v.need_petrovs, v.need_sidorovs],
        rule="max_min",
    )


def approved(v):
    round_ = opened(v)
    round_decide(actor=v.vera, round=round_, approve=True)
    return round_decide(actor=v.olga, round=round_, approve=True)


def executed(v):
    return round_execute(actor=v.alice, round=approved(v))


def appealed(v):
    share = executed(v).shares.get(household=v.petrovs)
    return appeal_file(actor=v.bob, share=share, reason="We are three, not one.")


def waiting(v):
    return contribution_submit(
        actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=5_000
    )


def invited(v):
    issued = invitation_create(actor=v.alice, community=v.community, household=v.sidorovs)
    return invitation_accept(user=make_user("nina"), code=issued.code)


def overdue(v, days):
    commitment = accepted(v)
    type(commitment).objects.filter(pk=commitment.pk).update(
        due_on=timezone.localdate() + timedelta(days=days)
    )
    Notification.objects.all().delete()
    reminders_send()


# kind → (what happens, who must be told: names of v's memberships)
SCENARIOS = {
    "need.urgent": (
        lambda v: need_post(
            actor=v.bob,
            community=v.community,
            household=v.petrovs,
            resource=v.potatoes,
            quantity=5,
            urgency="urgent",
        ),
        {"alice", "olga"},
    ),
    "need.posted": (
        lambda v: need_post(
            actor=v.bob, community=v.community, household=v.petrovs, resource=v.potatoes, quantity=5
        ),
        {"alice", "olga"},
    ),
    "match": (
        lambda v: offer_post(
            actor=v.alice,
            community=v.community,
            household=v.ivanovs,
            resource=v.grain,
            quantity=5_000,
        ),
        {"bob", "olga"},  # the Petrovs and the Orlovs need grain; the Sidorovs have nobody
    ),
    "distribution.received": (
        lambda v: event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1_000
        ),
        {"bob"},
    ),
    "commitment.proposed": (proposed, {"bob"}),
    "commitment.made": (accepted, {"olga"}),  # the Orlovs; bob, who accepted, knows
    "commitment.accepted": (accepted, {"alice"}),
    "commitment.declined": (
        lambda v: commitment_decline(actor=v.bob, commitment=proposed(v), reason="No potatoes"),
        {"alice"},
    ),
    "commitment.due_soon": (lambda v: overdue(v, 1), {"bob"}),
    "commitment.due": (lambda v: overdue(v, -2), {"bob"}),
    "commitment.fulfilled": (
        lambda v: commitment_fulfil(actor=v.alice, commitment=_to_petrovs(v), quantity=10),
        {"bob"},
    ),
    "allocation.share": (executed, {"bob"}),  # the Sidorovs' share reaches no member
    "allocation.decide": (opened, {"olga", "vera"}),
    "allocation.approved": (approved, {"alice", "olga"}),
    "allocation.executed": (executed, {"olga"}),  # alice carried it out
    "appeal.filed": (appealed, {"olga", "vera"}),
    "appeal.decided": (
        lambda v: appeal_decide(actor=v.vera, appeal=appealed(v), upheld=False, note="One."),
        {"bob"},
    ),
    "contribution.waiting": (waiting, {"alice", "olga"}),
    "contribution.confirmed": (
        lambda v: contribution_confirm(actor=v.alice, record=waiting(v)),
        {"bob"},
    ),
    "contribution.declined": (
        lambda v: contribution_decline(actor=v.alice, record=waiting(v), reason="Not here"),
        {"bob"},
    ),
    "invitation.accepted": (invited, {"alice"}),
}


def _to_petrovs(v):
    """A promise from the Ivanovs (alice's own) to the Petrovs, owed at once."""
    return commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=soon(),
    )


def test_every_kind_of_news_has_a_scenario_here_and_a_sentence():
    assert set(SCENARIOS) == set(KINDS)
    for kind in KINDS:
        assert render(kind, {}) != kind, f"{kind} has no sentence"


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_the_service_tells_exactly_the_audience_of_its_kind(needy_village, kind):
    v = needy_village
    act, audience = SCENARIOS[kind]
    Notification.objects.all().delete()
    act(v)
    told = Notification.objects.filter(kind=kind)
    names = {getattr(v, name).id: name for name in ("olga", "alice", "bob", "vera")}
    assert {names.get(n.recipient_id, n.recipient_id) for n in told} == audience
    assert told.count() == len(audience)  # nobody twice
    for n in told:  # its facts fill its sentence
        assert render(n.kind, n.params) != render(n.kind, {})
