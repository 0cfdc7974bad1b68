"""A drill's reads: a community's households, stores, recent flows and rule, as arrays.

Five queries whatever the size of the community; every one scoped by it; nothing written.
"""

from datetime import date, timedelta

import numpy as np
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.communities.bylaws import standard_ration
from pomochi.communities.models import Community, ResourceKind, ResourceType
from pomochi.communities.selectors import households_of, rules_current
from pomochi.drills.inputs import CommunityDrillInput, Unit
from pomochi.ledger.models import Action, Event, Holding
from pomochi.sim.drill import DrillError, Resource

VULNERABILITY = ("has_children", "has_elderly", "has_ill_or_disabled")


def drill_resources(*, community: Community) -> QuerySet[ResourceType]:
    """What a drill counts: consumable stock. Durable items are lent and come back, and labour
    is a flow, never stock: neither is used up week by week."""
    return ResourceType.objects.filter(community=community, kind=ResourceKind.CONSUMABLE).order_by(
        "name"
    )


def drill_input(
    *,
    community: Community,
    rations: dict[str, int] | None = None,
    weeks_of_history: int = 8,
    today: date | None = None,
) -> CommunityDrillInput:
    """The community as a drill sees it, today.

    rations: per person per week, in the smallest unit, by resource name; a resource not named
    takes the bylaws' standard ration (`standard_rations`), and one the bylaws set none for is
    left out and named in `rations_missing`: the drill asks for a ration rather than guess one
    (the recent rate of distributions is what a store handed out, not what people eat, and a
    quiet month read as "the stores cover everyone for the whole year"). The weekly inflow is
    the contributions over the last `weeks_of_history` weeks ÷ weeks. A vulnerable household
    (children, elderly, ill or disabled) is a tier up, as in an allocation round, so
    priority_tiers serves it first. A resource with nothing in store and a ration of nothing is
    left out. Raises DrillError naming a ration of no such resource.
    """
    if weeks_of_history < 1:
        raise DrillError(
            _("weeks of history: must be at least 1, not %(n)d") % {"n": weeks_of_history}
        )
    rations = dict(rations or {})
    households = list(
        households_of(community=community).values_list("id", "name", "size", *VULNERABILITY)
    )
    resources = list(
        drill_resources(community=community).values_list("id", "name", "unit", "decimal_places")
    )
    unknown = sorted(set(rations) - {name for _id, name, _u, _p in resources})
    if unknown:
        raise DrillError(
            _("rations: %(community)s keeps no consumable stock called %(names)s")
            % {"community": community.name, "names": ", ".join(unknown)}
        )
    rules = rules_current(community_id=community.id)
    stock = _stock_by_resource(community)
    contributed = _recent_contributions(community, weeks=weeks_of_history, today=today)

    drilled, from_bylaws, missing = [], set(), []
    for resource_id, name, _unit, places in resources:
        ration = rations.get(name)
        if ration is None:
            standard = standard_ration(rules, name)
            if standard is None:
                missing.append(name)
                continue
            # in the smallest unit; a fraction of it is kept (see sim.drill.Resource)
            ration = float(standard * 10**places)
            from_bylaws.add(name)
        in_store = stock.get(resource_id, 0)
        if in_store == 0 and ration == 0:
            continue
        inflow = _per(contributed.get(resource_id, 0), weeks_of_history)
        drilled.append(Resource(name=name, stock=in_store, ration=ration, inflow=inflow))

    return CommunityDrillInput(
        household_ids=np.array([h[0] for h in households], dtype=np.int64),
        sizes=np.array([h[2] for h in households], dtype=np.int64),
        # As an allocation round ranks them (aid.rounds.priority_of): one step up for a
        # vulnerable household, whichever flags it has. A drill has no urgencies to add.
        priorities=np.array([int(any(h[3:])) for h in households], dtype=np.int64),
        resources=drilled,
        rule=rules["allocation_rule"],
        household_names={h[0]: h[1] for h in households},
        units={
            name: Unit(unit=unit, decimal_places=places) for _id, name, unit, places in resources
        },
        rations_given=frozenset(rations),
        rations_from_bylaws=frozenset(from_bylaws),
        rations_missing=tuple(missing),
        weeks_of_history=weeks_of_history,
    )


def _stock_by_resource(community: Community) -> dict[int, int]:
    """Everything each resource holds across the community's pools."""
    rows = (
        Holding.objects.filter(pool__community=community, resource__kind=ResourceKind.CONSUMABLE)
        .values("resource_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["resource_id"]: row["total"] for row in rows}


def _recent_contributions(
    community: Community, *, weeks: int, today: date | None
) -> dict[int, int]:
    """Contributed by resource over the `weeks` weeks that end with today.

    A movement reversed by then did not happen: it is left out, and so is its reversal (which
    is an event of its own action, "reverse").
    """
    today = today or timezone.localdate(timezone=community.zone)
    end = community.day_start(today + timedelta(days=1))
    start = end - timedelta(weeks=weeks)
    rows = (
        Event.objects.filter(
            community=community,
            action=Action.CONTRIBUTE,
            resource__kind=ResourceKind.CONSUMABLE,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .exclude(reversed_by__occurred_at__lt=end)
        .values("resource_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["resource_id"]: row["total"] for row in rows}


def _per(total: int, divisor: int) -> int:
    """total ÷ divisor to the nearest whole smallest unit, halves up; 0 if nothing to divide by."""
    if divisor <= 0:
        return 0
    return (2 * total + divisor) // (2 * divisor)
