"""What a given member sees of an allocation round, decided once.

The round's page and the API's round detail both render a RoundView; neither asks the policy
about a round's fields itself. A field the member may not see is absent (an empty note, no
shares of other households, no appeal), not blanked in one door and sent in the other.
"""

from dataclasses import dataclass

from pomochi.aid import selectors
from pomochi.aid.explain import kept_sentence, rule_description, rule_name, share_sentence
from pomochi.aid.models import AllocationRound, AllocationShare, Appeal, RoundDecision
from pomochi.communities import policy
from pomochi.communities.models import Membership


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
