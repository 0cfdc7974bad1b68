"""A store's stock over time and its cover: how many weeks what it holds lasts.

Two answers, each from its own figures, so a page can say both ("at the recent rate the grain
lasts 9 weeks; at the standard ration of 2 kg a person a week, 4 weeks"):

- at the recent rate: what the store handed out (distributions not reversed) over the last
  RECENT_WEEKS weeks, per week;
- at the standard ration: the bylaws' ration per person per week (`standard_rations`) times
  the people in all the community's households, as if this store alone fed them all (the
  cautious reading: a community with two granaries sees each one's own cover).

Whole weeks, rounded down: a store that lasts 3.9 weeks does not last 4. The stock month by
month is summed from the events on the community's clock (`Community.zone`), so its last month
is the holding (conservation). A fixed number of queries however many events there are.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pomochi.communities.bylaws import standard_ration
from pomochi.communities.models import Community, ResourceKind, ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.communities.selectors import households_of, rules_current
from pomochi.ledger.models import Action, Event, Holding, Pool

RECENT_WEEKS = 12  # the window of "the recent rate of distributions"
MONTHS_SHOWN = 24  # a store's page draws the last two years


@dataclass(frozen=True)
class MonthFlow:
    """One month of a store's resource, in its smallest unit."""

    month: date  # its first day, on the community's clock
    inflow: int  # into the store (contributions, transfers, adjustments up)
    outflow: int  # out of it (distributions, loans, adjustments down)
    corrected: int  # reversals that month, signed: + back into the store, − out of it
    stock: int  # at the month's end


@dataclass(frozen=True)
class Cover:
    """How long one store's stock of one resource lasts."""

    pool_id: int
    pool_name: str
    resource: ResourceType
    stock: int  # now, smallest unit
    distributed: int  # handed out over the last `recent_weeks` weeks, not reversed
    recent_weeks: int
    weeks_at_rate: int | None  # None: nothing handed out lately
    ration: Decimal | None  # the bylaws' per person per week, in the resource's unit
    people: int  # in the community's households
    weeks_at_ration: int | None  # None: no standard ration, or nobody to feed
    threshold: int  # the bylaws' cover_attention_weeks
    months: tuple[MonthFlow, ...] = field(default=())

    @property
    def weeks(self) -> int | None:
        """The shorter of the two covers known: what "needs attention" judges by."""
        known = [w for w in (self.weeks_at_rate, self.weeks_at_ration) if w is not None]
        return min(known) if known else None

    @property
    def low(self) -> bool:
        return self.weeks is not None and self.weeks < self.threshold


def store_cover(
    *, pool: Pool, now: datetime | None = None, months: int = MONTHS_SHOWN
) -> list[Cover]:
    """Each consumable the store holds, by name: its cover and its last `months` months (stock
    at each month's end, in and out). Five queries."""
    community = pool.community
    now = now or timezone.now()
    holdings = list(
        Holding.objects.filter(pool=pool, resource__kind=ResourceKind.CONSUMABLE)
        .select_related("resource")
        .order_by("resource__name")
    )
    flows = _monthly_flows(pool=pool, zone=community.zone)
    distributed = _distributed(community=community, pool=pool, now=now)
    rules, people = _rules_and_people(community)
    today = timezone.localdate(now, timezone=community.zone)
    return [
        _cover(
            holding,
            pool=pool,
            distributed=distributed.get((pool.id, holding.resource_id), 0),
            rules=rules,
            people=people,
            months=_months(flows.get(holding.resource_id, {}), today=today, shown=months),
        )
        for holding in holdings
    ]


def community_covers(*, community: Community, now: datetime | None = None) -> list[Cover]:
    """Every store's cover of every consumable it holds, by store then resource name, without
    the months (the home page's lines, "needs attention"). Four queries."""
    now = now or timezone.now()
    holdings = (
        Holding.objects.filter(
            pool__community=community,
            pool__archived_at__isnull=True,
            resource__kind=ResourceKind.CONSUMABLE,
        )
        .select_related("pool", "resource")
        .order_by("pool__name", "resource__name")
    )
    distributed = _distributed(community=community, pool=None, now=now)
    rules, people = _rules_and_people(community)
    return [
        _cover(
            h,
            pool=h.pool,
            distributed=distributed.get((h.pool_id, h.resource_id), 0),
            rules=rules,
            people=people,
        )
        for h in holdings
    ]


def covers_by_pool(*, community: Community, now: datetime | None = None) -> dict[int, list[Cover]]:
    """community_covers, by store id (the home page's cards)."""
    by_pool: dict[int, list[Cover]] = {}
    for cover in community_covers(community=community, now=now):
        by_pool.setdefault(cover.pool_id, []).append(cover)
    return by_pool


def _cover(holding: Holding, *, pool, distributed: int, rules: dict, people: int, months=()):
    resource = holding.resource
    stock = holding.quantity
    ration = standard_ration(rules, resource.name)
    weeks_at_ration = None
    if ration is not None and people:
        weekly = ration * 10**resource.decimal_places * people  # smallest unit, exact
        if weekly > 0:
            weeks_at_ration = int(Decimal(stock) // weekly)
    return Cover(
        pool_id=pool.id,
        pool_name=pool.name,
        resource=resource,
        stock=stock,
        distributed=distributed,
        recent_weeks=RECENT_WEEKS,
        weeks_at_rate=stock * RECENT_WEEKS // distributed if distributed else None,
        ration=ration,
        people=people,
        weeks_at_ration=weeks_at_ration,
        threshold=rules["cover_attention_weeks"],
        months=tuple(months),
    )


def _rules_and_people(community: Community) -> tuple[dict, int]:
    rules = rules_current(community_id=community.id)
    people = households_of(community=community).aggregate(n=Sum("size"))["n"] or 0
    return rules, people


def _distributed(
    *, community: Community, pool: Pool | None, now: datetime
) -> dict[tuple[int, int], int]:
    """(pool id, resource id) → handed out over the last RECENT_WEEKS weeks; a distribution
    reversed since did not happen."""
    events = Event.objects.filter(
        community=community,
        action=Action.DISTRIBUTE,
        provider_pool__isnull=False,
        occurred_at__gte=now - timedelta(weeks=RECENT_WEEKS),
        occurred_at__lte=now,
        reversed_by__isnull=True,
    )
    if pool is not None:
        events = events.filter(provider_pool=pool)
    rows = events.values("provider_pool_id", "resource_id").annotate(total=Sum("quantity"))
    return {(r["provider_pool_id"], r["resource_id"]): r["total"] for r in rows}


def _monthly_flows(*, pool: Pool, zone) -> dict[int, dict[date, list[int]]]:
    """resource id → month → [in, out, corrected], from every event of the store: one query."""
    rows = (
        Event.objects.filter(
            Q(receiver_pool=pool) | Q(provider_pool=pool), community=pool.community
        )
        .annotate(
            month=TruncMonth("occurred_at", tzinfo=zone),
            into=Case(
                When(receiver_pool=pool, then=Value(1)),
                default=Value(-1),
                output_field=IntegerField(),
            ),
        )
        .values("resource_id", "month", "action", "into")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    flows: dict[int, dict[date, list[int]]] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = (
                timezone.localtime(month, zone).date() if timezone.is_aware(month) else month.date()
            )
        cell = flows.setdefault(row["resource_id"], {}).setdefault(month, [0, 0, 0])
        if row["action"] == Action.REVERSE:
            cell[2] += row["into"] * row["total"]
        elif row["into"] > 0:
            cell[0] += row["total"]
        else:
            cell[1] += row["total"]
    return flows


def _months(flows: dict[date, list[int]], *, today: date, shown: int) -> list[MonthFlow]:
    """Month by month from the first event's to today's (empty months too), the stock carried
    from the start; the last `shown` of them."""
    if not flows:
        return []
    month = min(flows)
    last = max(today.replace(day=1), max(flows))
    stock, out = 0, []
    while month <= last:
        inflow, outflow, corrected = flows.get(month, (0, 0, 0))
        stock += inflow - outflow + corrected
        out.append(MonthFlow(month, inflow, outflow, corrected, stock))
        month = (month + timedelta(days=32)).replace(day=1)
    return out[-shown:]


def ration_text(ration: Decimal, resource: ResourceType, *, fmt=format_quantity) -> str:
    """A ration in the resource's unit, to as many places as it is written with (a quarter of
    a parcel a person is "0.25 parcel", though parcels are counted whole)."""
    written = max(-ration.normalize().as_tuple().exponent, 0)
    places = max(resource.decimal_places, written)
    return fmt(int(ration * 10**places), decimal_places=places, unit=resource.unit)
