"""Pools, holdings and the ledger over HTTP. Each movement's body is made from its binding in
ledger.inputs, as the page's form is, and recorded by the same call."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import create_model

from pomochi.api.common import (
    ERRORS,
    Amount,
    Error,
    IdempotencyKey,
    Instant,
    Note,
    PageMeta,
    Reason,
    amount,
    caller,
    get_in_community,
    in_community,
)
from pomochi.communities import policy
from pomochi.communities.models import ResourceType
from pomochi.communities.quantities import format_quantity_plain
from pomochi.ledger.cover import Cover, store_cover
from pomochi.ledger.filters import MovementQuery, movement_criteria
from pomochi.ledger.inputs import (
    ADJUSTMENT,
    CONTRIBUTION,
    DISTRIBUTION,
    REVERSAL,
    TRANSFER,
    WORK,
    Movement,
    contribution_record,
    movement_doubts,
    movement_record,
)
from pomochi.ledger.models import Event, PendingContribution, Pool, PoolKind
from pomochi.ledger.presenters import event_view, waiting_record_view
from pomochi.ledger.selectors import (
    holdings_for_pool,
    movements_listed,
    movements_page,
    receivers_public,
    records_waiting,
)
from pomochi.ledger.services import POOL_NAME_LENGTH, pool_archive, pool_create, pool_update
from pomochi.ledger.waiting import contribution_confirm, contribution_decline
from pomochi.text import text_type

router = Router(tags=["ledger"])

MAX_PER_PAGE = 200  # events a page
MAX_KEPT = 1_000  # resource types one store keeps
__all__ = ["Amount", "IdempotencyKey", "amount", "router"]  # aid's API uses these too


class HoldingOut(Schema):
    resource: int
    resource_name: str
    quantity: int
    amount: str


class PoolOut(Schema):
    id: int
    name: str
    kind: str
    description: str = ""
    resources: list[int] = Field([], description="what it keeps: resource ids, nothing else")
    archived: bool = Field(False, description="it takes no movement; its history stays")
    holdings: list[HoldingOut]


PoolName = text_type(max_length=POOL_NAME_LENGTH, multiline=False, required=True)
PoolKindIn = Literal[tuple(PoolKind.values)]


class PoolIn(Schema):
    name: PoolName
    kind: PoolKindIn = PoolKind.OTHER.value
    description: Note = ""
    resources: list[int] = Field(
        [], max_length=MAX_KEPT, description="what it keeps (resource ids); nothing else"
    )


class PoolEditIn(Schema):
    """Each field left out stays as it is; `resources` replaces the whole list."""

    name: PoolName | None = None
    kind: PoolKindIn | None = None
    description: Note | None = None
    resources: list[int] | None = Field(None, max_length=MAX_KEPT)


class EventOut(Schema):
    """An event as ledger.presenters.event_view shows it to the caller: a household the caller
    may not see is null and named in `hidden`; then recorded_by and note are null too."""

    id: int
    action: str
    action_name: str
    resource: int
    resource_name: str
    unit: str
    quantity: int
    amount: str
    provider_household: int | None = None
    provider_household_name: str | None = None
    provider_pool: int | None
    provider_pool_name: str | None
    receiver_household: int | None = None
    receiver_household_name: str | None = None
    receiver_pool: int | None
    receiver_pool_name: str | None
    hidden: list[str]
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: int | None = None
    recorded_by_name: str | None = None
    cause_type: str
    cause_id: int | None
    reverses: int | None
    reversed_by: int | None
    note: str | None = None
    correction: str | None = None  # a reversal as people read it: "Correction: … — <reason>"


class WarningOut(Schema):
    """Something unusual about a movement just recorded (ledger.plausibility): the page would
    have asked for a confirmation; the API records it and says so."""

    kind: str  # "larger_than_usual", "more_than_stock"
    message: str


class RecordedOut(EventOut):
    """The event recorded, as event_view shows it, and what was unusual about it."""

    warnings: list[WarningOut] = []


class EventPage(Schema):
    meta: PageMeta
    items: list[EventOut]


class EventFilters(MovementQuery):
    """The movements' filters (ledger.filters, as the pages'), and the page asked for."""

    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE)


def movement_schema(movement: Movement) -> type[Schema]:
    """The API's body for a movement, field for field as the page's form (ledger.forms)."""
    fields: dict = {party.name: (int, ...) for party in movement.parties}
    if movement.resource_kinds is not None:
        fields["resource"] = (int, ...)
    if movement.quantity:
        fields[movement.quantity] = (Amount, ...)
    fields["occurred_at"] = (Instant | None, None)
    fields[movement.text] = (Reason, ...) if movement.text_required else (Note, "")
    return create_model(movement.schema_name, __base__=Schema, **fields)


def pool_out(pool: Pool) -> PoolOut:
    return PoolOut(
        id=pool.id,
        name=pool.name,
        kind=pool.kind,
        description=pool.description,
        resources=sorted(r.id for r in pool.resources.all()),
        archived=pool.archived_at is not None,
        holdings=[
            HoldingOut(
                resource=h.resource_id,
                resource_name=h.resource.name,
                quantity=h.quantity,
                amount=format_quantity_plain(h.quantity, resource=h.resource),
            )
            for h in holdings_for_pool(pool=pool)
        ],
    )


def event_out(event: Event, *, actor, public: bool | None = None) -> EventOut:
    """The event as event_view shows it to this caller, and nothing else."""
    return EventOut(**event_view(actor=actor, obj=event, public=public, machine=True))


def _resource(community, pk: int) -> ResourceType:
    return in_community(ResourceType, community, pk, field="resource")


@router.get("/communities/{slug}/pools", response={200: list[PoolOut], **ERRORS})
def list_pools(request, slug: str):
    community, _m = caller(request, slug)
    return [pool_out(p) for p in community.pools.order_by("name")]


@router.get("/communities/{slug}/pools/{pool_id}", response={200: PoolOut, **ERRORS})
def get_pool(request, slug: str, pool_id: int):
    community, _m = caller(request, slug)
    return pool_out(get_in_community(Pool.objects, community, pool_id))


class CoverMonthOut(Schema):
    month: date = Field(description="the month's first day, on the community's clock")
    inflow: int
    outflow: int
    corrected: int = Field(description="reversals that month, signed")
    stock: int = Field(description="at the month's end")


class CoverResourceOut(Schema):
    resource: int
    resource_name: str
    stock: int = Field(description="now, in the resource's smallest unit")
    amount: str
    distributed: int = Field(description="handed out over the last recent_weeks weeks")
    recent_weeks: int
    weeks_at_rate: int | None = Field(description="whole weeks at the recent rate; null: none")
    ration: str | None = Field(
        description="the bylaws' standard ration a person a week, in the unit"
    )
    people: int
    weeks_at_ration: int | None = Field(description="whole weeks at the standard ration")
    weeks: int | None = Field(description="the shorter of the two")
    threshold: int = Field(description="the bylaws' cover_attention_weeks")
    low: bool = Field(description="weeks under the threshold: it needs attention")
    months: list[CoverMonthOut]


class CoverOut(Schema):
    pool: int
    resources: list[CoverResourceOut]


def cover_out(cover: Cover) -> CoverResourceOut:
    return CoverResourceOut(
        resource=cover.resource.id,
        resource_name=cover.resource.name,
        stock=cover.stock,
        amount=format_quantity_plain(cover.stock, resource=cover.resource),
        distributed=cover.distributed,
        recent_weeks=cover.recent_weeks,
        weeks_at_rate=cover.weeks_at_rate,
        ration=None if cover.ration is None else str(cover.ration),
        people=cover.people,
        weeks_at_ration=cover.weeks_at_ration,
        weeks=cover.weeks,
        threshold=cover.threshold,
        low=cover.low,
        months=[CoverMonthOut(**vars(m)) for m in cover.months],
    )


@router.get("/communities/{slug}/pools/{pool_id}/cover", response={200: CoverOut, **ERRORS})
def get_pool_cover(request, slug: str, pool_id: int):
    """How long the store's stock of each consumable lasts, at the recent rate of distributions
    and at the bylaws' standard ration, and its stock month by month: the figures of the store's
    page (ledger.cover). Every member."""
    community, _m = caller(request, slug)
    pool = get_in_community(Pool.objects.select_related("community"), community, pool_id)
    return CoverOut(pool=pool.id, resources=[cover_out(c) for c in store_cover(pool=pool)])


def _kept(community, ids: list[int]) -> list[ResourceType]:
    return [in_community(ResourceType, community, pk, field="resources") for pk in ids]


POOL_WRITTEN = {200: PoolOut, 403: Error, 409: Error, **ERRORS}


@router.post("/communities/{slug}/pools", response={201: PoolOut, 403: Error, 409: Error, **ERRORS})
def create_pool(request, slug: str, body: PoolIn, idempotency_key: str | None = IdempotencyKey):
    """A coordinator adds a store, keeping the resources listed and nothing else. A retry with
    the same Idempotency-Key and body answers the store the first made; another body is 409."""
    community, membership = caller(request, slug)
    policy.require(membership, "pool.create", community)
    pool = pool_create(
        actor=membership,
        community=community,
        name=body.name,
        kind=body.kind,
        description=body.description,
        resources=_kept(community, body.resources),
        idempotency_key=idempotency_key,
    )
    return Status(201, pool_out(pool))


@router.patch("/communities/{slug}/pools/{pool_id}", response=POOL_WRITTEN)
def edit_pool(request, slug: str, pool_id: int, body: PoolEditIn):
    """Rename, describe, change the kind or what the store keeps (coordinators); 409 for an
    archived store, a name taken or a resource it still holds dropped from its list."""
    community, membership = caller(request, slug)
    pool = get_in_community(Pool.objects, community, pool_id)
    policy.require(membership, "pool.update", pool)
    changes = body.dict(exclude_unset=True)
    if changes.get("resources") is not None:
        changes["resources"] = _kept(community, changes["resources"])
    pool = pool_update(
        actor=membership, pool=pool, **{k: v for k, v in changes.items() if v is not None}
    )
    return pool_out(pool)


@router.post("/communities/{slug}/pools/{pool_id}/archive", response=POOL_WRITTEN)
def archive_pool(request, slug: str, pool_id: int):
    """Archive an empty store (coordinators): its history stays, it takes no movement; 409
    while it holds stock."""
    community, membership = caller(request, slug)
    pool = get_in_community(Pool.objects, community, pool_id)
    return pool_out(pool_archive(actor=membership, pool=pool))


@router.get("/communities/{slug}/events", response={200: EventPage, **ERRORS})
def list_events(request, slug: str, filters: Query[EventFilters]):
    """The community's movements, newest first, filtered as the pages filter them
    (ledger.filters). Each as event_view shows it to the caller; a household or words of a note
    match only where the caller sees that household named or reads that note, so a filtered
    count tells nobody who received what. An unknown id is refused naming its field (422)."""
    community, membership = caller(request, slug)
    query = filters.model_dump(exclude={"page", "per_page"})
    criteria = movement_criteria(actor=membership, community=community, **query)
    events = movements_listed(actor=membership, community=community, criteria=criteria)
    page = movements_page(events, filters.page, per_page=filters.per_page)
    public = receivers_public(actor=membership, community=community)
    items = [event_out(e, actor=membership, public=public) for e in page.object_list]
    meta = PageMeta(
        count=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
        per_page=filters.per_page,
    )
    return EventPage(meta=meta, items=items)


@router.get("/communities/{slug}/events/{event_id}", response={200: EventOut, **ERRORS})
def get_event(request, slug: str, event_id: int):
    community, membership = caller(request, slug)
    event = get_in_community(
        Event.objects.select_related(
            "resource",
            "provider_household",
            "provider_pool",
            "receiver_household",
            "receiver_pool",
            "recorded_by__user",
            "reverses",
            "reversed_by",
        ),
        community,
        event_id,
    )
    return event_out(event, actor=membership)


RECORDED = {201: RecordedOut, 403: Error, 409: Error, **ERRORS}


def recorded_out(event: Event, *, actor, doubts) -> RecordedOut:
    """The recorded event with the plausibility doubts its amount raised (ledger.plausibility)."""
    warnings = [WarningOut(kind=d.kind, message=d.message) for d in doubts]
    return RecordedOut(**event_view(actor=actor, obj=event, machine=True), warnings=warnings)


def movement_bind(movement: Movement, community, body: Schema) -> dict:
    """The body's ids found in the caller's community and its quantity read in the resource's
    unit: the inputs ledger.inputs.movement_record takes, as the page's form gives them."""
    values = {
        party.name: in_community(
            party.model, community, getattr(body, party.name), field=party.name
        )
        for party in movement.parties
    }
    if movement.resource_kinds is not None:
        values["resource"] = in_community(ResourceType, community, body.resource, field="resource")
    if movement.quantity:
        values[movement.quantity] = amount(
            getattr(body, movement.quantity),
            values["resource"],
            field=movement.quantity,
            signed=movement.signed,
        )
    values["occurred_at"] = body.occurred_at
    values[movement.text] = getattr(body, movement.text)
    return values


def _movement_route(movement: Movement, view_name: str) -> None:
    schema = movement_schema(movement)

    def post(request, slug: str, body: schema, idempotency_key: str | None = IdempotencyKey):
        community, actor = caller(request, slug)
        values = movement_bind(movement, community, body)
        doubts = movement_doubts(movement, values)  # before: the new entry is not "usual"
        event = movement_record(
            movement, actor=actor, values=values, idempotency_key=idempotency_key
        )
        return Status(201, recorded_out(event, actor=actor, doubts=doubts))

    post.__name__ = post.__qualname__ = view_name
    post.__doc__ = f"{movement.title}."
    router.post(f"/communities/{{slug}}/{movement.path}", response=RECORDED)(post)


class WaitingRecordOut(Schema):
    """A record waiting for confirmation (mutual checks), as ledger.presenters.waiting_record_view
    shows it: a plain member's contribution under the bylaws' members_contributions_wait."""

    id: int
    state: str
    state_name: str
    household: int
    household_name: str
    pool: int
    pool_name: str
    resource: int
    resource_name: str
    unit: str
    quantity: int
    amount: str
    occurred_at: datetime
    submitted_at: datetime
    submitted_by: int
    submitted_by_name: str
    note: str
    decided_at: datetime | None
    decided_by: int | None
    decline_reason: str
    event: int | None


def waiting_record_out(record: PendingContribution, *, actor) -> WaitingRecordOut:
    return WaitingRecordOut(**waiting_record_view(actor=actor, obj=record, machine=True))


CONTRIBUTION_IN = movement_schema(CONTRIBUTION)


@router.post(
    "/communities/{slug}/contributions",
    response={201: RecordedOut, 202: WaitingRecordOut, 403: Error, 409: Error, **ERRORS},
)
def post_contribution(
    request, slug: str, body: CONTRIBUTION_IN, idempotency_key: str | None = IdempotencyKey
):
    """Record a contribution. A plain member's waits for a coordinator's confirmation where the
    bylaws say so (members_contributions_wait): 202 with the waiting record, not yet an event."""
    community, actor = caller(request, slug)
    values = movement_bind(CONTRIBUTION, community, body)
    doubts = movement_doubts(CONTRIBUTION, values)
    recorded = contribution_record(actor=actor, values=values, idempotency_key=idempotency_key)
    if isinstance(recorded, PendingContribution):
        return Status(202, waiting_record_out(recorded, actor=actor))
    return Status(201, recorded_out(recorded, actor=actor, doubts=doubts))


class RecordDeclineIn(Schema):
    reason: Reason


@router.get(
    "/communities/{slug}/waiting-records",
    response={200: list[WaitingRecordOut], 403: Error, **ERRORS},
)
def list_waiting_records(request, slug: str):
    """The records waiting for a coordinator's confirmation, oldest first."""
    community, actor = caller(request, slug)
    policy.require(actor, "contribution.list_waiting", community)
    return [waiting_record_out(r, actor=actor) for r in records_waiting(community=community)]


def _waiting_record(community, actor, record_id: int) -> PendingContribution:
    record = get_in_community(PendingContribution.objects, community, record_id)
    policy.require(actor, "contribution.decide", record)
    return record


@router.post(
    "/communities/{slug}/waiting-records/{record_id}/confirm",
    response={201: EventOut, 403: Error, 409: Error, **ERRORS},
)
def confirm_waiting_record(
    request, slug: str, record_id: int, idempotency_key: str | None = IdempotencyKey
):
    """Confirm that a waiting record's goods arrived: the contribution is recorded (201)."""
    community, actor = caller(request, slug)
    record = _waiting_record(community, actor, record_id)
    event = contribution_confirm(actor=actor, record=record, idempotency_key=idempotency_key)
    return Status(201, event_out(event, actor=actor))


@router.post(
    "/communities/{slug}/waiting-records/{record_id}/decline",
    response={200: WaitingRecordOut, 403: Error, 409: Error, **ERRORS},
)
def decline_waiting_record(request, slug: str, record_id: int, body: RecordDeclineIn):
    """Decline a waiting record, with the reason its member is told; nothing is recorded."""
    community, actor = caller(request, slug)
    record = _waiting_record(community, actor, record_id)
    record = contribution_decline(actor=actor, record=record, reason=body.reason)
    return waiting_record_out(record, actor=actor)


for _movement, _view in [
    (DISTRIBUTION, "post_distribution"),
    (TRANSFER, "post_transfer"),
    (WORK, "post_work"),
    (ADJUSTMENT, "post_adjustment"),
    (REVERSAL, "post_reversal"),
]:
    _movement_route(_movement, _view)
