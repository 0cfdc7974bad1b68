"""What the lists of needs, offers and rounds are filtered by, said once for both doors.

Each list has:

- a query (`NeedQuery`, `OfferQuery`, `RoundQuery`): its criteria as raw values, the API's query
  parameters and the page's GET parameters under the same names;
- `<noun>_criteria(*, actor, community, ...)`: those values checked against the community and
  the policy, returned as objects (`NeedCriteria`, ...). A refusal is a DomainError naming its
  field, in the same words on the page and in the API;
- the page's GET form (`NeedFilterForm`, ...): the same fields, whose cleaned data go through the
  same `<noun>_criteria`.

`aid.selectors.needs_listed`, `offers_listed_by` and `rounds_listed` apply criteria in the list's
order. Neither door filters or checks anything itself.
"""

from dataclasses import dataclass
from typing import Literal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

from pomochi.aid.models import RoundStatus
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Membership, ResourceType
from pomochi.errors import InvalidInput, NotAllowed
from pomochi.filters import FilterForm, IdField, chosen, state_field
from pomochi.text import LINE_LENGTH, Line, TextField

# A need's states, as Need.state derives them (and need_view shows them).
NEED_STATES = {
    "open": gettext_lazy("open"),
    "partly_met": gettext_lazy("partly met"),
    "met": gettext_lazy("met"),
    "expired": gettext_lazy("expired"),
    "withdrawn": gettext_lazy("withdrawn"),
}
NeedState = Literal[tuple(NEED_STATES)]
RoundState = Literal[tuple(RoundStatus.values)]


# ---------------------------------------------------------------------------------------------
# The queries: raw criteria, as the API reads them from its query string


class NeedQuery(Schema):
    resource: int | None = None
    state: NeedState | None = None
    household: int | None = None  # for those who may see other households' needs
    include_closed: bool = False  # withdrawn needs too (a state chosen shows its needs anyway)


class OfferQuery(Schema):
    resource: int | None = None
    skill: Line | None = None  # part of the skill's words, in any case
    include_closed: bool = False  # taken, expired and withdrawn offers too


class RoundQuery(Schema):
    state: RoundState | None = None


# ---------------------------------------------------------------------------------------------
# The criteria: a query checked, with objects in place of ids


@dataclass(frozen=True)
class NeedCriteria:
    resource: ResourceType | None = None
    state: str | None = None
    household: Household | None = None
    include_closed: bool = False


@dataclass(frozen=True)
class OfferCriteria:
    resource: ResourceType | None = None
    skill: str = ""
    include_closed: bool = False


@dataclass(frozen=True)
class RoundCriteria:
    state: str | None = None


# No filter: the whole list, as the page opens.
NO_NEED_CRITERIA = NeedCriteria()
NO_OFFER_CRITERIA = OfferCriteria()
NO_ROUND_CRITERIA = RoundCriteria()


def _resource(community: Community, pk: int | None) -> ResourceType | None:
    return chosen(ResourceType, community, pk, field="resource")


def need_criteria(
    *,
    actor: Membership,
    community: Community,
    resource: int | None = None,
    state: str | None = None,
    household: int | None = None,
    include_closed: bool = False,
) -> NeedCriteria:
    """The needs list's criteria, or a refusal naming the field.

    Households are no secret, needs are: a household filter is refused (NotAllowed) to whoever
    sees only their own household's needs, unless it names their own, in the same words
    whether or not that household asked for anything, so no filter tells them it did."""
    if state is not None and state not in NEED_STATES:
        raise InvalidInput(_("There is no such state of a need."), field="state")
    named = None
    if household is not None:
        named = chosen(Household, community, household, field="household")
        if named.pk != actor.household_id and not policy.can(actor, "need.see_all", community):
            raise NotAllowed(
                _(
                    "You see only your own household's needs: only coordinators and the "
                    "committee choose another household."
                ),
                field="household",
            )
    return NeedCriteria(
        resource=_resource(community, resource),
        state=state,
        household=named,
        include_closed=include_closed,
    )


def offer_criteria(
    *,
    actor: Membership,
    community: Community,
    resource: int | None = None,
    skill: str | None = None,
    include_closed: bool = False,
) -> OfferCriteria:
    """The offers list's criteria (every member sees every offer), or a refusal naming the
    field. `skill` is already free text checked by its type (pomochi.text)."""
    return OfferCriteria(
        resource=_resource(community, resource),
        skill=(skill or "").strip(),
        include_closed=include_closed,
    )


def round_criteria(
    *, actor: Membership, community: Community, state: str | None = None
) -> RoundCriteria:
    if state is not None and state not in RoundStatus.values:
        raise InvalidInput(_("There is no such state of a round."), field="state")
    return RoundCriteria(state=state)


# ---------------------------------------------------------------------------------------------
# The pages' forms: the same fields, the same checks


class NeedFilterForm(FilterForm):
    resource = IdField(label=gettext_lazy("What"), empty_label=gettext_lazy("everything"))
    state = state_field(gettext_lazy("State"), NEED_STATES.items())
    household = IdField(label=gettext_lazy("Household"), empty_label=gettext_lazy("every one"))
    include_closed = forms.BooleanField(label=gettext_lazy("Withdrawn needs too"), required=False)

    criteria_of = staticmethod(need_criteria)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered only to those who may choose one; anyone else naming another is refused.
        self.offers_household = policy.can(self.actor, "need.see_all", self.community)
        if not self.offers_household:
            self.withheld = ("household",)
        else:
            self.fields["household"].offer(
                (h.pk, h.name) for h in Household.objects.filter(community=self.community)
            )

    def criteria_values(self, data: dict) -> dict:
        return super().criteria_values(data) | {"state": data.get("state") or None}


class OfferFilterForm(FilterForm):
    resource = IdField(label=gettext_lazy("What"), empty_label=gettext_lazy("everything"))
    skill = TextField(
        label=gettext_lazy("Skill"), required=False, max_length=LINE_LENGTH, multiline=False
    )
    include_closed = forms.BooleanField(
        label=gettext_lazy("Taken, expired and withdrawn offers too"), required=False
    )

    criteria_of = staticmethod(offer_criteria)


class RoundFilterForm(FilterForm):
    state = state_field(gettext_lazy("State"), RoundStatus.choices)

    criteria_of = staticmethod(round_criteria)

    def criteria_values(self, data: dict) -> dict:
        return {"state": data.get("state") or None}
