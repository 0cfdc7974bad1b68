"""Reads of the ledger: stock, movements and per-household totals, always scoped by community."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from pomochi.communities.models import Community, Household, Membership, ResourceType
from pomochi.ledger import sql
from pomochi.ledger.filters import NO_MOVEMENT_CRITERIA, MovementCriteria
from pomochi.ledger.models import Action, Event, Holding, PendingContribution, Pool, WaitingState


def holdings_for_pool(*, pool: Pool) -> QuerySet[Holding]:
    return pool.holdings.select_related("resource").order_by("resource__name")


def pools_with_stock(*, community: Community) -> list[tuple[Pool, list[Holding]]]:
    """Every open pool of the community with its holdings, in two queries (an archived store
    holds nothing and is history: the stores page lists it apart)."""
    pools = list(community.pools.filter(archived_at__isnull=True).order_by("name"))
    by_pool: dict[int, list[Holding]] = {pool.id: [] for pool in pools}
    holdings = (
        Holding.objects.filter(pool__community=community)
        .select_related("resource")
        .order_by("resource__name")
    )
    for holding in holdings:
        if holding.pool_id in by_pool:
            by_pool[holding.pool_id].append(holding)
    return [(pool, by_pool[pool.id]) for pool in pools]


@dataclass(frozen=True)
class StoreRow:
    pool: Pool
    holdings: list[Holding]  # with stock only
    keeps: list[ResourceType]


def pools_listed(*, community: Community) -> list[StoreRow]:
    """Every store, archived ones too, with its stock and what it keeps, in three queries."""
    pools = list(community.pools.order_by("name").prefetch_related("resources"))
    stock: dict[int, list[Holding]] = {pool.id: [] for pool in pools}
    for holding in (
        Holding.objects.filter(pool__community=community, quantity__gt=0)
        .select_related("resource")
        .order_by("resource__name")
    ):
        stock[holding.pool_id].append(holding)
    return [
        StoreRow(
            pool=pool,
            holdings=stock[pool.id],
            keeps=sorted(pool.resources.all(), key=lambda r: r.name),
        )
        for pool in pools
    ]


@dataclass(frozen=True)
class ResourceRow:
    resource: ResourceType
    pools: list[Pool]  # the open stores that keep it


def resources_listed(*, community: Community) -> list[ResourceRow]:
    """Every resource type of the community with the open stores that keep it (two queries)."""
    resources = ResourceType.objects.filter(community=community).order_by("name")
    kept = Pool.resources.through.objects.filter(
        pool__community=community, pool__archived_at__isnull=True
    ).select_related("pool")
    by_resource: dict[int, list[Pool]] = {}
    for row in kept.order_by("pool__name"):
        by_resource.setdefault(row.resourcetype_id, []).append(row.pool)
    return [ResourceRow(resource=r, pools=by_resource.get(r.id, [])) for r in resources]


def movements_listed(
    *,
    actor: Membership,
    community: Community,
    criteria: MovementCriteria = NO_MOVEMENT_CRITERIA,
) -> QuerySet[Event]:
    """The community's movements, newest first, filtered by the criteria (ledger.filters) as
    far as this actor sees each movement (ledger.presenters.event_view): a household matches
    where the actor sees it named (`household_named_q`), words match only notes the actor reads
    (`nothing_hidden_q`). The pages, the API and the home page list through this alone.

    Queries: the community's household ids once if the actor does not see every receiver, the
    notes of the candidates once if words are sought; then the page's count and rows."""
    events = Event.objects.filter(community=community)
    if criteria.pool is not None:
        events = events.filter(Q(provider_pool=criteria.pool) | Q(receiver_pool=criteria.pool))
    if criteria.resource is not None:
        events = events.filter(resource=criteria.resource)
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.since is not None:
        events = events.filter(occurred_at__gte=criteria.since)
    if criteria.until is not None:
        events = events.filter(occurred_at__lt=criteria.until)
    if criteria.household is not None or criteria.note:
        seen = households_seen(actor=actor, community=community)
        if criteria.household is not None:
            events = events.filter(household_named_q(criteria.household, seen))
        if criteria.note:
            # Matched here, not with icontains: SQLite folds the case of ASCII letters only,
            # and a note is as often "Для бабушки" as "for the grandmother".
            words = criteria.note.casefold()
            readable = events.filter(nothing_hidden_q(seen)).exclude(note="")
            found = [
                pk for pk, note in readable.values_list("pk", "note") if words in note.casefold()
            ]
            events = events.filter(pk__in=sql.ids_subquery(found))
    return events.select_related(
        "resource",
        "reverses",
        "reversed_by",
        "provider_household",
        "provider_pool",
        "receiver_household",
        "receiver_pool",
        "recorded_by__user",
    ).order_by("-occurred_at", "-id")


def movements_page(events: QuerySet[Event], number, per_page: int = 50) -> Page:
    """One page of a list of movements (a number out of range gives the nearest page)."""
    return Paginator(events, per_page).get_page(number)


def households_seen(*, actor: Membership, community: Community) -> frozenset[int] | None:
    """The households of which this member sees every movement named, receipts too: None for
    all of them (`receivers_public`), else those of `household.view_private` and their own.
    The same rule as `hidden_households`, for a whole list at once (tested to agree)."""
    from pomochi.communities import policy

    if receivers_public(actor=actor, community=community):
        return None
    households = Household.objects.filter(community=community).only("id", "community_id")
    seen = {h.id for h in policy.allowed_among(actor, "household.view_private", households)}
    if actor.household_id is not None:
        seen.add(actor.household_id)
    return frozenset(seen)


def household_named_q(household: Household, seen: frozenset[int] | None) -> Q:
    """The events in which a member with these `households_seen` sees `household` named: on
    either side if they see its receipts, else only as a giver, and not of a reversal (whose
    giver is hidden, being the household that had received)."""
    if seen is None or household.id in seen:
        return Q(provider_household=household) | Q(receiver_household=household)
    return Q(provider_household=household) & ~Q(action=Action.REVERSE)


def nothing_hidden_q(seen: frozenset[int] | None) -> Q:
    """The events of which a member with these `households_seen` sees every household, and so
    the note and who recorded it (event_view): `hidden_households` empty, as one condition."""
    if seen is None:
        return Q()
    ids = sorted(seen)
    receiver_seen = Q(receiver_household__isnull=True) | Q(receiver_household__in=ids)
    giver_seen = (
        ~Q(action=Action.REVERSE)
        | Q(provider_household__isnull=True)
        | Q(provider_household__in=ids)
    )
    return receiver_seen & giver_seen


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


# Mutual checks: records waiting for confirmation (ledger.waiting)

# How long a declined record stays on its member's home, so they read why.
DECLINED_SHOWN_DAYS = 30


def contribution_waits(*, actor: Membership, household: Household) -> bool:
    """Whether this actor's contribution from this household is a record waiting for
    confirmation (contribution_submit) rather than a ledger event (event_contribute)."""
    from pomochi.communities import policy

    return policy.can(actor, "ledger.contribute.waits", actor.community) and policy.can(
        actor, "contribution.submit", household
    )


def records_waiting(*, community: Community) -> QuerySet[PendingContribution]:
    """The community's records waiting for confirmation, oldest first."""
    return (
        PendingContribution.objects.filter(community=community, state=WaitingState.WAITING)
        .select_related("household", "pool", "resource", "submitted_by__user")
        .order_by("submitted_at", "id")
    )


def records_decided(*, community: Community, limit: int = 20) -> list[PendingContribution]:
    """The community's records confirmed or declined in the last weeks, newest first: so a
    coordinator sees what another decided, and why."""
    recent = timezone.now() - timedelta(days=DECLINED_SHOWN_DAYS)
    rows = (
        PendingContribution.objects.filter(community=community, decided_at__gte=recent)
        .exclude(state=WaitingState.WAITING)
        .select_related("household", "pool", "resource", "submitted_by__user", "decided_by__user")
        .order_by("-decided_at", "-id")
    )
    return list(rows[:limit])


def records_of_household(
    *, community: Community, household_id: int, limit: int = 10
) -> list[PendingContribution]:
    """A household's records still waiting, and those declined in the last weeks (so the member
    sees why), newest first."""
    recent = timezone.now() - timedelta(days=DECLINED_SHOWN_DAYS)
    rows = (
        PendingContribution.objects.filter(community=community, household_id=household_id)
        .exclude(state=WaitingState.CONFIRMED)
        .exclude(state=WaitingState.DECLINED, decided_at__lt=recent)
        .select_related("household", "pool", "resource", "submitted_by__user")
        .order_by("-submitted_at", "-id")
    )
    return list(rows[:limit])
