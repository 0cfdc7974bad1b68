"""Founding a community over HTTP, and the starter sets it may begin with.

`POST /communities` shares its path with the communities app's list (`GET /communities`):
Django routes one path to one view, so the founding operation joins that router's path (its
OpenAPI tag says it is ours); the starter sets are on this app's own router.
"""

import zoneinfo
from typing import Annotated

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from pomochi.api.common import ERRORS, Error
from pomochi.communities.api import ResourceOut, resource_out
from pomochi.communities.api import router as communities_router
from pomochi.communities.models import Community, CommunityKind, Membership
from pomochi.ledger.api import IdempotencyKey
from pomochi.onboarding import starters
from pomochi.onboarding.services import community_found
from pomochi.text import text_type

router = Router(tags=["onboarding"])

NAME_LENGTH = Community._meta.get_field("name").max_length
SLUG_LENGTH = Community._meta.get_field("slug").max_length


def choice(values, message: str, description: str):
    """A string that must be one of `values`, listed in the schema; anything else is refused
    with `message`, in the reader's language."""
    allowed = tuple(values)

    def validate(value):
        if not isinstance(value, str) or value not in allowed:
            raise PydanticCustomError("choice", "{message}", {"message": str(message)})
        return value

    return Annotated[
        str,
        PlainValidator(validate),
        WithJsonSchema({"type": "string", "enum": list(allowed), "description": description}),
    ]


TimeZone = choice(
    sorted(zoneinfo.available_timezones()),
    _("Choose a time zone by its name, e.g. “Europe/Moscow”."),
    "a name from the IANA time-zone database",
)
Language = choice(
    [code for code, _name in settings.LANGUAGES],
    _("Choose one of the site's languages."),
    "the language the community's stores and resources are named in, and its e-mails",
)
Kind = choice(CommunityKind.values, _("Choose a kind of group."), "the kind of group")
StarterName = choice(
    starters.STARTER_NAMES,
    _("Choose a starter set."),
    "the stores and resources to begin with (GET /starters lists them); none: nothing",
)


class FoundingIn(Schema):
    name: text_type(max_length=NAME_LENGTH, multiline=False, required=True)
    slug: text_type(max_length=SLUG_LENGTH, multiline=False, required=True)
    timezone: TimeZone = "UTC"
    language: Language = "en"
    kind: Kind = CommunityKind.VILLAGE.value
    starter: StarterName = starters.NONE


class StoreOut(Schema):
    id: int
    name: str
    kind: str
    resources: list[int]


class FoundedOut(Schema):
    slug: str
    name: str
    timezone: str
    language: str
    kind: str
    my_roles: list[str]
    resources: list[ResourceOut]
    pools: list[StoreOut]


def founded_out(community: Community, membership: Membership) -> FoundedOut:
    pools = community.pools.order_by("name").prefetch_related("resources")
    return FoundedOut(
        slug=community.slug,
        name=community.name,
        timezone=community.timezone,
        language=community.language,
        kind=community.kind,
        my_roles=membership.roles,
        resources=[
            resource_out(r) for r in community.resources.order_by("name").prefetch_related("pools")
        ],
        pools=[
            StoreOut(
                id=p.id, name=p.name, kind=p.kind, resources=sorted(r.id for r in p.resources.all())
            )
            for p in pools
        ],
    )


@communities_router.post(
    "/communities",
    response={201: FoundedOut, 403: Error, 409: Error, **ERRORS},
    tags=["onboarding"],
)
def found_community(request, body: FoundingIn, idempotency_key: str | None = IdempotencyKey):
    """Found a community: the caller becomes its coordinator and committee. Who may is the
    site's setting (anyone with an account, or those the site admin approved: 403 otherwise).
    A retry with the same Idempotency-Key and body answers the community the first made."""
    fields = body.model_dump()
    community = community_found(user=request.user, idempotency_key=idempotency_key, **fields)
    membership = Membership.objects.get(community=community, user=request.user)
    return Status(201, founded_out(community, membership))


class StarterLineOut(Schema):
    store: str | None  # None: kept by no store (labour)
    resources: list[str]


class StarterOut(Schema):
    name: str
    # What the set makes, by the community's language (its names are in that language).
    languages: dict[str, list[StarterLineOut]]


@router.get("/starters", response={200: list[StarterOut], 401: Error})
def list_starters(request):
    """The starter sets a community may begin with (`starter` of POST /communities)."""
    return [
        StarterOut(
            name=name,
            languages={
                language: [
                    StarterLineOut(store=line.store, resources=list(line.resources))
                    for line in starters.starter_lines(name, language)
                ]
                for language, _name in settings.LANGUAGES
            },
        )
        for name in starters.STARTER_NAMES
    ]
