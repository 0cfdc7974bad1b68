"""What a given member sees of a need, an offer, a promise and an allocation round, decided once.

Needs, offers and promises: `need_view`, `offer_view`, `commitment_view` return a dict of exactly
the fields this member may see (absent, not blanked; empty if they may not see the object at
all). The pages render that dict, never the model; the API's NeedOut, OfferOut and CommitmentOut
are filled from it.

Rounds: the round's page and the API's round detail both render a RoundView; neither asks the
policy about a round's fields itself. A field the member may not see is absent (an empty note, no
shares of other households, no appeal), not blanked in one door and sent in the other.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from pomochi.aid import selectors
from pomochi.aid.explain import kept_sentence, rule_description, rule_name, share_sentence
from pomochi.aid.models import (
    AllocationRound,
    AllocationShare,
    Appeal,
    Commitment,
    Need,
    Offer,
    RoundDecision,
)
from pomochi.aid.selectors import Match
from pomochi.communities import policy
from pomochi.communities.models import Membership
from pomochi.communities.presenters import ANY, NOT_PUBLIC, ONLY_PRIVATE
from pomochi.communities.quantities import quantity_formatter

# What the audit chain's payload may carry with a value (see communities.presenters). A need, a
# promise and an appeal are need data: their entries are always tagged with the household in
# need (the receiver of a promise), never public. A round's public entries hold aggregates only;
# who gets what (the shares' digest) and the committee's notes, which can name people, are in
# private entries.
AUDIT_PAYLOADS: dict[str, dict[str, frozenset]] = {
    "need": dict.fromkeys(
        ("household", "resource", "quantity", "urgency", "needed_by", "note", "withdrawn"),
        NOT_PUBLIC,
    ),
    # Offers are the whole community's to see.
    "offer": dict.fromkeys(
        (
            "household",
            "resource",
            "quantity",
            "skill",
            "available_from",
            "available_until",
            "note",
            "withdrawn",
        ),
        ANY,
    ),
    "commitment": dict.fromkeys(
        (
            "need",
            "offer",
            "giver_household",
            "giver_pool",
            "receiver",
            "resource",
            "quantity",
            "due_on",
            "fulfilled",
            "fate",
            "fate_note",
            "accepted",
            "declined",
            "reason",
            "in_person",
            "reversal",
        ),
        NOT_PUBLIC,
    ),
    "allocationround": dict.fromkeys(
        ("pool", "resource", "quantity", "rule", "revision", "status", "households", "asked"),
        ANY,
    )
    | dict.fromkeys(("shares_digest", "decision", "note"), ONLY_PRIVATE)
    | dict.fromkeys(("household", "reversal"), NOT_PUBLIC),
    "appeal": dict.fromkeys(("round", "share", "reason", "decision", "note"), NOT_PUBLIC),
}


def need_view(
    *, actor: Membership, obj: Need, today: date | None = None, machine: bool = False
) -> dict:
    """A need as this member may see it; {} unless `need.view` (its household, coordinators,
    the committee, or every member if the bylaws make needs visible).

    - id, household, household_name, resource, resource_name, quantity, amount, urgency,
      urgency_name, needed_by, quantity_met, met, remaining, state, created_at, created_by,
      withdrawn_at: everyone who may see the need.
    - note: `need.view_note` only (its household, coordinators, the committee): a note can name
      people and their troubles, even where the bylaws open the needs themselves to all.
    """
    if not policy.can(actor, "need.view", obj):
        return {}
    fmt = quantity_formatter(obj.resource, machine=machine)
    view = {
        "id": obj.id,
        "household": obj.household_id,
        "household_name": obj.household.name,
        "resource": obj.resource_id,
        "resource_name": obj.resource.name,
        "quantity": obj.quantity,
        "amount": fmt(obj.quantity),
        "urgency": obj.urgency,
        "urgency_name": str(obj.get_urgency_display()),
        "needed_by": obj.needed_by,
        "quantity_met": obj.quantity_met,
        "met": fmt(obj.quantity_met),
        "remaining": obj.remaining,
        "state": obj.state(today or timezone.localdate()),
        "created_at": obj.created_at,
        "created_by": obj.created_by_id,
        "withdrawn_at": obj.withdrawn_at,
    }
    if policy.can(actor, "need.view_note", obj):
        view["note"] = obj.note
    return view


def offer_view(
    *, actor: Membership, obj: Offer, today: date | None = None, machine: bool = False
) -> dict:
    """An offer as this member may see it: every field, for every member (`offer.view`: offers
    are the whole community's, and the form says so); {} for anyone else.

    Fields: id, household, household_name, resource, resource_name, quantity, amount, skill,
    available_from, available_until, note, quantity_committed, remaining, remaining_amount,
    state, created_at, withdrawn_at.
    """
    if not policy.can(actor, "offer.view", obj):
        return {}
    fmt = quantity_formatter(obj.resource, machine=machine)
    return {
        "id": obj.id,
        "household": obj.household_id,
        "household_name": obj.household.name,
        "resource": obj.resource_id,
        "resource_name": obj.resource.name,
        "quantity": obj.quantity,
        "amount": fmt(obj.quantity),
        "skill": obj.skill,
        "available_from": obj.available_from,
        "available_until": obj.available_until,
        "note": obj.note,
        "quantity_committed": obj.quantity_committed,
        "remaining": obj.remaining,
        "remaining_amount": fmt(obj.remaining),
        "state": obj.state(today or timezone.localdate()),
        "created_at": obj.created_at,
        "withdrawn_at": obj.withdrawn_at,
    }


def match_view(*, actor: Membership, need: Need, obj: Match, machine: bool = False) -> dict:
    """One way to meet a need (an offer, or a store's stock), as whoever may see the need sees
    it; {} for anyone else. Offers and stock are every member's to see, so nothing is withheld
    beyond the need itself.

    Fields: source ("offer" or "pool"), offer, household, pool, name, skill, available,
    available_amount, covers, covers_amount, reason.
    """
    if not policy.can(actor, "need.view", need):
        return {}
    fmt = quantity_formatter(need.resource, machine=machine)
    return {
        "source": "offer" if obj.offer else "pool",
        "offer": obj.offer.id if obj.offer else None,
        "household": obj.offer.household_id if obj.offer else None,
        "pool": obj.holding.pool_id if obj.holding else None,
        "name": str(obj.source),
        "skill": obj.offer.skill if obj.offer else "",
        "available": obj.available,
        "available_amount": fmt(obj.available),
        "covers": obj.covers,
        "covers_amount": fmt(obj.covers),
        "reason": obj.reason,
    }


def commitment_view(
    *, actor: Membership, obj: Commitment, today: date | None = None, machine: bool = False
) -> dict:
    """A promise as this member may see it: every field to those `commitment.view` allows (the
    giving and the receiving household, coordinators, the committee: a promise says who
    receives help), {} to anyone else — a need's page lists only the promises its reader may see.

    Fields: id, need, offer, giver_household, giver_household_name, giver_pool,
    giver_pool_name, receiver_household, receiver_household_name, resource, resource_name,
    quantity, amount, quantity_fulfilled, fulfilled, remaining, due_on, state, fate, fate_at,
    fate_note (why it was broken, excused or declined), created_at, created_by.
    """
    if not policy.can(actor, "commitment.view", obj):
        return {}
    fmt = quantity_formatter(obj.resource, machine=machine)
    return {
        "id": obj.id,
        "need": obj.need_id,
        "offer": obj.offer_id,
        "giver_household": obj.giver_household_id,
        "giver_household_name": obj.giver_household.name if obj.giver_household_id else None,
        "giver_pool": obj.giver_pool_id,
        "giver_pool_name": obj.giver_pool.name if obj.giver_pool_id else None,
        "receiver_household": obj.receiver_household_id,
        "receiver_household_name": obj.receiver_household.name,
        "resource": obj.resource_id,
        "resource_name": obj.resource.name,
        "quantity": obj.quantity,
        "amount": fmt(obj.quantity),
        "quantity_fulfilled": obj.quantity_fulfilled,
        "fulfilled": fmt(obj.quantity_fulfilled),
        "remaining": obj.remaining,
        "due_on": obj.due_on,
        "state": obj.state(today or timezone.localdate()),
        "fate": obj.fate,
        "fate_at": obj.fate_at,
        "fate_note": obj.fate_note,
        "created_at": obj.created_at,
        "created_by": obj.created_by_id,
    }


@dataclass(frozen=True)
class DecisionView:
    decision: RoundDecision
    note: str  # "" unless the member may read the committee's notes


@dataclass(frozen=True)
class ShareView:
    share: AllocationShare
    why: str
    appeal: Appeal | None  # the household's appeal, for those who may read household data


@dataclass(frozen=True)
class RoundView:
    round: AllocationRound
    rule: str
    rule_text: str
    note: str
    totals: dict
    kept: str
    decisions: list[DecisionView]
    shares: list[ShareView]
    sees_all_shares: bool
    sees_notes: bool


def round_view(round_: AllocationRound, *, actor: Membership, detail: bool = True) -> RoundView:
    """What this member may see of the round's current revision. detail=False (for lists)
    leaves out the decisions and shares, and reads nothing for them."""
    sees_notes = policy.can(actor, "round.view_notes", round_)
    decisions = round_.decisions.filter(revision=round_.revision).select_related("member__user")
    shares = selectors.shares_visible_to(actor=actor, round=round_) if detail else []
    appeals = (
        {
            a.share_id: a
            for a in Appeal.objects.filter(share__in=[s.id for s in shares]).select_related(
                "household", "decided_by__user"
            )
        }
        if shares
        else {}
    )
    totals = selectors.round_totals(round=round_)
    resource = round_.resource
    return RoundView(
        round=round_,
        rule=rule_name(round_.rule),
        rule_text=rule_description(round_.rule),
        note=round_.note if sees_notes else "",
        totals=totals,
        kept=kept_sentence(
            quantity=round_.quantity,
            shared=totals["shared"],
            asked=totals["asked"],
            resource=resource,
        ),
        decisions=[
            DecisionView(decision=d, note=d.note if sees_notes else "")
            for d in (decisions.order_by("at", "id") if detail else [])
        ],
        shares=[
            ShareView(
                share=s,
                why=share_sentence(s, resource),
                appeal=appeals.get(s.id)
                if policy.can(actor, "household.view_private", s.household)
                else None,
            )
            for s in shares
        ],
        sees_all_shares=policy.can(actor, "round.view_shares", round_),
        sees_notes=sees_notes,
    )


def decision_note(decision: RoundDecision, *, actor: Membership) -> str:
    """A decision's note as this member may read it (older revisions on the page)."""
    return decision.note if policy.can(actor, "round.view_notes", decision.round) else ""
