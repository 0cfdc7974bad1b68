"""What a given member sees of a ledger event, decided once: the pages, the API's EventOut and
both exports (CSV and JSON-LD) are made from `event_view` alone."""

from django.utils.translation import gettext as _

from pomochi.communities import policy
from pomochi.communities.models import Membership
from pomochi.communities.presenters import ANY, NOT_PUBLIC, member_name
from pomochi.communities.quantities import quantity_formatter
from pomochi.ledger.models import Action, Event, PendingContribution, WaitingState
from pomochi.ledger.selectors import hidden_households, receivers_public
from pomochi.ledger.sentences import correction_sentence, day, movement_phrase

# What the audit chain's payload may carry with a value (see communities.presenters). An event
# with a household on either side is tagged with it (the receiver, else the giver), so only a
# movement between stores is in a public entry: its households are null, and its note is about
# a store, not about people.
AUDIT_PAYLOADS: dict[str, dict[str, frozenset]] = {
    "event": dict.fromkeys(
        (
            "action",
            "resource",
            "quantity",
            "provider_pool",
            "receiver_pool",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "cause",
            "reverses",
            "note",
        ),
        ANY,
    )
    | dict.fromkeys(("provider_household", "receiver_household"), NOT_PUBLIC),
    # create, update (the whole store as it is now), archive; an API create's Idempotency-Key
    # as a keyed digest (communities.services.request_mark).
    "pool": dict.fromkeys(("name", "kind", "description", "resources", "archived", "request"), ANY),
    # A record waiting for confirmation (ledger.waiting) is told like a contribution: what and
    # where for any entry, the household, its note and a decline's reason only in an entry
    # tagged with the household (every one is).
    "pendingcontribution": dict.fromkeys(
        ("pool", "resource", "quantity", "occurred_at", "submitted_by"), ANY
    )
    | dict.fromkeys(("household", "note", "reason"), NOT_PUBLIC),
}


def event_view(
    *, actor: Membership, obj: Event, public: bool | None = None, machine: bool = False
) -> dict:
    """An event as this member may see it.

    - id, action, action_name, resource, resource_name, quantity, amount, the pools on either
      side (provider_pool, receiver_pool and their names), occurred_at, recorded_at, cause_type,
      cause_id, reverses, reversed_by, hidden: every member of the community.
    - provider_household, receiver_household (and their names): absent when hidden, i.e. when
      `ledger.selectors.hidden_households` says so (policy `ledger.view_receivers`, else the
      member's own household or `household.view_private`); `hidden` names what is left out.
    - recorded_by, recorded_by_name, note: only when nothing is hidden: whoever recorded work
      is often the household that received it, and a note can name the receiver.
    - correction: every member; for a reversal the sentence "Correction: the contribution of
      … on 3 Dec was a mistake — <reason>" naming only what this view shows (its reason only
      with its note), else None.

    `public`: `receivers_public`'s answer for this member, asked once for a page or an export.
    """
    if not policy.can(actor, "community.view", obj):
        return {}
    if public is None:
        public = receivers_public(actor=actor, community=actor.community)
    hidden = hidden_households(actor=actor, event=obj, public=public)
    resource = obj.resource
    reversed_by = getattr(obj, "reversed_by", None)
    view = {
        "id": obj.id,
        "action": obj.action,
        "action_name": str(obj.get_action_display()),
        "resource": obj.resource_id,
        "resource_name": resource.name,
        "unit": resource.unit,
        "quantity": obj.quantity,
        # for people in the reader's language ("12,5 кг"), for machines always "12.5 kg"
        "amount": quantity_formatter(resource, machine=machine)(obj.quantity),
        "provider_pool": obj.provider_pool_id,
        "provider_pool_name": obj.provider_pool.name if obj.provider_pool_id else None,
        "receiver_pool": obj.receiver_pool_id,
        "receiver_pool_name": obj.receiver_pool.name if obj.receiver_pool_id else None,
        "hidden": sorted(hidden),
        "occurred_at": obj.occurred_at,
        "recorded_at": obj.recorded_at,
        "cause_type": obj.cause_type,
        "cause_id": obj.cause_id,
        "reverses": obj.reverses_id,
        "reversed_by": reversed_by.id if reversed_by else None,
    }
    for side in ("provider_household", "receiver_household"):
        if side not in hidden:
            household = getattr(obj, side) if getattr(obj, f"{side}_id") else None
            view[side] = household.id if household else None
            view[f"{side}_name"] = household.name if household else None
    if not hidden:
        view |= {
            "recorded_by": obj.recorded_by_id,
            "recorded_by_name": member_name(actor=actor, obj=obj.recorded_by),
            "note": obj.note,
        }
    view["correction"] = (
        _correction(view, original=obj.reverses, zone=actor.community.zone)
        if obj.action == Action.REVERSE and obj.reverses_id
        else None
    )
    return view


def party_name(view: dict, side: str) -> str:
    """One side of an event as its view names it: the store, "a household" when the reader may
    not see which, the household, or "—"."""
    if view.get(f"{side}_pool_name"):
        return view[f"{side}_pool_name"]
    if f"{side}_household" in view["hidden"]:
        return _("a household")
    return view.get(f"{side}_household_name") or "—"


def event_phrase(view: dict, *, zone) -> str:
    """An (original) event as a sentence names it, from its view alone: "the contribution of
    1,000 kg of grain by Safonovs to Granary on 3 Dec" (ledger.sentences.movement_phrase)."""
    amount = view["amount"]
    if view["action"] == Action.ADJUST:
        amount = ("−" if view["provider_pool"] else "+") + amount
    return movement_phrase(
        action=view["action"],
        amount=_("%(amount)s of %(resource)s")
        % {"amount": amount, "resource": view["resource_name"]},
        giver=party_name(view, "provider"),
        receiver=party_name(view, "receiver"),
        on=day(view["occurred_at"], zone),
    )


def _correction(view: dict, *, original: Event, zone) -> str:
    """A reversal as a correction of its original, named from the reversal's own view (its
    sides are the original's, swapped), so what it hides stays hidden, its reason too."""
    amount = view["amount"]
    if original.action == Action.ADJUST:
        amount = ("−" if view["receiver_pool"] else "+") + amount
    phrase = movement_phrase(
        action=original.action,
        amount=_("%(amount)s of %(resource)s")
        % {"amount": amount, "resource": view["resource_name"]},
        giver=party_name(view, "receiver"),
        receiver=party_name(view, "provider"),
        on=day(original.occurred_at, zone),
    )
    return correction_sentence(phrase=phrase, reason=view.get("note") or "")


def events_view(*, actor: Membership, events) -> list[dict]:
    """Many events as event_view shows each, the bylaws asked once."""
    public = receivers_public(actor=actor, community=actor.community)
    return [event_view(actor=actor, obj=e, public=public) for e in events]


def waiting_record_view(
    *, actor: Membership, obj: PendingContribution, machine: bool = False
) -> dict:
    """A record waiting for confirmation (or decided) as this member may see it: all of it to
    `contribution.view` (its household, coordinators, the committee), nothing to others.

    id, state, state_name, household, household_name, pool, pool_name, resource, resource_name,
    unit, quantity, amount, occurred_at, submitted_at, submitted_by, submitted_by_name, note,
    decided_at, decided_by, decline_reason, event.
    """
    if not policy.can(actor, "contribution.view", obj):
        return {}
    resource = obj.resource
    return {
        "id": obj.id,
        "state": obj.state,
        "state_name": str(WaitingState(obj.state).label),
        "household": obj.household_id,
        "household_name": obj.household.name,
        "pool": obj.pool_id,
        "pool_name": obj.pool.name,
        "resource": obj.resource_id,
        "resource_name": resource.name,
        "unit": resource.unit,
        "quantity": obj.quantity,
        "amount": quantity_formatter(resource, machine=machine)(obj.quantity),
        "occurred_at": obj.occurred_at,
        "submitted_at": obj.submitted_at,
        "submitted_by": obj.submitted_by_id,
        "submitted_by_name": member_name(actor=actor, obj=obj.submitted_by),
        "note": obj.note,
        "decided_at": obj.decided_at,
        "decided_by": obj.decided_by_id,
        "decline_reason": obj.decline_reason,
        "event": obj.event_id,
    }
