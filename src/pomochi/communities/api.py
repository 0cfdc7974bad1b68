from ninja import Router, Schema

from pomochi.api.common import ERRORS, Error, caller, get_in_community
from pomochi.communities.models import Household, ResourceType
from pomochi.communities.presenters import household_view, membership_view
from pomochi.communities.selectors import households_of, memberships_of_user

router = Router(tags=["communities"])


class CommunityOut(Schema):
    slug: str
    name: str
    timezone: str
    language: str
    my_household: int | None
    my_roles: list[str]


class HouseholdOut(Schema):
    id: int
    name: str
    size: int
    # Need data: present only for the household itself, coordinators and the committee.
    has_children: bool | None = None
    has_elderly: bool | None = None
    has_ill_or_disabled: bool | None = None


class ResourceOut(Schema):
    id: int
    name: str
    unit: str
    kind: str
    decimal_places: int


def community_out(membership) -> CommunityOut:
    c = membership.community
    me = membership_view(actor=membership, obj=membership)
    return CommunityOut(
        slug=c.slug,
        name=c.name,
        timezone=c.timezone,
        language=c.language,
        my_household=me["household"],
        my_roles=me["roles"],
    )


def household_out(actor, household: Household) -> HouseholdOut:
    """The household as communities.presenters.household_view shows it to this caller."""
    return HouseholdOut(**household_view(actor=actor, obj=household))


@router.get("/communities", response={200: list[CommunityOut], 401: Error})
def list_communities(request):
    return [community_out(m) for m in memberships_of_user(user=request.user)]


@router.get("/communities/{slug}", response={200: CommunityOut, **ERRORS})
def get_community(request, slug: str):
    _community, membership = caller(request, slug)
    return community_out(membership)


@router.get("/communities/{slug}/households", response={200: list[HouseholdOut], **ERRORS})
def list_households(request, slug: str):
    community, membership = caller(request, slug)
    return [household_out(membership, h) for h in households_of(community=community)]


@router.get("/communities/{slug}/households/{household_id}", response={200: HouseholdOut, **ERRORS})
def get_household(request, slug: str, household_id: int):
    community, membership = caller(request, slug)
    return household_out(membership, get_in_community(Household.objects, community, household_id))


@router.get("/communities/{slug}/resources", response={200: list[ResourceOut], **ERRORS})
def list_resources(request, slug: str):
    community, _membership = caller(request, slug)
    return list(ResourceType.objects.filter(community=community).order_by("name"))
