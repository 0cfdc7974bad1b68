"""An invitation may grant roles: only those its maker may grant (the rules of
membership_set_roles), asked again when it is accepted, and audited as a role change."""

import pytest
from django.utils import timezone

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.invitations import invitation_accept, invitation_create
from pomochi.communities.models import Invitation, Membership
from pomochi.communities.services import membership_set_roles
from pomochi.errors import Conflict, NotAllowed
from tests.conftest import make_user


def counts(community):
    return (
        AuditEntry.objects.filter(community=community).count(),
        Invitation.objects.count(),
        Membership.objects.count(),
    )


def test_accepting_grants_the_roles_and_the_chain_says_who_granted_them(village):
    v = village
    issued = invitation_create(
        actor=v.olga, community=v.community, household=v.sidorovs, coordinator=True, committee=True
    )
    nina = invitation_accept(user=make_user("nina"), code=issued.code)
    assert (nina.is_coordinator, nina.is_committee) == (True, True)
    nina.refresh_from_db()
    assert (nina.is_coordinator, nina.is_committee) == (True, True)
    add, roles = AuditEntry.objects.filter(community=v.community).order_by("-seq")[:2][::-1]
    assert (add.verb, add.actor_id) == ("membership.add", nina.id)  # her own act: joining
    assert '"coordinator":false' in add.payload
    assert (roles.verb, roles.actor_id, roles.object_id) == (
        "membership.set_roles",
        v.olga.id,
        nina.id,
    )
    assert '"coordinator":true' in roles.payload and '"committee":true' in roles.payload
    assert roles.household_id == v.sidorovs.id
    assert verify_community(v.community.id).ok


def test_an_invitation_without_roles_grants_none_and_writes_no_role_change(village):
    v = village
    issued = invitation_create(actor=v.alice, community=v.community)
    nina = invitation_accept(user=make_user("nina"), code=issued.code)
    assert (nina.is_coordinator, nina.is_committee) == (False, False)
    assert not AuditEntry.objects.filter(verb="membership.set_roles", object_id=nina.id).exists()


def test_a_coordinator_may_invite_a_coordinator(village):
    issued = invitation_create(actor=village.alice, community=village.community, coordinator=True)
    assert issued.invitation.grants_coordinator and not issued.invitation.grants_committee


def test_it_refuses_a_coordinator_who_is_not_on_the_committee_granting_committee(village):
    v = village
    before = counts(v.community)
    with pytest.raises(NotAllowed, match="Only the committee"):
        invitation_create(actor=v.alice, community=v.community, committee=True)
    assert counts(v.community) == before


@pytest.mark.parametrize("who", ["bob", "vera"])
def test_it_refuses_roles_from_those_who_may_not_invite_at_all(village, who):
    v = village
    before = counts(v.community)
    with pytest.raises(NotAllowed):
        invitation_create(actor=getattr(v, who), community=v.community, coordinator=True)
    assert counts(v.community) == before


def test_the_makers_right_is_asked_again_when_the_invitation_is_accepted(village):
    """alice invites a coordinator, then loses her own role: the invitation no longer makes one."""
    v = village
    issued = invitation_create(actor=v.alice, community=v.community, coordinator=True)
    membership_set_roles(actor=v.olga, membership=v.alice, coordinator=False)
    before = counts(v.community)
    nina = make_user("nina")
    with pytest.raises(Conflict, match="may no longer grant the roles"):
        invitation_accept(user=nina, code=issued.code)
    assert counts(v.community) == before
    assert not Membership.objects.filter(user=nina).exists()
    assert Invitation.objects.get(pk=issued.invitation.pk).state(timezone.now()) == "open"


def test_a_role_granting_invitation_still_works_once(village):
    v = village
    issued = invitation_create(actor=v.olga, community=v.community, committee=True)
    invitation_accept(user=make_user("nina"), code=issued.code)
    from pomochi.errors import InvalidInput

    stranger = make_user("stranger")
    with pytest.raises(InvalidInput, match="not valid"):
        invitation_accept(user=stranger, code=issued.code)
    assert not Membership.objects.filter(user=stranger).exists()


def test_the_invitation_form_offers_only_the_roles_one_may_grant(client, village):
    from django.urls import reverse

    url = reverse("invitations", args=["village"])
    client.force_login(village.alice.user)
    fields = client.get(url).context["form"].fields
    assert "coordinator" in fields and "committee" not in fields
    client.force_login(village.olga.user)
    fields = client.get(url).context["form"].fields
    assert "coordinator" in fields and "committee" in fields
    response = client.post(url, {"household": village.sidorovs.id, "committee": "on"})
    assert response.status_code == 302
    assert Invitation.objects.get(
        created_by=village.olga, household=village.sidorovs
    ).grants_committee


def test_a_committee_box_sent_by_a_coordinator_who_may_not_grant_it_grants_nothing(client, village):
    from django.urls import reverse

    client.force_login(village.alice.user)
    url = reverse("invitations", args=["village"])
    client.post(url, {"household": village.sidorovs.id, "committee": "on"})
    invitation = Invitation.objects.get(created_by=village.alice, household=village.sidorovs)
    assert not invitation.grants_committee
