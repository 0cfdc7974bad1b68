"""What the lists of movements are filtered by, said once for both doors (as aid.filters).

- `MovementQuery`: the criteria as raw values, the API's query parameters on the events list
  and the pages' GET parameters under the same names;
- `movement_criteria(*, actor, community, ...)`: those values checked against the community,
  returned as `MovementCriteria`; a refusal is a DomainError naming its field, in the same words
  on the page and in the API;
- `MovementFilterForm`: the pages' GET form (the community's movements, a store's, a
  household's history), the same fields through the same check.

`ledger.selectors.movements_listed` applies criteria, newest first, and it is there that what
the actor may see is kept: criteria never widen what a member sees, and they may narrow it only
by what the member sees of each movement (see `movement_criteria`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

from pomochi.api.common import Instant
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Membership, ResourceType
from pomochi.errors import InvalidInput
from pomochi.filters import FilterForm, IdField, chosen, state_field
from pomochi.ledger.models import Action, Pool
from pomochi.text import LINE_LENGTH, Line, TextField

# ---------------------------------------------------------------------------------------------
# The query: raw criteria, as the API reads them from its query string


class MovementQuery(Schema):
    pool: int | None = None  # a store on either side
    resource: int | None = None
    action: Action | None = None
    household: int | None = None  # on either side, as far as the caller sees it named
    since: Instant | None = None  # occurred at or after
    until: Instant | None = None  # occurred before
    note: Line | None = None  # part of the note's words, in any case, in notes the caller reads


# ---------------------------------------------------------------------------------------------
# The criteria: a query checked, with objects in place of ids


@dataclass(frozen=True)
class MovementCriteria:
    pool: Pool | None = None
    resource: ResourceType | None = None
    action: str | None = None
    household: Household | None = None
    since: datetime | None = None
    until: datetime | None = None
    note: str = ""


NO_MOVEMENT_CRITERIA = MovementCriteria()


def movement_criteria(
    *,
    actor: Membership,
    community: Community,
    pool: int | None = None,
    resource: int | None = None,
    action: str | None = None,
    household: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    note: str | None = None,
) -> MovementCriteria:
    """The movements list's criteria, or a refusal naming the field.

    Every member sees every movement, but not who received it (ledger.presenters.event_view):
    so a household and a search of notes are never refused, they match only what the actor
    sees. A household matches the movements in which the actor sees it named: all of its
    history to whoever sees its receipts (its own members, coordinators, the committee, everyone
    if the bylaws open receivers), to anyone else only what it gave (never a reversal, whose
    giver is the household that had received). The words of `note` match only the notes the
    actor reads (those of movements of which nothing is hidden from them). So a count or a page
    of a filtered list tells nobody more than the unfiltered list shows them
    (`ledger.selectors.movements_listed` applies it)."""
    if action is not None and action not in Action.values:
        raise InvalidInput(_("There is no such kind of movement."), field="action")
    if since is not None and until is not None and since >= until:
        raise InvalidInput(_("“From” must not be after “until”."), field="until")
    return MovementCriteria(
        pool=chosen(Pool, community, pool, field="pool"),
        resource=chosen(ResourceType, community, resource, field="resource"),
        action=str(action) if action is not None else None,
        household=chosen(Household, community, household, field="household"),
        since=since,
        until=until,
        note=(note or "").strip(),
    )


# ---------------------------------------------------------------------------------------------
# The pages' form: the same fields, the same check


class MovementFilterForm(FilterForm):
    """The movements' filters. On a store's page or a household's the store or household is
    `fixed` (the page's own) and not a field. Its dates are whole days on the community's clock:
    `until` is the last day shown."""

    pool = IdField(label=gettext_lazy("Store"), empty_label=gettext_lazy("every one"))
    resource = IdField(label=gettext_lazy("What"), empty_label=gettext_lazy("everything"))
    action = state_field(gettext_lazy("Kind"), Action.choices)
    household = IdField(label=gettext_lazy("Household"), empty_label=gettext_lazy("every one"))
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = TextField(
        label=gettext_lazy("Words in the note"),
        required=False,
        max_length=LINE_LENGTH,
        multiline=False,
    )

    criteria_of = staticmethod(movement_criteria)

    def __init__(self, data=None, *, actor: Membership, community: Community, fixed=None):
        self.fixed = fixed or {}  # e.g. {"pool": the page's pool}
        super().__init__(data, actor=actor, community=community)
        for name in self.fixed:
            del self.fields[name]
        if "pool" in self.fields:
            self.fields["pool"].offer((p.pk, p.name) for p in community.pools.order_by("name"))
        # Offered to those who see who received each movement. Anyone else may still name a
        # household (it matches only what they see it give), but a list of every household
        # beside the movements would read as a list of who received them.
        self.offers_household = policy.can(actor, "ledger.view_receivers", community)
        if not self.offers_household:
            self.withheld = ("household",)
        elif "household" in self.fields:
            households = Household.objects.filter(community=community).order_by("name")
            self.fields["household"].offer((h.pk, h.name) for h in households)

    def criteria_from(self, values: dict) -> MovementCriteria:
        return super().criteria_from(values | {k: v.pk for k, v in self.fixed.items()})

    def criteria_values(self, data: dict) -> dict:
        since, until = data.get("since"), data.get("until")
        return super().criteria_values(data) | {
            "action": data.get("action") or None,
            "since": self.community.day_start(since) if since else None,
            "until": self.community.day_start(until + timedelta(days=1)) if until else None,
        }
