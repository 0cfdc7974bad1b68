"""Reads of the ledger: stock, movements and per-household totals, always scoped by community."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum

from pomochi.communities.models import Community, Household, ResourceType
from pomochi.ledger.models import Event, Holding, Pool


def holdings_for_pool(*, pool: Pool) -> QuerySet[Holding]:
    return pool.holdings.select_related("resource").order_by("resource__name")


def pools_with_stock(*, community: Community) -> list[tuple[Pool, list[Holding]]]:
    """Every pool of the community with its holdings, in two queries."""
    pools = list(community.pools.order_by("name"))
    by_pool: dict[int, list[Holding]] = {pool.id: [] for pool in pools}
    holdings = (
        Holding.objects.filter(pool__community=community)
        .select_related("resource")
        .order_by("resource__name")
    )
    for holding in holdings:
        by_pool[holding.pool_id].append(holding)
    return [(pool, by_pool[pool.id]) for pool in pools]


def _events(
    community: Community,
    *,
    resource: ResourceType | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
) -> QuerySet[Event]:
    events = Event.objects.filter(community=community).select_related(
        "resource",
        "provider_household",
        "provider_pool",
        "receiver_household",
        "receiver_pool",
        "reversed_by",
    )
    if resource is not None:
        events = events.filter(resource=resource)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    return events.order_by("-occurred_at", "-id")


def pool_movements(
    *,
    pool: Pool,
    resource: ResourceType | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    events = _events(pool.community, resource=resource, action=action, since=since, until=until)
    events = events.filter(Q(provider_pool=pool) | Q(receiver_pool=pool))
    return Paginator(events, per_page).get_page(page)


def household_movements(
    *,
    household: Household,
    resource: ResourceType | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    events = _events(
        household.community, resource=resource, action=action, since=since, until=until
    )
    events = events.filter(Q(provider_household=household) | Q(receiver_household=household))
    return Paginator(events, per_page).get_page(page)


@dataclass(frozen=True)
class HouseholdTotal:
    resource: ResourceType
    given: int
    received: int


def household_totals(*, household: Household) -> list[HouseholdTotal]:
    """What a household gave and received of each resource, net of reversals.

    A reversal runs the other way, so reversing a gift the household gave shows up with the
    household as receiver: it is subtracted from "given", not added to "received".
    """
    originals = Event.objects.exclude(action="reverse")
    reversals = Event.objects.filter(action="reverse")
    given = _sum_by_resource(originals.filter(provider_household=household))
    received = _sum_by_resource(originals.filter(receiver_household=household))
    given_undone = _sum_by_resource(reversals.filter(receiver_household=household))
    received_undone = _sum_by_resource(reversals.filter(provider_household=household))
    ids = set(given) | set(received)
    resources = ResourceType.objects.in_bulk(ids)
    return [
        HouseholdTotal(
            resource=resources[rid],
            given=given.get(rid, 0) - given_undone.get(rid, 0),
            received=received.get(rid, 0) - received_undone.get(rid, 0),
        )
        for rid in sorted(ids, key=lambda i: resources[i].name)
    ]


def _sum_by_resource(events: QuerySet[Event]) -> dict[int, int]:
    rows = events.values("resource").annotate(total=Sum("quantity"))
    return {row["resource"]: row["total"] for row in rows}
