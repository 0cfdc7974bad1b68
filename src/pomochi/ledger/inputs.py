"""One binding per ledger movement: what recording it takes, said once.

The page's form (ledger.forms.movement_form) and the API's schema (ledger.api.movement_schema)
are both made from a Movement, and both doors record through `movement_record`, so the two
cannot drift: a field added here appears on the page and in the API, with the same text rule,
the same quantity parser and the same service call.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Household, Membership, ResourceKind
from pomochi.ledger import services, waiting
from pomochi.ledger.models import Event, PendingContribution, Pool
from pomochi.ledger.plausibility import Doubt, amount_doubts
from pomochi.ledger.selectors import contribution_waits

GOODS = (ResourceKind.CONSUMABLE, ResourceKind.DURABLE)
LABOUR = (ResourceKind.LABOUR,)


@dataclass(frozen=True)
class Party:
    """Who or what gives or receives: a household, a pool, or the event being reversed.

    `offered` is what the page lists: "households", "own_households" (a plain member records
    only for their own), "pools"; None when the page names it in its address (the event).
    The services decide what is allowed; the page only leaves out what it would refuse.
    """

    name: str
    model: type[Model]
    label: Promise
    offered: str | None


@dataclass(frozen=True)
class Movement:
    """A kind of ledger entry as people record it, with the service that records it."""

    action: str  # the policy's and the page's name: "contribute"
    path: str  # the API's collection: "contributions"
    schema_name: str  # the API schema's name: "ContributionIn"
    title: Promise
    service: Callable[..., Event]
    parties: tuple[Party, ...]
    resource_kinds: tuple[str, ...] | None = GOODS  # None: no resource (a reversal)
    quantity: str | None = "quantity"  # the service's argument; None: no quantity
    quantity_label: Promise = _("How much")
    signed: bool = False  # a stock adjustment may be negative
    text: str = "note"  # the service's argument: "note" or "reason"
    text_label: Promise = _("Note")
    text_required: bool = False

    @property
    def fields(self) -> list[str]:
        """Every input, in the order the page shows them."""
        names = [p.name for p in self.parties if p.offered is not None]
        if self.resource_kinds is not None:
            names.append("resource")
        if self.quantity:
            names.append(self.quantity)
        return [*names, "occurred_at", self.text]


def _household(name: str, label) -> Party:
    return Party(name, Household, label, "households")


def _own(name: str, label) -> Party:
    return Party(name, Household, label, "own_households")


def _pool(name: str, label) -> Party:
    return Party(name, Pool, label, "pools")


CONTRIBUTION = Movement(
    action="contribute",
    path="contributions",
    schema_name="ContributionIn",
    title=_("Record a contribution"),
    service=services.event_contribute,
    parties=(_own("household", _("From household")), _pool("pool", _("Into pool"))),
)
DISTRIBUTION = Movement(
    action="distribute",
    path="distributions",
    schema_name="DistributionIn",
    title=_("Record a distribution"),
    service=services.event_distribute,
    parties=(_pool("pool", _("From pool")), _household("household", _("To household"))),
)
TRANSFER = Movement(
    action="transfer",
    path="transfers",
    schema_name="TransferIn",
    title=_("Record a gift"),
    service=services.event_transfer,
    parties=(
        _own("from_household", _("From household")),
        _household("to_household", _("To household")),
    ),
)
WORK = Movement(
    action="work",
    path="work",
    schema_name="WorkIn",
    title=_("Record work done"),
    service=services.event_work,
    parties=(
        _household("worker", _("Work done by household")),
        _own("beneficiary", _("For household")),
    ),
    resource_kinds=LABOUR,
    quantity_label=_("Hours"),
)
ADJUSTMENT = Movement(
    action="adjust",
    path="adjustments",
    schema_name="AdjustmentIn",
    title=_("Adjust stock"),
    service=services.event_adjust,
    parties=(_pool("pool", _("Pool")),),
    quantity="change",
    quantity_label=_("Change (negative takes stock out)"),
    signed=True,
    text="reason",
    text_label=_("Reason"),
    text_required=True,
)
REVERSAL = Movement(
    action="reverse",
    path="reversals",
    schema_name="ReversalIn",
    title=_("Reverse an entry"),
    service=services.event_reverse,
    parties=(Party("event", Event, _("Entry"), None),),
    resource_kinds=None,
    quantity=None,
    text="reason",
    text_label=_("Why is this entry wrong?"),
    text_required=True,
)

MOVEMENTS = {m.action: m for m in (CONTRIBUTION, DISTRIBUTION, TRANSFER, WORK, ADJUSTMENT)}


def movement_record(
    movement: Movement,
    *,
    actor: Membership,
    values: dict[str, Any],
    idempotency_key: str | None,
) -> Event:
    """Record a movement from its bound inputs (objects found, quantity in the smallest unit):
    the one call to its service, from the page and from the API."""
    names = [p.name for p in movement.parties]
    if movement.resource_kinds is not None:
        names.append("resource")
    if movement.quantity:
        names.append(movement.quantity)
    arguments = {name: values[name] for name in names}
    return movement.service(
        actor=actor,
        **arguments,
        occurred_at=values.get("occurred_at"),
        **{movement.text: values.get(movement.text) or ""},
        idempotency_key=idempotency_key,
    )


def movement_doubts(movement: Movement, values: dict[str, Any]) -> list[Doubt]:
    """What is unusual about recording these bound inputs (ledger.plausibility): the page asks
    for a confirmation, the API records and lists them. Nothing for a reversal."""
    if not movement.quantity or values.get(movement.quantity) is None:
        return []
    pool = values.get("pool")
    return amount_doubts(
        action=movement.action,
        resource=values["resource"],
        quantity=values[movement.quantity],
        pool=pool if isinstance(pool, Pool) else None,
    )


def confirmation_token(movement: Movement, values: dict[str, Any]) -> str:
    """What a person confirmed on the page ("Yes, record it"): the resource, the stores and
    households and the amount; a changed amount asks again."""
    names = [p.name for p in movement.parties] + ["resource", movement.quantity or "quantity"]
    return ":".join(
        str(getattr(values.get(name), "pk", values.get(name))) for name in names if name
    )


def contribution_record(
    *, actor: Membership, values: dict[str, Any], idempotency_key: str | None
) -> Event | PendingContribution:
    """A contribution from the page or the API: where the bylaws make it wait (mutual checks,
    ledger.waiting), a record waiting for a coordinator's confirmation; else the event."""
    if contribution_waits(actor=actor, household=values["household"]):
        return waiting.contribution_submit(
            actor=actor,
            household=values["household"],
            pool=values["pool"],
            resource=values["resource"],
            quantity=values["quantity"],
            occurred_at=values.get("occurred_at"),
            note=values.get("note") or "",
            idempotency_key=idempotency_key,
        )
    return movement_record(
        CONTRIBUTION, actor=actor, values=values, idempotency_key=idempotency_key
    )
