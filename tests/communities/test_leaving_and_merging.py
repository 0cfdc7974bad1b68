"""People leave or are removed, households merge or are archived: the history stays, and what
was private stays private; a former member reads nothing of the community."""

import pytest
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.models import Membership
from pomochi.communities.presenters import member_name
from pomochi.communities.services import (
    household_archive,
    household_create,
    household_merge,
    membership_leave,
    membership_remove,
)
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.models import Event
from pomochi.ledger.services import event_distribute, event_transfer
from tests.api.conftest import ApiClient
from tests.conftest import enrol, make_user


def test_a_removed_member_keeps_their_history_but_reads_nothing(stocked_village, client):
    v = stocked_village
    given = event_transfer(
        actor=v.bob, from_household=v.petrovs, to_household=v.ivanovs, resource=v.grain, quantity=1
    )
    membership_remove(actor=v.vera, membership=v.bob, reason="took from the Granary at night")
    bob = Membership.objects.get(pk=v.bob.pk)
    assert (bob.is_active, bob.is_coordinator, bob.removal_reason) == (
        False,
        False,
        "took from the Granary at night",
    )
    assert Event.objects.get(pk=given.pk).recorded_by_id == bob.id  # the history stays
    client.force_login(bob.user)
    for name in ("community", "movements", "needs", "audit"):
        assert client.get(reverse(name, kwargs={"slug": "village"})).status_code == 404, name
    api = ApiClient(bob.user)
    assert api.get("/communities/village/events").status_code == 404
    assert api.get(f"/communities/village/events/{given.id}").status_code == 404
    # The reason is in a private entry: coordinators and the committee only.
    entry = AuditEntry.objects.get(verb="membership.remove")
    assert entry.private and "took from the Granary" in entry.payload
    assert verify_community(v.community.id).ok


def test_a_former_member_is_named_only_to_coordinators_and_the_committee(village):
    v = village
    dasha = enrol(actor=v.alice, community=v.community, user=make_user("dasha"))
    membership_leave(actor=v.bob, membership=v.bob)
    bob = Membership.objects.get(pk=v.bob.pk)
    assert member_name(actor=dasha, obj=bob) == "a former member"
    assert member_name(actor=v.alice, obj=bob) == member_name(actor=v.vera, obj=bob) == "bob"
    assert member_name(actor=dasha, obj=v.alice) == "alice"


def test_a_removal_needs_a_reason_and_happens_once(village):
    v = village
    entries = AuditEntry.objects.count()
    for reason in ("", "  "):
        with pytest.raises(InvalidInput):
            membership_remove(actor=v.vera, membership=v.bob, reason=reason)
    with pytest.raises(NotAllowed):  # a plain member removes nobody
        membership_remove(actor=v.bob, membership=v.alice, reason="no")
    assert AuditEntry.objects.count() == entries and Membership.objects.get(pk=v.bob.pk).is_active
    membership_remove(actor=v.vera, membership=v.bob, reason="left for the city")
    with pytest.raises((Conflict, NotAllowed)):
        membership_remove(
            actor=v.vera, membership=Membership.objects.get(pk=v.bob.pk), reason="again"
        )


def test_a_member_leaves_from_the_page_and_is_outside_from_then_on(village, client):
    v = village
    client.force_login(v.bob.user)
    url = reverse("member-leave", kwargs={"slug": "village"})
    assert "Leave the community" in client.get(url).content.decode()
    client.post(url)
    assert Membership.objects.get(pk=v.bob.pk).left_at is not None
    assert client.get(reverse("community", kwargs={"slug": "village"})).status_code == 404


def test_merging_moves_the_members_and_keeps_each_households_history(stocked_village):
    v = stocked_village
    belovs = household_create(actor=v.alice, community=v.community, name="Belovs", size=2)
    nina = enrol(actor=v.alice, community=v.community, user=make_user("nina"), household=belovs)
    aid = event_distribute(
        actor=v.alice, pool=v.granary, household=belovs, resource=v.grain, quantity=1_000
    )
    with pytest.raises(InvalidInput):
        household_merge(actor=v.alice, household=belovs, into=belovs)
    household_merge(actor=v.alice, household=belovs, into=v.sidorovs)
    belovs.refresh_from_db()
    assert belovs.archived_at is not None and belovs.merged_into_id == v.sidorovs.id
    assert Membership.objects.get(pk=nina.pk).household_id == v.sidorovs.id
    assert Event.objects.get(pk=aid.pk).receiver_household_id == belovs.id
    # An archived household receives nothing more…
    with pytest.raises(Conflict, match="archived"):
        event_distribute(
            actor=v.alice, pool=v.granary, household=belovs, resource=v.grain, quantity=1
        )
    # …and is merged or archived once.
    with pytest.raises(Conflict):
        household_merge(actor=v.alice, household=belovs, into=v.petrovs)


def test_a_household_with_members_is_not_archived(village):
    v = village
    entries = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="still has members"):
        household_archive(actor=v.alice, household=v.petrovs)
    assert AuditEntry.objects.count() == entries
    v.petrovs.refresh_from_db()
    assert v.petrovs.archived_at is None
    gone = household_archive(actor=v.alice, household=v.sidorovs)  # nobody of theirs is online
    assert gone.archived_at is not None
