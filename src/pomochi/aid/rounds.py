"""Allocation rounds: scarce stock shared among needs by a rule of the bylaws.

draft → approved (the bylaws' quorum of committee approvals) → carried out as one batch of
distributions. Every edit is a new revision; shares and decisions of older revisions stay.
"""

import hashlib
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi import fairshare
from pomochi.aid.models import (
    URGENCY_RANK,
    AllocationRound,
    AllocationShare,
    Appeal,
    Decision,
    Need,
    RoundDecision,
    RoundStatus,
)
from pomochi.aid.selectors import needs_with_receivable
from pomochi.aid.services import need_met_change, needs_met_change
from pomochi.audit.chain import canonical_json
from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.models import Membership, ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.communities.selectors import rules_current
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger import services as ledger
from pomochi.ledger.models import Holding, Pool
from pomochi.notify.models import Notification
from pomochi.notify.services import notify_household, notify_members


def priority_of(need: Need) -> int:
    """Tier for priority rounds: urgency first, then one step up for a vulnerable household."""
    h = need.household
    vulnerable = h.has_children or h.has_elderly or h.has_ill_or_disabled
    return URGENCY_RANK[need.urgency] * 2 + int(vulnerable)


def _explanation(e: fairshare.Explanation) -> dict:
    def fraction(value):
        return None if value is None else [value.numerator, value.denominator]

    return {
        "rule": e.rule,
        "asked": e.asked,
        "share": e.share,
        "cap": fraction(e.cap),
        "capped": bool(e.capped),
        "shared_total": e.shared_total,
        "households": e.households,
        "handed_out": e.handed_out,
        "size": e.size,
        "tier": None
        if e.tier is None
        else {
            "priority": e.tier.priority,
            "households": e.tier.households,
            "asked": e.tier.asked,
            "available": e.tier.available,
            "status": e.tier.status,
        },
    }


def _compute(round_: AllocationRound, needs: list[Need]) -> list[AllocationShare]:
    """Shares of what each need may still receive (needs annotated by needs_with_receivable)."""
    asked = np.array([max(0, n.receivable) for n in needs], dtype=np.int64)
    kwargs = {
        "ids": np.array([n.household_id for n in needs], dtype=np.int64),
        "sizes": np.array([n.household.size for n in needs], dtype=np.int64),
    }
    if round_.rule == "priority_tiers":
        kwargs["priorities"] = np.array([priority_of(n) for n in needs], dtype=np.int64)
    if round_.rule in ("max_min", "equal_per_household", "proportional"):
        kwargs.pop("sizes")
    result = fairshare.allocate(round_.rule, asked, round_.quantity, **kwargs)
    return [
        AllocationShare(
            round=round_,
            revision=round_.revision,
            need=need,
            household_id=need.household_id,
            asked=int(asked[i]),
            share=int(result.shares[i]),
            explanation=_explanation(result.explain(i)),
        )
        for i, need in enumerate(needs)
    ]


def _shares_digest(shares: list[AllocationShare]) -> str:
    """The shares in the chain without naming anyone: a digest the committee can check."""
    rows = sorted([s.need_id, s.household_id, s.asked, s.share] for s in shares)
    return hashlib.sha256(canonical_json(rows).encode()).hexdigest()


def _audit(actor: Membership, verb: str, round_: AllocationRound, shares=None) -> None:
    data = {
        "pool": round_.pool_id,
        "resource": round_.resource_id,
        "quantity": round_.quantity,
        "rule": round_.rule,
        "revision": round_.revision,
        "status": round_.status,
    }
    if shares is not None:
        data |= {
            "households": len(shares),
            "asked": sum(s.asked for s in shares),
            "shares_digest": _shares_digest(shares),
        }
    audit_append(
        community_id=round_.community_id,
        actor_id=actor.id,
        verb=verb,
        object_type="allocationround",
        object_id=round_.id,
        data=data,
    )


# Work per round is bounded: one allocation over at most this many needs.
MAX_NEEDS_PER_ROUND = 10_000


def _check_needs(
    pool: Pool,
    resource: ResourceType,
    needs: list[Need | int],
    exclude_round: AllocationRound | None = None,
) -> list[Need]:
    """The needs named (objects or ids, each counted once), loaded and locked in one go, with
    what each may still receive; refused unless all are open needs for this resource, here."""
    ids = list(dict.fromkeys(n if isinstance(n, int) else n.pk for n in needs))
    if not ids:
        raise InvalidInput(_("Choose the needs to share among."), field="needs")
    if len(ids) > MAX_NEEDS_PER_ROUND:
        raise InvalidInput(
            _("A round can share among at most %(max)s needs; %(n)s were chosen.")
            % {"max": f"{MAX_NEEDS_PER_ROUND:,}", "n": f"{len(ids):,}"},
            field="needs",
        )
    here = Need.objects.filter(community_id=pool.community_id, pk__in=ids)
    # Locked first, then read: what the needs may receive is counted after any writer that
    # held them has committed (PostgreSQL; SQLite's IMMEDIATE transaction serialises anyway).
    locked = set(here.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    if len(locked) != len(ids):
        raise InvalidInput(
            _("There is no such %(thing)s in this community.") % {"thing": Need._meta.verbose_name},
            field="needs",
        )
    needs = list(
        needs_with_receivable(here, exclude_round=exclude_round)
        .select_related("household")
        .order_by("household_id")
    )
    today = timezone.localdate()
    seen = set()
    for need in needs:
        if need.resource_id != resource.id:
            raise InvalidInput(
                _("Every need in a round must be for %(resource)s, here.")
                % {"resource": resource.name},
                field="needs",
            )
        if need.state(today) not in ("open", "partly_met"):
            raise InvalidInput(
                _("The need of %(household)s is no longer open.") % {"household": need.household},
                field="needs",
            )
        if need.household_id in seen:
            raise InvalidInput(
                _("%(household)s has two needs in this round; keep one.")
                % {"household": need.household},
                field="needs",
            )
        seen.add(need.household_id)
    return needs


def _check_quantity(pool: Pool, resource: ResourceType, quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(_("The quantity must be more than zero."), field="quantity")
    stock = (
        Holding.objects.filter(pool=pool, resource=resource)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )
    if quantity > stock:
        raise InvalidInput(
            _("%(pool)s holds only %(stock)s of %(resource)s.")
            % {
                "pool": pool.name,
                "stock": format_quantity(stock, resource=resource),
                "resource": resource.name,
            },
            field="quantity",
        )


def _check_rule(rule: str) -> None:
    if rule not in fairshare.RULES:
        raise InvalidInput(_("Unknown rule: %(rule)s") % {"rule": rule}, field="rule")


@transaction.atomic
def round_open(
    *,
    actor: Membership,
    pool: Pool,
    resource: ResourceType,
    quantity: int,
    needs: list[Need | int],
    rule: str | None = None,
    note: str = "",
) -> AllocationRound:
    """Open a draft round; its shares are computed at once, for the committee to read. Each need
    is given a share only of what it may still receive (needs_with_receivable): not what is met,
    promised, or allotted by another round still open."""
    policy.require(actor, "round.open", pool)
    if resource.community_id != pool.community_id:
        raise InvalidInput(_("That resource belongs to another community."), field="resource")
    rule = rule or rules_current(community_id=pool.community_id)["allocation_rule"]
    _check_rule(rule)
    _check_quantity(pool, resource, quantity)
    needs = _check_needs(pool, resource, needs)
    round_ = AllocationRound.objects.create(
        community_id=pool.community_id,
        pool=pool,
        resource=resource,
        quantity=quantity,
        rule=rule,
        note=note.strip(),
        created_at=timezone.now(),
        created_by=actor,
    )
    shares = AllocationShare.objects.bulk_create(_compute(round_, needs))
    _audit(actor, "round.open", round_, shares)
    committee = Membership.objects.filter(
        community_id=pool.community_id, is_committee=True, is_active=True
    )
    notify_members(
        memberships=committee,
        kind="allocation.decide",
        params={"resource": resource.name, "pool": pool.name},
    )
    return round_


def _locked(round_: AllocationRound) -> AllocationRound:
    return (
        AllocationRound.objects.select_for_update(of=("self",))
        .select_related("pool", "resource")
        .get(pk=round_.pk)
    )


@transaction.atomic
def round_edit(
    *,
    actor: Membership,
    round: AllocationRound,
    quantity: int | None = None,
    needs: list[Need | int] | None = None,
    rule: str | None = None,
) -> AllocationRound:
    """A new revision: shares recomputed, decisions start again; the old revision is kept."""
    policy.require(actor, "round.edit", round)
    round_ = _locked(round)
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.REJECTED):
        raise Conflict(_("Only a draft or rejected round can be changed."))
    if needs is None:
        needs = list(
            round_.shares.filter(revision=round_.revision).values_list("need_id", flat=True)
        )
    if rule is not None:
        _check_rule(rule)
        round_.rule = rule
    if quantity is not None:
        round_.quantity = quantity
    _check_quantity(round_.pool, round_.resource, round_.quantity)
    needs = _check_needs(round_.pool, round_.resource, needs, exclude_round=round_)
    round_.revision += 1
    round_.status = RoundStatus.DRAFT
    round_.save(update_fields=["rule", "quantity", "revision", "status"])
    shares = AllocationShare.objects.bulk_create(_compute(round_, needs))
    _audit(actor, "round.edit", round_, shares)
    return round_


@transaction.atomic
def round_decide(
    *, actor: Membership, round: AllocationRound, approve: bool, note: str = ""
) -> AllocationRound:
    """A committee member approves or rejects the current revision; the bylaws' quorum of
    either decides the round."""
    policy.require(actor, "round.decide", round)
    round_ = _locked(round)
    if round_.status != RoundStatus.DRAFT:
        raise Conflict(
            _("This round is not waiting for a decision (%(status)s).")
            % {"status": round_.get_status_display()}
        )
    decision = Decision.APPROVE if approve else Decision.REJECT
    if RoundDecision.objects.filter(round=round_, revision=round_.revision, member=actor).exists():
        raise Conflict(_("You have already decided on this version of the round."))
    if not approve and not note.strip():
        raise InvalidInput(_("Say why you reject it."), field="note")
    RoundDecision.objects.create(
        round=round_,
        revision=round_.revision,
        member=actor,
        decision=decision,
        note=note.strip(),
        at=timezone.now(),
    )
    quorum = rules_current(community_id=round_.community_id)["approval_quorum"]
    count = RoundDecision.objects.filter(
        round=round_, revision=round_.revision, decision=decision
    ).count()
    if count >= quorum:
        round_.status = RoundStatus.APPROVED if approve else RoundStatus.REJECTED
        round_.save(update_fields=["status"])
        if approve:
            coordinators = Membership.objects.filter(
                community_id=round_.community_id, is_coordinator=True, is_active=True
            )
            notify_members(
                memberships=coordinators,
                kind="allocation.approved",
                params={"resource": round_.resource.name, "pool": round_.pool.name},
            )
    # Who decided what is the community's to check; the note can name a household and its
    # situation, so it goes into an entry of its own that only coordinators and the committee
    # read (as on the round's page).
    audit_append(
        community_id=round_.community_id,
        actor_id=actor.id,
        verb=f"round.{decision}",
        object_type="allocationround",
        object_id=round_.id,
        data={"revision": round_.revision, "status": round_.status},
    )
    if note.strip():
        audit_append(
            community_id=round_.community_id,
            actor_id=actor.id,
            verb="round.decision_note",
            object_type="allocationround",
            object_id=round_.id,
            data={"revision": round_.revision, "decision": decision, "note": note.strip()},
            private=True,
        )
    return round_


def allocation_delivery_reversed(*, actor: Membership, event, reversal) -> None:
    """A share handed out by a round was reversed (inside the reversal's transaction): the
    household's need is lacking it again. A household with several needs in one round has its
    needs lowered starting with the share of exactly the reversed amount, then in order."""
    round_ = AllocationRound.objects.select_for_update(of=("self",)).get(pk=event.cause_id)
    shares = sorted(
        round_.shares.filter(
            revision=round_.revision, household_id=event.receiver_household_id, share__gt=0
        ),
        key=lambda s: (s.share != event.quantity, s.id),
    )
    left = event.quantity
    for s in shares:
        if left <= 0:
            break
        part = min(left, s.share)
        need_met_change(need_id=s.need_id, by=-part)
        left -= part
    audit_append(
        community_id=round_.community_id,
        actor_id=actor.id,
        verb="round.delivery_reversed",
        object_type="allocationround",
        object_id=round_.id,
        data={
            "household": event.receiver_household_id,
            "quantity": event.quantity,
            "reversal": reversal.id,
        },
        household_id=event.receiver_household_id,
    )


def _check_still_receivable(round_: AllocationRound, shares: list[AllocationShare]) -> None:
    """Lock the round's needs, then refuse the whole round if any can no longer take its share
    (a promise delivered meanwhile, another round carried out): changing nothing."""
    needs = Need.objects.filter(
        shares__round=round_, shares__revision=round_.revision, shares__share__gt=0
    )
    list(needs.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    receivable = dict(
        needs_with_receivable(needs, exclude_round=round_).values_list("pk", "receivable")
    )
    for s in sorted(shares, key=lambda s: s.household.name):
        left = receivable[s.need_id]
        if s.share > left:
            raise Conflict(
                _(
                    "The need of %(household)s for %(resource)s can now take only %(left)s; "
                    "cancel this round and open a new one."
                )
                % {
                    "household": s.household,
                    "resource": round_.resource.name,
                    "left": format_quantity(max(0, left), resource=round_.resource),
                }
            )


def _notify_shares(round_: AllocationRound, shares: list[AllocationShare]) -> None:
    """Each household's members told their share and why: one query, one bulk insert."""
    from pomochi.aid.explain import share_sentence

    resource, now = round_.resource, timezone.now()
    members: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(
        household_id__in=round_.shares.filter(revision=round_.revision).values("household_id"),
        is_active=True,
    ):
        members.setdefault(m.household_id, []).append(m)
    rows = []
    for s in shares:
        if s.household_id not in members:
            continue
        params = {
            "resource": resource.name,
            "pool": round_.pool.name,
            "amount": format_quantity(s.share, resource=resource),
            "why": share_sentence(s, resource),
        }
        rows += [
            Notification(
                community_id=m.community_id,
                recipient=m,
                kind="allocation.share",
                params=params,
                created_at=now,
            )
            for m in members[s.household_id]
        ]
    Notification.objects.bulk_create(rows)


@transaction.atomic
def round_execute(*, actor: Membership, round: AllocationRound) -> AllocationRound:
    """Carry out an approved round: every share distributed in one batch, all or none; needs
    updated; each household told its share and why. Refused whole, changing nothing, if a need
    can no longer take its share. A fixed number of statements whatever the number of shares."""
    policy.require(actor, "round.execute", round)
    round_ = _locked(round)
    if round_.status == RoundStatus.EXECUTED:
        raise Conflict(_("This round has already been carried out."))
    if round_.status != RoundStatus.APPROVED:
        raise Conflict(_("The committee has not approved this round yet."))
    every = list(
        round_.shares.filter(revision=round_.revision).select_related("household").order_by("id")
    )
    shares = [s for s in every if s.share > 0]
    _check_still_receivable(round_, shares)
    cause = ledger.Cause("allocation", round_.id)
    if shares:
        ledger.events_distribute_batch(
            actor=actor,
            pool=round_.pool,
            resource=round_.resource,
            lines=[
                ledger.Line(household=s.household, quantity=s.share, cause=cause) for s in shares
            ],
            return_events=False,
        )
        given = round_.shares.filter(revision=round_.revision, share__gt=0)
        needs_met_change(
            needs=Need.objects.filter(pk__in=given.values("need_id")),
            by=Subquery(given.filter(need_id=OuterRef("pk")).values("share")[:1]),
        )
    round_.status = RoundStatus.EXECUTED
    round_.executed_at, round_.executed_by = timezone.now(), actor
    round_.save(update_fields=["status", "executed_at", "executed_by"])
    _audit(actor, "round.execute", round_)
    _notify_shares(round_, every)
    return round_


@transaction.atomic
def round_cancel(*, actor: Membership, round: AllocationRound) -> AllocationRound:
    policy.require(actor, "round.edit", round)
    round_ = _locked(round)
    if round_.status == RoundStatus.EXECUTED:
        raise Conflict(_("This round has already been carried out."))
    round_.status = RoundStatus.CANCELLED
    round_.save(update_fields=["status"])
    _audit(actor, "round.cancel", round_)
    return round_


@transaction.atomic
def appeal_file(*, actor: Membership, share: AllocationShare, reason: str) -> Appeal:
    """A household appeals its share, within the bylaws' window after the round was carried out."""
    policy.require(actor, "appeal.file", share)
    round_ = AllocationRound.objects.get(pk=share.round_id)  # as it is now, not as cached
    if round_.status != RoundStatus.EXECUTED or share.revision != round_.revision:
        raise Conflict(_("Only a share that was handed out can be appealed."))
    window = rules_current(community_id=round_.community_id)["appeal_window_days"]
    if timezone.now() > round_.executed_at + timedelta(days=window):
        raise Conflict(_("The %(days)d days to appeal this round have passed.") % {"days": window})
    if not reason.strip():
        raise InvalidInput(_("Say why the share is wrong."), field="reason")
    if Appeal.objects.filter(share=share).exists():
        raise Conflict(_("This share has already been appealed."))
    appeal = Appeal.objects.create(
        round=round_,
        share=share,
        household=share.household,
        reason=reason.strip(),
        created_at=timezone.now(),
        created_by=actor,
    )
    audit_append(
        community_id=round_.community_id,
        actor_id=actor.id,
        verb="appeal.file",
        object_type="appeal",
        object_id=appeal.id,
        household_id=share.household_id,
        data={"round": round_.id, "share": share.id, "reason": appeal.reason},
    )
    committee = Membership.objects.filter(
        community_id=round_.community_id, is_committee=True, is_active=True
    )
    notify_members(
        memberships=committee, kind="appeal.filed", params={"resource": round_.resource.name}
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Membership, appeal: Appeal, upheld: bool, note: str) -> Appeal:
    """The committee's decision, on the record. (What follows an upheld appeal — a correction
    or a new round — is the committee's next step; the full dispute process comes later.)"""
    policy.require(actor, "appeal.decide", appeal.round)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    if appeal.decided_at:
        raise Conflict(_("This appeal has already been decided."))
    if not note.strip():
        raise InvalidInput(_("Give the reasons for the decision."), field="note")
    appeal.decision = "upheld" if upheld else "dismissed"
    appeal.decision_note, appeal.decided_at, appeal.decided_by = note.strip(), timezone.now(), actor
    appeal.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
    audit_append(
        community_id=appeal.round.community_id,
        actor_id=actor.id,
        verb="appeal.decide",
        object_type="appeal",
        object_id=appeal.id,
        household_id=appeal.household_id,
        data={"decision": appeal.decision, "note": appeal.decision_note},
    )
    notify_household(
        household=appeal.household,
        kind="appeal.decided",
        params={
            "resource": appeal.round.resource.name,
            "decision": _("upheld") if upheld else _("dismissed"),
        },
    )
    return appeal
