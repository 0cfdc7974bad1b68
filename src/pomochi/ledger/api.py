"""Pools, holdings and the ledger over HTTP. Recording calls the same services as the web."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status

from pomochi.api.common import (
    ERRORS,
    Amount,
    Error,
    FieldError,
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
from pomochi.communities.models import Household, ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.errors import NotAllowed
from pomochi.ledger import services
from pomochi.ledger.models import Action, Event, Pool
from pomochi.ledger.selectors import (
    events_filtered,
    hidden_households,
    holdings_for_pool,
    receivers_public,
)

router = Router(tags=["ledger"])

IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=200)
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
    holdings: list[HoldingOut]


class EventOut(Schema):
    id: int
    action: str
    resource: int
    quantity: int
    amount: str
    provider_household: int | None
    provider_pool: int | None
    receiver_household: int | None
    receiver_pool: int | None
    hidden: list[str]
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: int | None
    cause_type: str
    cause_id: int | None
    reverses: int | None
    note: str


class EventPage(Schema):
    meta: PageMeta
    items: list[EventOut]


class EventFilters(Schema):
    resource: int | None = None
    action: Action | None = None
    pool: int | None = None
    household: int | None = None
    since: Instant | None = None
    until: Instant | None = None
    page: int = 1
    per_page: int = 50


class MovementIn(Schema):
    """What every recorded movement carries; each kind adds who gives and who receives."""

    resource: int
    quantity: Amount
    occurred_at: Instant | None = None
    note: Note = ""


class ContributionIn(MovementIn):
    household: int
    pool: int


class DistributionIn(MovementIn):
    pool: int
    household: int


class TransferIn(MovementIn):
    from_household: int
    to_household: int


class WorkIn(MovementIn):
    worker: int
    beneficiary: int


class AdjustmentIn(Schema):
    pool: int
    resource: int
    change: Amount
    reason: Reason
    occurred_at: Instant | None = None


class ReversalIn(Schema):
    event: int
    reason: Reason


def pool_out(pool: Pool) -> PoolOut:
    return PoolOut(
        id=pool.id,
        name=pool.name,
        kind=pool.kind,
        holdings=[
            HoldingOut(
                resource=h.resource_id,
                resource_name=h.resource.name,
                quantity=h.quantity,
                amount=format_quantity(h.quantity, resource=h.resource),
            )
            for h in holdings_for_pool(pool=pool)
        ],
    )


def event_out(event: Event, *, hidden: set[str] = frozenset()) -> EventOut:
    return EventOut(
        id=event.id,
        action=event.action,
        resource=event.resource_id,
        quantity=event.quantity,
        amount=format_quantity(event.quantity, resource=event.resource),
        provider_household=None if "provider_household" in hidden else event.provider_household_id,
        provider_pool=event.provider_pool_id,
        receiver_household=None if "receiver_household" in hidden else event.receiver_household_id,
        receiver_pool=event.receiver_pool_id,
        hidden=sorted(hidden),
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        recorded_by=None if hidden else event.recorded_by_id,
        cause_type=event.cause_type,
        cause_id=event.cause_id,
        reverses=event.reverses_id,
        note="" if hidden else event.note,
    )


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


@router.get("/communities/{slug}/events", response={200: EventPage, **ERRORS})
def list_events(request, slug: str, filters: Query[EventFilters]):
    community, membership = caller(request, slug)
    if not 1 <= filters.per_page <= 200:
        raise FieldError("per_page", _("Ask for between 1 and 200 events a page."))
    if filters.page < 1:
        raise FieldError("page", _("Pages are numbered from 1."))
    if filters.household is not None:
        # Listing a household's events shows what it received: the same rule as its page.
        household = in_community(Household, community, filters.household, field="household")
        if not policy.can(membership, "household.view_private", household):
            raise NotAllowed(
                _(
                    "Only the household itself, coordinators and the committee "
                    "see a household's history."
                )
            )
    # Objects named in a filter must be this community's: unknown or foreign ids are refused.
    resource = in_community(ResourceType, community, filters.resource, field="resource")
    pool = in_community(Pool, community, filters.pool, field="pool")
    page = events_filtered(
        community=community,
        resource=resource,
        action=filters.action,
        pool=pool,
        household=filters.household,
        since=filters.since,
        until=filters.until,
        page=filters.page,
        per_page=filters.per_page,
    )
    public = receivers_public(community=community)
    items = [
        event_out(e, hidden=hidden_households(actor=membership, event=e, public=public))
        for e in page.object_list
    ]
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
    event = get_in_community(Event.objects.select_related("resource"), community, event_id)
    public = receivers_public(community=community)
    return event_out(event, hidden=hidden_households(actor=membership, event=event, public=public))


RECORDED = {201: EventOut, 403: Error, 409: Error, **ERRORS}


@router.post("/communities/{slug}/contributions", response=RECORDED)
def post_contribution(
    request, slug: str, body: ContributionIn, idempotency_key: str | None = IdempotencyKey
):
    community, actor = caller(request, slug)
    resource = _resource(community, body.resource)
    event = services.event_contribute(
        actor=actor,
        household=in_community(Household, community, body.household, field="household"),
        pool=in_community(Pool, community, body.pool, field="pool"),
        resource=resource,
        quantity=amount(body.quantity, resource),
        occurred_at=body.occurred_at,
        note=body.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, event_out(event))


@router.post("/communities/{slug}/distributions", response=RECORDED)
def post_distribution(
    request, slug: str, body: DistributionIn, idempotency_key: str | None = IdempotencyKey
):
    community, actor = caller(request, slug)
    resource = _resource(community, body.resource)
    event = services.event_distribute(
        actor=actor,
        pool=in_community(Pool, community, body.pool, field="pool"),
        household=in_community(Household, community, body.household, field="household"),
        resource=resource,
        quantity=amount(body.quantity, resource),
        occurred_at=body.occurred_at,
        note=body.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, event_out(event))


@router.post("/communities/{slug}/transfers", response=RECORDED)
def post_transfer(
    request, slug: str, body: TransferIn, idempotency_key: str | None = IdempotencyKey
):
    community, actor = caller(request, slug)
    resource = _resource(community, body.resource)
    event = services.event_transfer(
        actor=actor,
        from_household=in_community(
            Household, community, body.from_household, field="from_household"
        ),
        to_household=in_community(Household, community, body.to_household, field="to_household"),
        resource=resource,
        quantity=amount(body.quantity, resource),
        occurred_at=body.occurred_at,
        note=body.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, event_out(event))


@router.post("/communities/{slug}/work", response=RECORDED)
def post_work(request, slug: str, body: WorkIn, idempotency_key: str | None = IdempotencyKey):
    community, actor = caller(request, slug)
    resource = _resource(community, body.resource)
    event = services.event_work(
        actor=actor,
        worker=in_community(Household, community, body.worker, field="worker"),
        beneficiary=in_community(Household, community, body.beneficiary, field="beneficiary"),
        resource=resource,
        quantity=amount(body.quantity, resource),
        occurred_at=body.occurred_at,
        note=body.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, event_out(event))


@router.post("/communities/{slug}/adjustments", response=RECORDED)
def post_adjustment(
    request, slug: str, body: AdjustmentIn, idempotency_key: str | None = IdempotencyKey
):
    community, actor = caller(request, slug)
    resource = _resource(community, body.resource)
    event = services.event_adjust(
        actor=actor,
        pool=in_community(Pool, community, body.pool, field="pool"),
        resource=resource,
        change=amount(body.change, resource, field="change", signed=True),
        reason=body.reason,
        occurred_at=body.occurred_at,
        idempotency_key=idempotency_key,
    )
    return Status(201, event_out(event))


@router.post("/communities/{slug}/reversals", response=RECORDED)
def post_reversal(
    request, slug: str, body: ReversalIn, idempotency_key: str | None = IdempotencyKey
):
    community, actor = caller(request, slug)
    original = in_community(Event, community, body.event, field="event")
    event = services.event_reverse(
        actor=actor, event=original, reason=body.reason, idempotency_key=idempotency_key
    )
    return Status(201, event_out(event))
