"""Needs, offers, commitments and allocation rounds over HTTP: the same services and policy as
the web. Quantities in bodies are decimal text in the resource's unit, as in the ledger's API."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from pomochi import fairshare
from pomochi.aid import rounds, services
from pomochi.aid.filters import (
    NeedQuery,
    OfferQuery,
    RoundQuery,
    need_criteria,
    offer_criteria,
    round_criteria,
)
from pomochi.aid.models import (
    AllocationRound,
    AllocationShare,
    Appeal,
    Commitment,
    Decision,
    Need,
    Offer,
    Urgency,
)
from pomochi.aid.presenters import (
    RoundView,
    commitment_view,
    match_view,
    need_view,
    offer_view,
    round_view,
)
from pomochi.aid.rounds import MAX_NEEDS_PER_ROUND
from pomochi.aid.selectors import (
    commitments_visible_to,
    matches_for_need,
    needs_listed,
    offers_listed_by,
    rounds_listed,
    rounds_of,
)
from pomochi.api.common import (
    Amount,
    Error,
    FieldError,
    Line,
    Note,
    Reason,
    RowId,
    amount,
    caller,
    get_in_community,
    in_community,
)
from pomochi.communities import policy
from pomochi.communities.models import Household, ResourceType
from pomochi.communities.quantities import format_quantity_plain
from pomochi.communities.selectors import rules_current
from pomochi.ledger.api import IdempotencyKey
from pomochi.ledger.models import Pool

router = Router(tags=["aid"])

Rule = Literal[tuple(fairshare.RULES)]  # an allocation rule by its name

READ = {200: None, 401: Error, 403: Error, 404: Error, 422: Error}
ACTED = {200: None, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}  # no body
CHANGED = ACTED | {400: Error}  # 400: a body that is not JSON
CREATED = {201: None, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


def responses(codes: dict, schema) -> dict:
    return {code: schema if out is None else out for code, out in codes.items()}


# ---------------------------------------------------------------------------------------------
# Needs


class NeedOut(Schema):
    """A need as aid.presenters.need_view shows it to the caller (note: null unless the caller
    may read it)."""

    id: int
    household: int
    household_name: str
    resource: int
    resource_name: str
    quantity: int
    amount: str
    urgency: str
    urgency_name: str
    needed_by: date | None
    note: str | None = None
    quantity_met: int
    met: str
    remaining: int
    state: str
    created_at: datetime
    created_by: int
    withdrawn_at: datetime | None


class NeedIn(Schema):
    household: int | None = None  # the caller's own household if left out
    resource: int
    quantity: Amount
    urgency: Urgency = Urgency.ROUTINE
    needed_by: date | None = None
    note: Note = ""


class NeedEditIn(Schema):
    quantity: Amount | None = None
    urgency: Urgency | None = None
    needed_by: date | None = None
    note: Note | None = None


def need_out(need: Need, *, actor, today: date | None = None) -> NeedOut:
    """The need as need_view shows it to this caller, and nothing else."""
    return NeedOut(**need_view(actor=actor, obj=need, today=today, machine=True))


def _household(community, membership, pk: int | None) -> Household:
    """The household named in the body, or the caller's own."""
    if pk is None:
        if membership.household is None:
            raise FieldError("household", _("Say which household this is for."))
        return membership.household
    return in_community(Household, community, pk, field="household")


def _resource(community, pk: int) -> ResourceType:
    return in_community(ResourceType, community, pk, field="resource")


def _need(community, membership, need_id: int) -> Need:
    need = get_in_community(
        Need.objects.select_related("household", "resource"), community, need_id
    )
    policy.require_visible(membership, "need.view", need)
    return need


@router.get("/communities/{slug}/needs", response=responses(READ, list[NeedOut]))
def list_needs(request, slug: str, filters: Query[NeedQuery]):
    """Needs the caller may see: their household's; all for coordinators and the committee.
    Open ones first, then the most urgent, then the one needed soonest; filtered as the page
    filters them (aid.filters). A household other than the caller's own may be named only by
    those who see every household's needs (403 otherwise)."""
    community, membership = caller(request, slug)
    today = timezone.localdate()
    criteria = need_criteria(actor=membership, community=community, **filters.model_dump())
    needs = needs_listed(actor=membership, community=community, criteria=criteria, today=today)
    return [need_out(n, actor=membership, today=today) for n in needs]


@router.post("/communities/{slug}/needs", response=responses(CREATED, NeedOut))
def post_need(request, slug: str, body: NeedIn):
    community, membership = caller(request, slug)
    resource = _resource(community, body.resource)
    need = services.need_post(
        actor=membership,
        community=community,
        household=_household(community, membership, body.household),
        resource=resource,
        quantity=amount(body.quantity, resource),
        urgency=body.urgency,
        needed_by=body.needed_by,
        note=body.note,
    )
    return Status(201, need_out(need, actor=membership))


@router.get("/communities/{slug}/needs/{need_id}", response=responses(READ, NeedOut))
def get_need(request, slug: str, need_id: int):
    community, membership = caller(request, slug)
    return need_out(_need(community, membership, need_id), actor=membership)


@router.patch("/communities/{slug}/needs/{need_id}", response=responses(CHANGED, NeedOut))
def edit_need(request, slug: str, need_id: int, body: NeedEditIn):
    community, membership = caller(request, slug)
    need = _need(community, membership, need_id)
    need = services.need_edit(
        actor=membership,
        need=need,
        quantity=None if body.quantity is None else amount(body.quantity, need.resource),
        urgency=body.urgency,
        # PATCH: a date left out stays; null clears it
        needed_by=body.needed_by if "needed_by" in body.model_fields_set else services.UNCHANGED,
        note=body.note,
    )
    return need_out(need, actor=membership)


@router.post("/communities/{slug}/needs/{need_id}/withdraw", response=responses(ACTED, NeedOut))
def withdraw_need(request, slug: str, need_id: int):
    community, membership = caller(request, slug)
    need = services.need_withdraw(actor=membership, need=_need(community, membership, need_id))
    return need_out(need, actor=membership)


class MatchOut(Schema):
    """A way to meet a need as aid.presenters.match_view shows it."""

    source: str  # "offer" or "pool"
    offer: int | None
    household: int | None
    pool: int | None
    name: str
    skill: str
    available: int
    available_amount: str
    covers: int
    covers_amount: str
    reason: str


@router.get("/communities/{slug}/needs/{need_id}/matches", response=responses(READ, list[MatchOut]))
def list_matches(request, slug: str, need_id: int):
    """Offers and pool stock that can meet the need, best first, each with its reason."""
    community, membership = caller(request, slug)
    need = _need(community, membership, need_id)
    return [
        MatchOut(**match_view(actor=membership, need=need, obj=m, machine=True))
        for m in matches_for_need(need=need)
    ]


# ---------------------------------------------------------------------------------------------
# Offers


class OfferOut(Schema):
    """An offer as aid.presenters.offer_view shows it."""

    id: int
    household: int
    household_name: str
    resource: int
    resource_name: str
    quantity: int
    amount: str
    skill: str
    available_from: date | None
    available_until: date | None
    note: str
    quantity_committed: int
    remaining: int
    remaining_amount: str
    state: str
    created_at: datetime
    withdrawn_at: datetime | None


class OfferIn(Schema):
    household: int | None = None  # the caller's own household if left out
    resource: int
    quantity: Amount
    skill: Line = ""
    available_from: date | None = None
    available_until: date | None = None
    note: Note = ""


def offer_out(offer: Offer, *, actor, today: date | None = None) -> OfferOut:
    """The offer as offer_view shows it to this caller, and nothing else."""
    return OfferOut(**offer_view(actor=actor, obj=offer, today=today, machine=True))


@router.get("/communities/{slug}/offers", response=responses(READ, list[OfferOut]))
def list_offers(request, slug: str, filters: Query[OfferQuery]):
    """Open offers (visible to the whole community), newest first; with include_closed, every
    offer. Filtered by resource and by words of the skill, as the page filters them."""
    community, membership = caller(request, slug)
    today = timezone.localdate()
    criteria = offer_criteria(actor=membership, community=community, **filters.model_dump())
    offers = offers_listed_by(community=community, criteria=criteria, today=today)
    return [offer_out(o, actor=membership, today=today) for o in offers]


@router.post("/communities/{slug}/offers", response=responses(CREATED, OfferOut))
def post_offer(request, slug: str, body: OfferIn):
    community, membership = caller(request, slug)
    resource = _resource(community, body.resource)
    offer = services.offer_post(
        actor=membership,
        community=community,
        household=_household(community, membership, body.household),
        resource=resource,
        quantity=amount(body.quantity, resource),
        skill=body.skill,
        available_from=body.available_from,
        available_until=body.available_until,
        note=body.note,
    )
    return Status(201, offer_out(offer, actor=membership))


@router.post("/communities/{slug}/offers/{offer_id}/withdraw", response=responses(ACTED, OfferOut))
def withdraw_offer(request, slug: str, offer_id: int):
    community, membership = caller(request, slug)
    offer = get_in_community(
        Offer.objects.select_related("household", "resource"), community, offer_id
    )
    offer = services.offer_withdraw(actor=membership, offer=offer)
    return offer_out(offer, actor=membership)


# ---------------------------------------------------------------------------------------------
# Commitments


class CommitmentOut(Schema):
    """A promise as aid.presenters.commitment_view shows it."""

    id: int
    need: int | None
    offer: int | None
    giver_household: int | None
    giver_household_name: str | None
    giver_pool: int | None
    giver_pool_name: str | None
    receiver_household: int
    receiver_household_name: str
    resource: int
    resource_name: str
    quantity: int
    amount: str
    quantity_fulfilled: int
    fulfilled: str
    remaining: int
    due_on: date
    state: str
    fate: str
    fate_at: datetime | None
    fate_note: str
    created_at: datetime
    created_by: int


class CommitmentIn(Schema):
    receiver: int
    resource: int
    quantity: Amount
    due_on: date
    giver_household: int | None = None
    giver_pool: int | None = None
    need: int | None = None
    offer: int | None = None


class FulfilmentIn(Schema):
    quantity: Amount


class FailureIn(Schema):
    excused: bool = False
    reason: Reason


def commitment_out(c: Commitment, *, actor, today: date | None = None) -> CommitmentOut:
    """The promise as commitment_view shows it to this caller, and nothing else."""
    return CommitmentOut(**commitment_view(actor=actor, obj=c, today=today, machine=True))


def _commitment(community, membership, commitment_id: int) -> Commitment:
    """A promise named in the path; one the caller may not see is not found, like one that
    does not exist (its existence would tell who helps whom)."""
    commitment = get_in_community(
        Commitment.objects.select_related(
            "giver_household", "giver_pool", "receiver_household", "resource"
        ),
        community,
        commitment_id,
    )
    policy.require_visible(membership, "commitment.view", commitment)
    return commitment


@router.get("/communities/{slug}/commitments", response=responses(READ, list[CommitmentOut]))
def list_commitments(request, slug: str, overdue: bool = False):
    """Coordinators and the committee see every promise; a member, their household's (given or
    received). With overdue=1, only those past their date and still open."""
    community, membership = caller(request, slug)
    today = timezone.localdate()
    found = commitments_visible_to(
        actor=membership, community=community, overdue=overdue, today=today
    )
    return [commitment_out(c, actor=membership, today=today) for c in found]


@router.post("/communities/{slug}/commitments", response=responses(CREATED, CommitmentOut))
def make_commitment(request, slug: str, body: CommitmentIn):
    community, membership = caller(request, slug)
    resource = _resource(community, body.resource)
    commitment = services.commitment_make(
        actor=membership,
        community=community,
        receiver=in_community(Household, community, body.receiver, field="receiver"),
        resource=resource,
        quantity=amount(body.quantity, resource),
        due_on=body.due_on,
        giver_household=in_community(
            Household, community, body.giver_household, field="giver_household"
        ),
        giver_pool=in_community(Pool, community, body.giver_pool, field="giver_pool"),
        # A need the caller may not see reads as one that does not exist, before anything about
        # it (its household, resource, what is left) could be told.
        need=in_community(
            Need,
            community,
            body.need,
            field="need",
            visible=lambda need: policy.can(membership, "need.view", need),
        ),
        offer=in_community(Offer, community, body.offer, field="offer"),
    )
    return Status(201, commitment_out(commitment, actor=membership))


@router.post(
    "/communities/{slug}/commitments/{commitment_id}/fulfilments",
    response=responses(CREATED, CommitmentOut),
)
def post_fulfilment(
    request,
    slug: str,
    commitment_id: int,
    body: FulfilmentIn,
    idempotency_key: str | None = IdempotencyKey,
):
    """A delivery against the promise, confirmed by the receiving household (or a coordinator);
    a retry with the same Idempotency-Key is recorded once."""
    community, membership = caller(request, slug)
    commitment = _commitment(community, membership, commitment_id)
    commitment = services.commitment_fulfil(
        actor=membership,
        commitment=commitment,
        quantity=amount(body.quantity, commitment.resource),
        idempotency_key=idempotency_key,
    )
    return Status(201, commitment_out(commitment, actor=membership))


@router.post(
    "/communities/{slug}/commitments/{commitment_id}/fail",
    response=responses(CHANGED, CommitmentOut),
)
def fail_commitment(request, slug: str, commitment_id: int, body: FailureIn):
    community, membership = caller(request, slug)
    commitment = services.commitment_fail(
        actor=membership,
        commitment=_commitment(community, membership, commitment_id),
        excused=body.excused,
        reason=body.reason,
    )
    return commitment_out(commitment, actor=membership)


@router.post(
    "/communities/{slug}/commitments/{commitment_id}/acceptance",
    response=responses(CHANGED, CommitmentOut),
)
def accept_commitment(request, slug: str, commitment_id: int):
    """The giver household accepts a promise proposed in its name: from now on it is owed."""
    community, membership = caller(request, slug)
    commitment = services.commitment_accept(
        actor=membership, commitment=_commitment(community, membership, commitment_id)
    )
    return commitment_out(commitment, actor=membership)


class DeclineIn(Schema):
    reason: Note = ""


@router.post(
    "/communities/{slug}/commitments/{commitment_id}/decline",
    response=responses(CHANGED, CommitmentOut),
)
def decline_commitment(request, slug: str, commitment_id: int, body: DeclineIn):
    """The giver household declines a proposed promise, or a coordinator withdraws it."""
    community, membership = caller(request, slug)
    commitment = services.commitment_decline(
        actor=membership,
        commitment=_commitment(community, membership, commitment_id),
        reason=body.reason,
    )
    return commitment_out(commitment, actor=membership)


# ---------------------------------------------------------------------------------------------
# Allocation rounds


class TotalsOut(Schema):
    households: int
    asked: int
    asked_amount: str
    shared: int
    shared_amount: str


class RoundOut(Schema):
    id: int
    pool: int
    pool_name: str
    resource: int
    resource_name: str
    quantity: int
    amount: str
    rule: str
    rule_name: str
    revision: int
    status: str
    note: str
    created_at: datetime
    executed_at: datetime | None
    totals: TotalsOut


class DecisionOut(Schema):
    member: int
    decision: str
    note: str
    at: datetime


class AppealOut(Schema):
    id: int
    round: int
    share: int
    household: int
    reason: str
    created_at: datetime
    decision: str
    decision_note: str
    decided_at: datetime | None


class ShareOut(Schema):
    id: int
    household: int
    household_name: str
    need: int
    asked: int
    asked_amount: str
    share: int
    amount: str
    why: str
    appeal: AppealOut | None


class RoundDetailOut(RoundOut):
    quorum: int
    approvals: int
    rejections: int
    decisions: list[DecisionOut]
    # Only the shares the caller may see: their own household's, or all for coordinators and
    # the committee (or for everyone, if the bylaws make needs public).
    shares: list[ShareOut]


# A round shares among at most MAX_NEEDS_PER_ROUND needs, each named once; the service counts
# them again after taking out repeats, and reads them all in one query.
NeedIds = Annotated[
    list[RowId],
    Field(max_length=MAX_NEEDS_PER_ROUND, description="need ids, at most 10,000"),
]


class RoundIn(Schema):
    pool: int
    resource: int
    quantity: Amount
    needs: NeedIds
    rule: Rule | None = None  # the bylaws' default if left out
    note: Note = ""


class RevisionIn(Schema):
    quantity: Amount | None = None
    needs: NeedIds | None = None
    rule: Rule | None = None


class DecisionIn(Schema):
    decision: Decision
    note: Note = ""


class AppealIn(Schema):
    reason: Reason


class AppealDecisionIn(Schema):
    upheld: bool
    note: Reason


def round_out(view: RoundView) -> dict:
    round_, totals = view.round, view.totals
    return {
        "id": round_.id,
        "pool": round_.pool_id,
        "pool_name": round_.pool.name,
        "resource": round_.resource_id,
        "resource_name": round_.resource.name,
        "quantity": round_.quantity,
        "amount": format_quantity_plain(round_.quantity, resource=round_.resource),
        "rule": round_.rule,
        "rule_name": view.rule,
        "revision": round_.revision,
        "status": round_.status,
        "note": view.note,
        "created_at": round_.created_at,
        "executed_at": round_.executed_at,
        "totals": TotalsOut(
            households=totals["households"],
            asked=totals["asked"],
            asked_amount=format_quantity_plain(totals["asked"] or 0, resource=round_.resource),
            shared=totals["shared"],
            shared_amount=format_quantity_plain(totals["shared"] or 0, resource=round_.resource),
        ),
    }


def appeal_out(appeal: Appeal) -> AppealOut:
    return AppealOut(
        id=appeal.id,
        round=appeal.round_id,
        share=appeal.share_id,
        household=appeal.household_id,
        reason=appeal.reason,
        created_at=appeal.created_at,
        decision=appeal.decision,
        decision_note=appeal.decision_note,
        decided_at=appeal.decided_at,
    )


def round_detail(round_: AllocationRound, membership) -> RoundDetailOut:
    """The round as aid.presenters.round_view shows it to this member, as the page does."""
    view = round_view(round_, actor=membership)
    resource = round_.resource
    decisions = [d.decision for d in view.decisions]
    return RoundDetailOut(
        **round_out(view),
        quorum=rules_current(community_id=round_.community_id)["approval_quorum"],
        approvals=sum(d.decision == Decision.APPROVE for d in decisions),
        rejections=sum(d.decision == Decision.REJECT for d in decisions),
        decisions=[
            DecisionOut(
                member=d.decision.member_id,
                decision=d.decision.decision,
                note=d.note,
                at=d.decision.at,
            )
            for d in view.decisions
        ],
        shares=[
            ShareOut(
                id=v.share.id,
                household=v.share.household_id,
                household_name=v.share.household.name,
                need=v.share.need_id,
                asked=v.share.asked,
                asked_amount=format_quantity_plain(v.share.asked, resource=resource),
                share=v.share.share,
                amount=format_quantity_plain(v.share.share, resource=resource),
                why=v.why,
                appeal=appeal_out(v.appeal) if v.appeal else None,
            )
            for v in view.shares
        ],
    )


def _round(community, round_id: int) -> AllocationRound:
    return get_in_community(rounds_of(community=community), community, round_id)


@router.get("/communities/{slug}/rounds", response=responses(READ, list[RoundOut]))
def list_rounds(request, slug: str, filters: Query[RoundQuery]):
    """Every round with its rule and totals, newest first, by state as the page filters them;
    who needed what is on each round's page, for those who may see it."""
    community, membership = caller(request, slug)
    criteria = round_criteria(actor=membership, community=community, **filters.model_dump())
    return [
        RoundOut(**round_out(round_view(r, actor=membership, detail=False)))
        for r in rounds_listed(community=community, criteria=criteria)
    ]


@router.post("/communities/{slug}/rounds", response=responses(CREATED, RoundDetailOut))
def open_round(request, slug: str, body: RoundIn):
    community, membership = caller(request, slug)
    # Asked first, so needs named in the body are not looked up for those who may not open one.
    policy.require(membership, "round.open", community)
    resource = _resource(community, body.resource)
    round_ = rounds.round_open(
        actor=membership,
        pool=in_community(Pool, community, body.pool, field="pool"),
        resource=resource,
        quantity=amount(body.quantity, resource),
        needs=body.needs,
        rule=body.rule,
        note=body.note,
    )
    return Status(201, round_detail(round_, membership))


@router.get("/communities/{slug}/rounds/{round_id}", response=responses(READ, RoundDetailOut))
def get_round(request, slug: str, round_id: int):
    community, membership = caller(request, slug)
    return round_detail(_round(community, round_id), membership)


@router.post(
    "/communities/{slug}/rounds/{round_id}/decisions",
    response=responses(CREATED, RoundDetailOut),
)
def post_decision(request, slug: str, round_id: int, body: DecisionIn):
    community, membership = caller(request, slug)
    round_ = rounds.round_decide(
        actor=membership,
        round=_round(community, round_id),
        approve=body.decision == Decision.APPROVE,
        note=body.note,
    )
    return Status(201, round_detail(round_, membership))


@router.post(
    "/communities/{slug}/rounds/{round_id}/revisions",
    response=responses(CREATED, RoundDetailOut),
)
def post_revision(request, slug: str, round_id: int, body: RevisionIn):
    """Edit a draft or rejected round: a new revision, shares recomputed, decisions afresh."""
    community, membership = caller(request, slug)
    round_ = _round(community, round_id)
    policy.require(membership, "round.edit", round_)
    round_ = rounds.round_edit(
        actor=membership,
        round=round_,
        quantity=None if body.quantity is None else amount(body.quantity, round_.resource),
        needs=body.needs,
        rule=body.rule,
    )
    return Status(201, round_detail(round_, membership))


@router.post(
    "/communities/{slug}/rounds/{round_id}/execution",
    response=responses(ACTED, RoundDetailOut),
)
def execute_round(request, slug: str, round_id: int):
    """Carry out an approved round: every share distributed in one transaction, or none."""
    community, membership = caller(request, slug)
    round_ = rounds.round_execute(actor=membership, round=_round(community, round_id))
    return round_detail(round_, membership)


@router.post(
    "/communities/{slug}/rounds/{round_id}/cancel", response=responses(ACTED, RoundDetailOut)
)
def cancel_round(request, slug: str, round_id: int):
    community, membership = caller(request, slug)
    round_ = rounds.round_cancel(actor=membership, round=_round(community, round_id))
    return round_detail(round_, membership)


@router.post(
    "/communities/{slug}/shares/{share_id}/appeals", response=responses(CREATED, AppealOut)
)
def post_appeal(request, slug: str, share_id: int, body: AppealIn):
    community, membership = caller(request, slug)
    share = get_object_or_404(
        AllocationShare.objects.select_related("round", "household"),
        round__community=community,
        pk=share_id,
    )
    appeal = rounds.appeal_file(actor=membership, share=share, reason=body.reason)
    return Status(201, appeal_out(appeal))


@router.post(
    "/communities/{slug}/appeals/{appeal_id}/decision", response=responses(CHANGED, AppealOut)
)
def decide_appeal(request, slug: str, appeal_id: int, body: AppealDecisionIn):
    community, membership = caller(request, slug)
    appeal = get_object_or_404(
        Appeal.objects.select_related("round__resource"), round__community=community, pk=appeal_id
    )
    appeal = rounds.appeal_decide(
        actor=membership, appeal=appeal, upheld=body.upheld, note=body.note
    )
    return appeal_out(appeal)
