"""Whether an amount about to be recorded looks like a slip: one rule for the page and the API.

A coordinator typing 10000 for 10 kg, or choosing the tool library for a sack of grain, makes a
record that is valid and wrong. Nothing here refuses (the services decide what is allowed);
it says what is unusual, and the page asks "Record 10,000 kg?" before recording while the API
records and lists the doubts in its answer. Unusual is:

- more than RATIO times the largest single movement of that resource so far in the community
  (reversals mirror an entry and are left out; the first movement of a resource has nothing
  to be compared with);
- for a contribution, more than the store's whole stock of it, when it has some.

Stock put into a store that does not keep the resource is no doubt but a refusal: every store
has its list of what it keeps, and the services refuse the rest (ledger.services, one wording,
`not_kept_message`), so "the store has never held this" need not be asked here.

At most two queries, whatever the size of the ledger.
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.communities.models import ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.ledger.models import Action, Event, Holding, Pool

RATIO = 10  # "far beyond the usual": more than ten times the largest movement so far

LARGER_THAN_USUAL = "larger_than_usual"
MORE_THAN_STOCK = "more_than_stock"


@dataclass(frozen=True)
class Doubt:
    kind: str  # LARGER_THAN_USUAL, MORE_THAN_STOCK
    message: str  # in the reader's language


def amount_doubts(
    *, action: str, resource: ResourceType, quantity: int, pool: Pool | None = None
) -> list[Doubt]:
    """What is unusual about recording `quantity` (signed for an adjustment) of `resource` as
    an `action` ("contribute", "distribute", "adjust", …) with `pool` as the store it comes
    from or goes into; an empty list when nothing is."""
    size = abs(quantity)
    if not size:
        return []
    doubts = []
    largest = (
        Event.objects.filter(resource=resource)
        .exclude(action=Action.REVERSE)
        .order_by("-quantity", "id")
        .values("action", "quantity")
        .first()
    )
    if largest and size > RATIO * largest["quantity"]:
        times = size // largest["quantity"]
        said = ngettext(
            "That is %(times)s time the largest %(action)s of %(resource)s so far (%(largest)s).",
            "That is %(times)s times the largest %(action)s of %(resource)s so far (%(largest)s).",
            times,
        )
        doubts.append(
            Doubt(
                LARGER_THAN_USUAL,
                said
                % {
                    "times": number_format(times, force_grouping=True),
                    "action": Action(largest["action"]).label,
                    "resource": resource.name,
                    "largest": format_quantity(largest["quantity"], resource=resource),
                },
            )
        )
    if pool is None or action != Action.CONTRIBUTE:
        return doubts
    stock = (
        Holding.objects.filter(pool=pool, resource=resource)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )
    if stock > 0 and size > stock:
        doubts.append(
            Doubt(
                MORE_THAN_STOCK,
                _("That is more than all the %(resource)s %(pool)s holds now (%(stock)s).")
                % {
                    "resource": resource.name,
                    "pool": pool.name,
                    "stock": format_quantity(stock, resource=resource),
                },
            )
        )
    return doubts
