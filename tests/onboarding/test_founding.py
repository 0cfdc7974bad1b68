"""Founding a community (onboarding.services.community_found): who may, what is checked, what
it makes. Every refusal changes nothing."""

import json

import pytest
from django.db.models import Count

from pomochi.audit.models import AuditEntry
from pomochi.communities.models import Bylaws, Community, CommunityKind, Membership, ResourceType
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.models import Pool
from pomochi.onboarding.models import FoundingRequest
from pomochi.onboarding.services import community_found
from tests.conftest import make_user


def rows() -> dict[str, int]:
    return {
        "communities": Community.objects.count(),
        "memberships": Membership.objects.count(),
        "bylaws": Bylaws.objects.count(),
        "resources": ResourceType.objects.count(),
        "pools": Pool.objects.count(),
        "audit": AuditEntry.objects.count(),
        "requests": FoundingRequest.objects.count(),
    }


def found(user, **fields):
    fields = {"name": "Upper Village", "slug": "upper"} | fields
    return community_found(user=user, **fields)


@pytest.fixture
def zoya(db):
    return make_user("zoya")


def test_it_makes_the_founder_coordinator_and_committee_and_records_who_founded(zoya):
    community = found(zoya, timezone="Europe/Moscow", language="ru", kind=CommunityKind.TENANTS)
    assert (community.slug, community.name) == ("upper", "Upper Village")
    assert (community.timezone, community.language, community.kind) == (
        "Europe/Moscow",
        "ru",
        "tenants",
    )
    assert community.founded_by == zoya
    membership = Membership.objects.get(community=community)
    assert (membership.user, membership.roles) == (zoya, ["coordinator", "committee"])
    assert community.bylaws.get().version == 1
    created = AuditEntry.objects.get(community=community, verb="community.create")
    assert json.loads(created.payload)["data"]["kind"] == "tenants"


def test_without_a_starter_it_makes_no_stores_nor_resources(zoya):
    community = found(zoya)
    assert not community.pools.exists() and not community.resources.exists()


def test_the_slug_is_read_in_lowercase_and_trimmed(zoya):
    assert found(zoya, slug="  Upper-Village ").slug == "upper-village"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"slug": "upper village"}, "slug", "slug"),
        ({"slug": ""}, "slug", "slug"),
        ({"slug": "upper_village"}, "slug", "lowercase letters, digits and hyphens"),
        ({"slug": "x" * 61}, "slug", "at most 60"),
        ({"name": "  "}, "name", "needs a name"),
        ({"name": "nul\x00"}, "name", "control character"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
        ({"language": "de"}, "language", "Unknown language"),
        ({"kind": "commune"}, "kind", "Unknown kind of group"),
        ({"starter": "castle"}, "starter", "Unknown starter set"),
    ],
)
def test_it_refuses_an_invalid_field_changing_nothing(zoya, fields, field, message):
    before = rows()
    with pytest.raises(InvalidInput, match=message) as refused:
        found(zoya, **({"starter": "village"} | fields))
    assert refused.value.field == field
    assert rows() == before


def test_it_refuses_a_slug_taken_changing_nothing(village, zoya):
    before = rows()
    with pytest.raises(Conflict, match="already exists") as refused:
        found(zoya, slug="village", starter="village", idempotency_key="k1")
    assert refused.value.field == "slug"
    assert rows() == before


def test_anyone_with_an_account_may_found_by_default(settings, zoya):
    settings.POMOCHI_FOUNDING = "anyone"
    assert found(zoya).founded_by == zoya


def test_on_an_approved_only_server_it_refuses_an_account_not_approved(settings, zoya):
    settings.POMOCHI_FOUNDING = "approved"
    before = rows()
    with pytest.raises(NotAllowed, match="administrator has approved"):
        found(zoya, starter="village", idempotency_key="k1")
    assert rows() == before


def test_on_an_approved_only_server_an_approved_account_founds(settings, zoya):
    settings.POMOCHI_FOUNDING = "approved"
    zoya.may_found_communities = True
    zoya.save()
    assert found(zoya).founded_by == zoya


def test_an_inactive_account_may_not_found(zoya):
    zoya.is_active = False
    zoya.save()
    with pytest.raises(NotAllowed):
        found(zoya)
    assert not Community.objects.exists()


def test_a_retry_with_the_same_key_returns_the_first_community(zoya):
    first = found(zoya, starter="village", idempotency_key="found-1")
    before = rows()
    again = found(zoya, starter="village", idempotency_key="found-1")
    assert again.id == first.id
    assert rows() == before


def test_the_same_key_with_other_fields_is_a_conflict(zoya):
    found(zoya, idempotency_key="found-1")
    before = rows()
    with pytest.raises(Conflict, match="different request"):
        found(zoya, slug="lower", idempotency_key="found-1")
    assert rows() == before


def test_a_key_is_each_persons_own(zoya):
    found(zoya, idempotency_key="found-1")
    other = found(make_user("yakov"), slug="lower", idempotency_key="found-1")
    assert other.founded_by.username == "yakov"
    assert FoundingRequest.objects.values("key").annotate(n=Count("id")).get()["n"] == 2


def test_a_refused_founding_leaves_its_key_free(zoya):
    with pytest.raises(InvalidInput):
        found(zoya, timezone="Mars/Olympus", idempotency_key="found-1")
    assert found(zoya, idempotency_key="found-1").slug == "upper"
