"""Reads of the ledger: stock, movements and per-household totals, always scoped by community."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum

from pomochi.communities.models import Community, Household, Membership, ResourceType
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


def events_filtered(
    *,
    community: Community,
    resource: ResourceType | int | None = None,
    action: str | None = None,
    pool: Pool | int | None = None,
    household: Household | int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """A page of the community's events, newest first, filtered by any of the arguments."""
    events = Event.objects.filter(community=community).select_related(
        "resource", "reverses", "reversed_by"
    )
    if resource is not None:
        events = events.filter(resource=resource)
    if action:
        events = events.filter(action=action)
    if pool is not None:
        events = events.filter(Q(provider_pool=pool) | Q(receiver_pool=pool))
    if household is not None:
        events = events.filter(Q(provider_household=household) | Q(receiver_household=household))
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    events = events.select_related(
        "provider_household",
        "provider_pool",
        "receiver_household",
        "receiver_pool",
        "recorded_by__user",
    )
    return Paginator(events.order_by("-occurred_at", "-id"), per_page).get_page(page)


def pool_movements(*, pool: Pool, **filters) -> Page:
    return events_filtered(community=pool.community, pool=pool, **filters)


def household_movements(*, household: Household, **filters) -> Page:
    return events_filtered(community=household.community, household=household, **filters)


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


def receivers_public(*, actor: Membership, community: Community) -> bool:
    """Whether this member sees who received every movement (policy: ledger.view_receivers);
    asked once per page or export, not per event."""
    from pomochi.communities import policy

    return policy.can(actor, "ledger.view_receivers", community)


def hidden_households(*, actor, event: Event, public: bool) -> set[str]:
    """Which household fields of an event this member may not see.

    Who received aid is private (DESIGN: need is never exposed): to a plain member a receiving
    household that is not their own is just "a household". In a reversal both sides are
    hidden, since its giver is the original receiver. `public`: receivers_public's answer for
    this member (coordinators, the committee, or everyone if the bylaws say so).
    """
    from pomochi.communities import policy

    if public:
        return set()
    fields = ["receiver_household"]
    if event.action == "reverse":
        fields.append("provider_household")
    return {
        f
        for f in fields
        if getattr(event, f"{f}_id") is not None
        and getattr(event, f"{f}_id") != actor.household_id
        and not policy.can(actor, "household.view_private", getattr(event, f))
    }


def holdings_off_their_events(community_id: int) -> str | None:
    """Conservation: each holding equals Σ in − Σ out over its events. Names the first that
    does not (a holding edited behind the ledger's back), or returns None."""
    expected: dict[tuple[int, int], int] = {}
    events = Event.objects.filter(community_id=community_id)
    for side, sign in (("receiver_pool", 1), ("provider_pool", -1)):
        rows = (
            events.filter(**{f"{side}__isnull": False})
            .values(side, "resource")
            .annotate(total=Sum("quantity"))
        )
        for row in rows:
            key = (row[side], row["resource"])
            expected[key] = expected.get(key, 0) + sign * row["total"]
    holdings = Holding.objects.filter(pool__community_id=community_id).select_related(
        "pool", "resource"
    )
    for holding in holdings.order_by("pool_id", "resource_id"):
        derived = expected.pop((holding.pool_id, holding.resource_id), 0)
        if holding.quantity != derived:
            return (
                f"holding of {holding.resource.name} in {holding.pool.name} is "
                f"{holding.quantity}, but its events add up to {derived}"
            )
    for (pool_id, resource_id), derived in sorted(expected.items()):
        if derived != 0:
            return (
                f"pool {pool_id} has no holding of resource {resource_id}, "
                f"but its events add up to {derived}"
            )
    return None


def holding_quantity(*, pool: Pool, resource: ResourceType) -> int:
    """How much of `resource` the pool holds now, in the smallest unit (0 when none)."""
    holding = Holding.objects.filter(pool=pool, resource=resource).values("quantity").first()
    return holding["quantity"] if holding else 0
