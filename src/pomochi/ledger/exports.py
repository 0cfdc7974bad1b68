"""The community's record, out: rows for spreadsheets and a ValueFlows-style JSON-LD document.

An export is always taken from someone's point of view, and shows no more than the pages show
that person: every event and household is written from its presenter (`ledger.presenters.
event_view`, `communities.presenters.household_view`), as the pages and the API are. Without a
named member, the view is a plain member's with no household of their own.
"""

from datetime import UTC, datetime

from pomochi.communities.models import Community, Membership, ResourceType
from pomochi.communities.presenters import household_view
from pomochi.communities.quantities import format_quantity_plain
from pomochi.ledger.models import Action, Event, Holding, Pool
from pomochi.ledger.presenters import event_view
from pomochi.ledger.selectors import receivers_public

EVENT_COLUMNS = [
    "id",
    "occurred_at",
    "action",
    "resource",
    "unit",
    "quantity",
    "amount",
    "provider_pool",
    "provider_household",
    "receiver_pool",
    "receiver_household",
    "hidden",
    "reverses",
    "reversed_by",
    "cause_type",
    "cause_id",
    "note",
    "recorded_by",
    "recorded_at",
]
HOLDING_COLUMNS = ["pool", "pool_kind", "resource", "unit", "quantity", "amount"]
# The same columns the household import reads, so a full export can be imported elsewhere.
HOUSEHOLD_COLUMNS = ["name", "size", "children", "elderly", "ill_or_disabled"]


def public_viewer(*, community: Community) -> Membership:
    """A plain member with no household: sees what every member sees, and nothing private.

    Never saved; the policy and the presenters need only its roles, household and community.
    """
    return Membership(community=community, is_coordinator=False, is_committee=False, household=None)


def amount(quantity: int, resource: ResourceType) -> str:
    """The quantity in the resource's unit, as a plain number whatever the reader's language
    (a spreadsheet or a program reads it): 12500 grams → "12.5", never "12,5"."""
    return format_quantity_plain(quantity, decimal_places=resource.decimal_places, unit="")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _events(community: Community):
    return (
        Event.objects.filter(community=community)
        .select_related(
            "resource",
            "provider_household",
            "provider_pool",
            "receiver_household",
            "receiver_pool",
            "recorded_by__user",
            "reverses",
            "reversed_by",
        )
        .order_by("occurred_at", "id")
    )


def _seen(community: Community, viewer: Membership):
    """Each event with what the viewer sees of it (event_view)."""
    public = receivers_public(actor=viewer, community=community)
    for event in _events(community):
        yield event, event_view(actor=viewer, obj=event, public=public, machine=True)


def _blank(value) -> object:
    return "" if value is None else value


def event_rows(*, community: Community, viewer: Membership) -> list[dict]:
    """One row per event, every column from event_view: a field it leaves out is empty."""
    rows = []
    for e, view in _seen(community, viewer):
        rows.append(
            {
                "id": view["id"],
                "occurred_at": _when(view["occurred_at"]),
                "action": view["action"],
                "resource": view["resource_name"],
                "unit": view["unit"],
                "quantity": view["quantity"],
                "amount": amount(view["quantity"], e.resource),
                "provider_pool": _blank(view["provider_pool_name"]),
                "provider_household": _blank(view.get("provider_household_name")),
                "receiver_pool": _blank(view["receiver_pool_name"]),
                "receiver_household": _blank(view.get("receiver_household_name")),
                "hidden": " ".join(view["hidden"]),
                "reverses": _blank(view["reverses"]),
                "reversed_by": _blank(view["reversed_by"]),
                "cause_type": view["cause_type"],
                "cause_id": _blank(view["cause_id"]),
                "note": view.get("note", ""),
                "recorded_by": _blank(view.get("recorded_by_name")),
                "recorded_at": _when(view["recorded_at"]),
            }
        )
    return rows


def _holdings(community: Community):
    return (
        Holding.objects.filter(pool__community=community)
        .select_related("pool", "resource")
        .order_by("pool__name", "resource__name")
    )


def holding_rows(*, community: Community) -> list[dict]:
    """Stock in every pool: aggregates, public to every member."""
    return [
        {
            "pool": h.pool.name,
            "pool_kind": h.pool.kind,
            "resource": h.resource.name,
            "unit": h.resource.unit,
            "quantity": h.quantity,
            "amount": amount(h.quantity, h.resource),
        }
        for h in _holdings(community)
    ]


FLAGS = {
    "children": "has_children",
    "elderly": "has_elderly",
    "ill_or_disabled": "has_ill_or_disabled",
}


def household_rows(*, community: Community, viewer: Membership) -> list[dict]:
    """Every household as household_view shows it: flags only where the viewer may see them,
    else empty."""
    rows = []
    for household in community.households.order_by("name"):
        view = household_view(actor=viewer, obj=household)
        row = {"name": view["name"], "size": view["size"]}
        for column, field in FLAGS.items():
            row[column] = "" if field not in view else ("yes" if view[field] else "no")
        rows.append(row)
    return rows


def csv_tables(*, community: Community, viewer: Membership) -> dict[str, tuple[list[str], list]]:
    """File name → (columns, rows) for the three CSV files."""
    return {
        "events.csv": (EVENT_COLUMNS, event_rows(community=community, viewer=viewer)),
        "holdings.csv": (HOLDING_COLUMNS, holding_rows(community=community)),
        "households.csv": (HOUSEHOLD_COLUMNS, household_rows(community=community, viewer=viewer)),
    }


VF = "https://w3id.org/valueflows/ont/vf#"
CONTEXT = {
    "vf": VF,
    "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "pomochi": "urn:pomochi:vocab#",
    "vf:action": {"@type": "@id"},
    "vf:provider": {"@type": "@id"},
    "vf:receiver": {"@type": "@id"},
    "vf:inScopeOf": {"@type": "@id"},
    "vf:classifiedAs": {"@type": "@id"},
    "vf:conformsTo": {"@type": "@id"},
    "vf:resourceConformsTo": {"@type": "@id"},
    "vf:resourceInventoriedAs": {"@type": "@id"},
    "vf:toResourceInventoriedAs": {"@type": "@id"},
    "vf:primaryAccountable": {"@type": "@id"},
    "vf:corrects": {"@type": "@id"},
    "vf:hasPointInTime": {"@type": "xsd:dateTime"},
    "om2:hasUnit": {"@type": "@id"},
    # A string, typed: decimal amounts stay exact (a JSON number may be read as a float).
    "om2:hasNumericalValue": {"@type": "xsd:decimal"},
    "pomochi:reversedBy": {"@type": "@id"},
}
# Our actions as ValueFlows actions. Pooled goods change hands outright, so contributing to a
# store is a transfer, like a distribution or a gift; a loan moves custody, not ownership.
VF_ACTIONS = {
    Action.CONTRIBUTE: "vf:transfer",
    Action.DISTRIBUTE: "vf:transfer",
    Action.TRANSFER: "vf:transfer",
    Action.TRADE: "vf:transfer",
    Action.LEND: "vf:transfer-custody",
    Action.RETURN: "vf:transfer-custody",
    Action.WORK: "vf:work",
}
UNITS = {
    "kg": "om2:kilogram",
    "g": "om2:gram",
    "t": "om2:tonne",
    "l": "om2:litre",
    "h": "om2:hour",
    "pcs": "om2:one",
}


def vf_action(event: Event) -> str:
    """The ValueFlows action; a reversal takes its original's, the direction read from itself."""
    action = event.reverses.action if event.action == Action.REVERSE else event.action
    if action == Action.ADJUST:
        return "vf:raise" if event.receiver_pool_id else "vf:lower"
    return VF_ACTIONS[action]


class _Ids:
    def __init__(self, community: Community):
        self.base = f"urn:pomochi:{community.slug}"

    def __call__(self, kind: str, pk: int | None = None) -> str:
        return self.base if kind == "community" else f"{self.base}:{kind}:{pk}"


def _measure(quantity: int, resource: ResourceType) -> dict:
    measure = {
        "@type": "om2:Measure",
        "om2:hasNumericalValue": amount(quantity, resource),
        "pomochi:unit": resource.unit,
        "pomochi:quantity": quantity,
    }
    if unit := UNITS.get(resource.unit.strip().lower()):
        measure["om2:hasUnit"] = unit
    return measure


def valueflows_document(*, community: Community, viewer: Membership) -> dict:
    """The community as one JSON-LD graph: agents, resource kinds, stock and every event."""
    ids = _Ids(community)
    graph: list[dict] = [
        {
            "@id": ids("community"),
            "@type": "vf:Organization",
            "vf:name": community.name,
            "pomochi:slug": community.slug,
        }
    ]
    flags = {
        "has_children": "pomochi:hasChildren",
        "has_elderly": "pomochi:hasElderly",
        "has_ill_or_disabled": "pomochi:hasIllOrDisabled",
    }
    for household in community.households.order_by("name"):
        view = household_view(actor=viewer, obj=household)
        node = {
            "@id": ids("household", view["id"]),
            "@type": "vf:Organization",
            "vf:classifiedAs": "pomochi:Household",
            "vf:name": view["name"],
            "pomochi:size": view["size"],
        }
        node |= {term: view[field] for field, term in flags.items() if field in view}
        graph.append(node)
    for pool in Pool.objects.filter(community=community).order_by("name"):
        graph.append(
            {
                "@id": ids("pool", pool.id),
                "@type": "vf:Organization",
                "vf:classifiedAs": "pomochi:Pool",
                "vf:name": pool.name,
                "pomochi:poolKind": pool.kind,
                "vf:inScopeOf": ids("community"),
            }
        )
    for resource in community.resources.order_by("name"):
        graph.append(
            {
                "@id": ids("resource", resource.id),
                "@type": "vf:ResourceSpecification",
                "vf:name": resource.name,
                "pomochi:unit": resource.unit,
                "pomochi:kind": resource.kind,
                "pomochi:decimalPlaces": resource.decimal_places,
            }
        )
    holding_ids = {}
    for h in _holdings(community):
        holding_ids[h.pool_id, h.resource_id] = ids("holding", h.id)
        graph.append(
            {
                "@id": ids("holding", h.id),
                "@type": "vf:EconomicResource",
                "vf:name": f"{h.resource.name} @ {h.pool.name}",
                "vf:conformsTo": ids("resource", h.resource_id),
                "vf:primaryAccountable": ids("pool", h.pool_id),
                "vf:accountingQuantity": _measure(h.quantity, h.resource),
                "vf:onhandQuantity": _measure(h.quantity, h.resource),
            }
        )
    for event, view in _seen(community, viewer):
        graph.append(_event_node(event, view, ids, holding_ids))
    return {"@context": CONTEXT, "@id": ids("community") + ":export", "@graph": graph}


def _agent(view: dict, side: str, ids: _Ids) -> str | None:
    if view[f"{side}_pool"]:
        return ids("pool", view[f"{side}_pool"])
    if household_id := view.get(f"{side}_household"):
        return ids("household", household_id)
    return None


def _event_node(event: Event, view: dict, ids: _Ids, holding_ids: dict) -> dict:
    """The event's node: its parties, note and who recorded it from event_view; the action and
    the stock it moves are the same for every viewer."""
    action = vf_action(event)
    node = {
        "@id": ids("event", event.id),
        "@type": "vf:EconomicEvent",
        "vf:action": action,
        "pomochi:action": event.action,
        "vf:resourceConformsTo": ids("resource", event.resource_id),
        "vf:hasPointInTime": _when(event.occurred_at),
        "vf:inScopeOf": ids("community"),
    }
    quantity = "vf:effortQuantity" if event.action == Action.WORK else "vf:resourceQuantity"
    node[quantity] = _measure(event.quantity, event.resource)
    for side in ("provider", "receiver"):
        if agent := _agent(view, side, ids):
            node[f"vf:{side}"] = agent
    # The stock a flow comes out of, and the stock it goes into; raise and lower name just one.
    if event.provider_pool_id:
        node["vf:resourceInventoriedAs"] = holding_ids.get(
            (event.provider_pool_id, event.resource_id)
        )
    if event.receiver_pool_id:
        one_stock = action in ("vf:raise", "vf:lower")
        key = "vf:resourceInventoriedAs" if one_stock else "vf:toResourceInventoriedAs"
        node[key] = holding_ids.get((event.receiver_pool_id, event.resource_id))
    if view["hidden"]:
        node["pomochi:hidden"] = view["hidden"]
    elif view.get("note"):
        node["vf:note"] = view["note"]
    if event.reverses_id:
        node["vf:corrects"] = ids("event", event.reverses_id)
    if reversed_by := getattr(event, "reversed_by", None):
        node["pomochi:reversedBy"] = ids("event", reversed_by.id)
    if event.cause_type:
        node["pomochi:cause"] = {"pomochi:type": event.cause_type, "pomochi:id": event.cause_id}
    return {k: v for k, v in node.items() if v is not None}
