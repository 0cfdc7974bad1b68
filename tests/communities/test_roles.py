import pytest

from pomochi.audit.models import AuditEntry
from pomochi.communities.models import Membership
from pomochi.communities.services import (
    community_create,
    household_create,
    membership_set_roles,
)
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import make_user


def roles(membership):
    membership = Membership.objects.get(pk=membership.pk)
    return membership.is_coordinator, membership.is_committee


def test_the_founder_is_coordinator_and_committee(village):
    assert roles(village.olga) == (True, True)


def test_a_coordinator_grants_coordinator(village):
    membership_set_roles(actor=village.alice, membership=village.bob, coordinator=True)
    assert roles(village.bob) == (True, False)
    entry = AuditEntry.objects.filter(community=village.community).order_by("-seq").first()
    assert entry.verb == "membership.set_roles" and entry.actor_id == village.alice.id


def test_only_the_committee_grants_committee(village):
    with pytest.raises(NotAllowed):
        membership_set_roles(actor=village.alice, membership=village.bob, committee=True)
    assert roles(village.bob) == (False, False)
    membership_set_roles(actor=village.vera, membership=village.bob, committee=True)
    assert roles(village.bob) == (False, True)


@pytest.mark.parametrize("who", ["olga", "alice", "vera", "bob"])
def test_nobody_changes_their_own_roles(village, who):
    me = getattr(village, who)
    before = roles(me)
    for change in ({"coordinator": not before[0]}, {"committee": not before[1]}):
        with pytest.raises(NotAllowed, match="own roles"):
            membership_set_roles(actor=me, membership=me, **change)
    assert roles(me) == before


def test_a_plain_member_grants_nothing(village):
    with pytest.raises(NotAllowed):
        membership_set_roles(actor=village.bob, membership=village.vera, coordinator=True)
    assert roles(village.vera) == (False, True)


def test_roles_in_another_community_are_refused(village, hamlet):
    with pytest.raises(NotAllowed):
        membership_set_roles(actor=hamlet.charlie, membership=village.bob, coordinator=True)
    assert roles(village.bob) == (False, False)


def test_plain_members_do_not_create_households(village):
    with pytest.raises(NotAllowed):
        household_create(actor=village.bob, community=village.community, name="Bob's cousins")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": "xx"}, "language"),
        ({"name": " "}, "name"),
    ],
)
def test_a_community_is_founded_only_with_valid_settings(db, kwargs, field):
    args = {"slug": "new-village", "name": "New village", "founder": make_user("zoya")} | kwargs
    with pytest.raises(InvalidInput) as info:
        community_create(**args)
    assert info.value.field == field


def test_it_refuses_a_duplicate_short_name(village):
    with pytest.raises(Conflict):
        community_create(slug="village", name="Other", founder=make_user("zoya"))
