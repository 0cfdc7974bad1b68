import copy
from datetime import datetime
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from pomochi.api.common import (
    ERRORS,
    Email,
    Error,
    IdempotencyKey,
    PageMeta,
    Reason,
    RowId,
    caller,
    get_in_community,
    in_community,
    paginate,
)
from pomochi.communities import policy, services
from pomochi.communities.invitations import invitation_accept, invitation_create, invitation_revoke
from pomochi.communities.models import (
    Household,
    Invitation,
    Membership,
    ResourceKind,
    ResourceType,
)
from pomochi.communities.presenters import household_view, membership_view
from pomochi.communities.selectors import households_of, invitations_of, memberships_of_user
from pomochi.errors import InvalidInput
from pomochi.text import LINE_LENGTH, text_type

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
    archived: bool = Field(description="it left, or was merged: history only")
    merged_into: int | None = None
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
    pools: list[RowId] = Field([], description="the open stores that keep it (set on the pools)")


def resource_out(resource: ResourceType) -> ResourceOut:
    return ResourceOut(
        id=resource.id,
        name=resource.name,
        unit=resource.unit,
        kind=resource.kind,
        decimal_places=resource.decimal_places,
        pools=sorted(p.id for p in resource.pools.all() if p.archived_at is None),
    )


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


# A household's name: the text rule, at the column's length (as the page's form and the import).
HouseholdName = text_type(
    max_length=Household._meta.get_field("name").max_length, multiline=False, required=True
)


class HouseholdIn(Schema):
    name: HouseholdName
    size: int = Field(1, ge=1, le=1000)
    has_children: bool = False
    has_elderly: bool = False
    has_ill_or_disabled: bool = False


class HouseholdEditIn(Schema):
    name: HouseholdName | None = None
    size: int | None = Field(None, ge=1, le=1000)
    has_children: bool | None = None
    has_elderly: bool | None = None
    has_ill_or_disabled: bool | None = None


class HouseholdMergeIn(Schema):
    into: int = Field(description="the household that stays")


CHANGED = {200: HouseholdOut, 403: Error, 409: Error, **ERRORS}


@router.post(
    "/communities/{slug}/households",
    response={201: HouseholdOut, 403: Error, 409: Error, **ERRORS},
)
def create_household(
    request, slug: str, body: HouseholdIn, idempotency_key: str | None = IdempotencyKey
):
    """A coordinator adds a household. A retry with the same Idempotency-Key and body answers
    the household the first made; the same key with another body is 409."""
    community, membership = caller(request, slug)
    household = services.household_create(
        actor=membership, community=community, idempotency_key=idempotency_key, **body.dict()
    )
    return Status(201, household_out(membership, household))


@router.patch("/communities/{slug}/households/{household_id}", response=CHANGED)
def edit_household(request, slug: str, household_id: int, body: HouseholdEditIn):
    """Name, size or flags, each left out stays: the household's own members or a coordinator."""
    community, membership = caller(request, slug)
    household = get_in_community(Household.objects, community, household_id)
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    household = services.household_update(actor=membership, household=household, **changes)
    return household_out(membership, household)


@router.post("/communities/{slug}/households/{household_id}/merge", response=CHANGED)
def merge_household(request, slug: str, household_id: int, body: HouseholdMergeIn):
    """Merge this household into `into` (coordinators): its members move there; it is archived
    with its history. Answers the archived household."""
    community, membership = caller(request, slug)
    household = get_in_community(Household.objects, community, household_id)
    policy.require(membership, "household.merge", household)
    into = in_community(Household, community, body.into, field="into")
    household = services.household_merge(actor=membership, household=household, into=into)
    return household_out(membership, household)


@router.post("/communities/{slug}/households/{household_id}/archive", response=CHANGED)
def archive_household(request, slug: str, household_id: int):
    """A household that left (coordinators): archived, history kept; 409 while it has members."""
    community, membership = caller(request, slug)
    household = get_in_community(Household.objects, community, household_id)
    household = services.household_archive(actor=membership, household=household)
    return household_out(membership, household)


# ---- memberships ------------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    name: str
    household: int | None
    household_name: str | None
    roles: list[str]
    active: bool
    # The person themselves, coordinators and the committee only.
    joined_at: datetime | None = None
    left_at: datetime | None = None
    removed_at: datetime | None = None
    removal_reason: str | None = None


class RemoveIn(Schema):
    reason: Reason


def membership_out(actor, membership: Membership) -> MembershipOut:
    return MembershipOut(**membership_view(actor=actor, obj=membership))


MEMBERSHIP_ACTED = {200: MembershipOut, 403: Error, 409: Error, **ERRORS}


@router.get("/communities/{slug}/memberships", response={200: list[MembershipOut], **ERRORS})
def list_memberships(request, slug: str):
    """The community's members (active ones), as the members page shows them."""
    community, membership = caller(request, slug)
    people = (
        Membership.objects.filter(community=community, is_active=True)
        .select_related("user", "household")
        .order_by("user__username")
    )
    return [membership_out(membership, m) for m in people]


@router.post("/communities/{slug}/memberships/me/leave", response=MEMBERSHIP_ACTED)
def leave_community(request, slug: str):
    """Leave the community. From then on every request about it answers 404, as to anyone
    outside it; what the caller recorded stays in its history. Answers the membership as its
    owner saw it the moment they left."""
    _community, membership = caller(request, slug)
    as_they_were = copy.copy(membership)
    left = services.membership_leave(actor=membership, membership=membership)
    return membership_out(as_they_were, left)


@router.post("/communities/{slug}/memberships/{membership_id}/remove", response=MEMBERSHIP_ACTED)
def remove_member(request, slug: str, membership_id: int, body: RemoveIn):
    """The committee removes a member, with a reason (kept private)."""
    community, membership = caller(request, slug)
    target = get_in_community(
        Membership.objects.select_related("user", "household"), community, membership_id
    )
    target = services.membership_remove(actor=membership, membership=target, reason=body.reason)
    return membership_out(membership, target)


@router.get("/communities/{slug}/resources", response={200: list[ResourceOut], **ERRORS})
def list_resources(request, slug: str):
    community, _membership = caller(request, slug)
    resources = ResourceType.objects.filter(community=community).order_by("name")
    return [resource_out(r) for r in resources.prefetch_related("pools")]


ResourceName = text_type(max_length=LINE_LENGTH, multiline=False, required=True)
Unit = text_type(
    max_length=ResourceType._meta.get_field("unit").max_length, multiline=False, required=True
)
ResourceKindIn = Literal[tuple(ResourceKind.values)]


class ResourceIn(Schema):
    name: ResourceName
    unit: Unit
    kind: ResourceKindIn
    decimal_places: int = Field(0, ge=0, le=6)


class ResourceEditIn(Schema):
    """Each field left out stays as it is. Kind and decimal places change only while nothing is
    recorded in the resource (409 otherwise). Which stores keep it is set on the pools."""

    name: ResourceName | None = None
    unit: Unit | None = None
    kind: ResourceKindIn | None = None
    decimal_places: int | None = Field(None, ge=0, le=6)


RESOURCE_WRITTEN = {200: ResourceOut, 403: Error, 409: Error, **ERRORS}


@router.post(
    "/communities/{slug}/resources",
    response={201: ResourceOut, 403: Error, 409: Error, **ERRORS},
)
def create_resource(
    request, slug: str, body: ResourceIn, idempotency_key: str | None = IdempotencyKey
):
    """A coordinator adds what the community keeps track of, kept in no store until a pool
    lists it. A retry with the same Idempotency-Key and body answers the first; another is 409."""
    community, membership = caller(request, slug)
    resource = services.resource_create(
        actor=membership, community=community, idempotency_key=idempotency_key, **body.dict()
    )
    return Status(201, resource_out(resource))


@router.patch("/communities/{slug}/resources/{resource_id}", response=RESOURCE_WRITTEN)
def edit_resource(request, slug: str, resource_id: int, body: ResourceEditIn):
    community, membership = caller(request, slug)
    resource = get_in_community(ResourceType.objects, community, resource_id)
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    return resource_out(services.resource_update(actor=membership, resource=resource, **changes))


# ---- invitations ------------------------------------------------------------------------------


class InvitationIn(Schema):
    household: int | None = None
    email: Email | None = Field(None, description="mail the link there; none: a code for paper")
    coordinator: bool = False
    committee: bool = False


class InvitationOut(Schema):
    id: int
    purpose: Literal["join", "password"]
    state: Literal["open", "accepted", "revoked", "expired"]
    household: int | None
    email: str
    coordinator: bool
    committee: bool
    member: int | None = Field(description="for a password code: the member it is for")
    created_at: datetime
    expires_at: datetime


class InvitationIssuedOut(InvitationOut):
    code: str = Field(description="the one-time code (4-4-4); answered only here, never stored")
    link: str


class InvitationPage(Schema):
    meta: PageMeta
    items: list[InvitationOut]


class InvitationFilters(Schema):
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200)


def invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        purpose="password" if invitation.for_membership_id else "join",
        state=invitation.state(timezone.now()),
        household=invitation.household_id,
        email=invitation.email,
        coordinator=invitation.grants_coordinator,
        committee=invitation.grants_committee,
        member=invitation.for_membership_id,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


@router.post(
    "/communities/{slug}/invitations",
    response={201: InvitationIssuedOut, 403: Error, 409: Error, **ERRORS},
)
def create_invitation(
    request, slug: str, body: InvitationIn, idempotency_key: str | None = IdempotencyKey
):
    """Invite someone, into a household if given, with the roles given (if the caller may grant
    them). The code is in this answer only. A retry with the same Idempotency-Key answers the
    same invitation and code (derived from the key, not stored) and makes nothing."""
    community, membership = caller(request, slug)
    policy.require(membership, "membership.invite", community)
    household = in_community(Household, community, body.household, field="household")
    link = request.build_absolute_uri(reverse("invite", args=["CODE"]))
    issued = invitation_create(
        actor=membership,
        community=community,
        household=household,
        email=body.email or "",
        coordinator=body.coordinator,
        committee=body.committee,
        accept_url=link.replace("CODE", "{code}"),
        idempotency_key=idempotency_key,
    )
    out = invitation_out(issued.invitation).dict()
    return Status(
        201,
        InvitationIssuedOut(**out, code=issued.printable, link=link.replace("CODE", issued.code)),
    )


@router.get("/communities/{slug}/invitations", response={200: InvitationPage, 403: Error, **ERRORS})
def list_invitations(request, slug: str, filters: Query[InvitationFilters]):
    """Invitations and password codes in every state, newest first (coordinators; no codes)."""
    community, membership = caller(request, slug)
    policy.require(membership, "membership.invite", community)
    items, meta = paginate(
        invitations_of(community=community), page=filters.page, per_page=filters.per_page
    )
    return InvitationPage(meta=meta, items=[invitation_out(i) for i in items])


@router.post(
    "/communities/{slug}/invitations/{invitation_id}/revoke",
    response={200: InvitationOut, 403: Error, 409: Error, **ERRORS},
)
def revoke_invitation(request, slug: str, invitation_id: int):
    community, membership = caller(request, slug)
    invitation = get_in_community(Invitation.objects, community, invitation_id)
    return invitation_out(invitation_revoke(actor=membership, invitation=invitation))


@router.post(
    "/invitations/{code}/accept",
    response={200: CommunityOut, 403: Error, 409: Error, **ERRORS},
)
def accept_invitation(request, code: str = Path(..., max_length=40)):
    """Join with an invitation's code, as the token's owner. An unknown, used, expired or withdrawn
    code (or a password code) is one and the same 404. A retry by whoever accepted it answers
    their membership again."""
    try:
        membership = invitation_accept(user=request.user, code=code)
    except InvalidInput:
        raise HttpError(404, _("No such invitation.")) from None
    return community_out(membership)
