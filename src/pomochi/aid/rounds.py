"""Allocation rounds: scarce stock shared among needs by a rule of the bylaws.

draft → approved (the bylaws' quorum of committee approvals) → carried out as one batch of
distributions. Every edit is a new revision; shares and decisions of older revisions stay.
"""

import hashlib
import json
from datetime import timedelta
from operator import itemgetter
from types import SimpleNamespace

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi import fairshare
from pomochi.aid import sql
from pomochi.aid.explain import share_sentence
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
from pomochi.aid.selectors import needs_held, receivable
from pomochi.aid.services import need_met_change
from pomochi.audit.chain import canonical_json
from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.models import Household, Membership, ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.communities.selectors import rules_current
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger import services as ledger
from pomochi.ledger.models import Holding, Pool
from pomochi.notify.messages import register_params
from pomochi.notify.services import announce, deliver_after_commit
from pomochi.text import text_or_refuse


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


def _priorities(columns: dict) -> list[int]:
    """priority_of for every need of _check_needs, from its columns."""
    return [
        URGENCY_RANK[urgency] * 2 + int(bool(children or elderly or ill))
        for urgency, children, elderly, ill in zip(
            columns["urgency"],
            columns["household__has_children"],
            columns["household__has_elderly"],
            columns["household__has_ill_or_disabled"],
            strict=True,
        )
    ]


def _explanations(result: fairshare.Allocation) -> list[str]:
    """Every share's _explanation(result.explain(i)) as JSON text, built from the parts the
    shares have in common (a round of 10,000 has a handful of distinct caps and tiers)."""
    dumps = json.dumps
    head = dumps({"rule": result.rule})[:-1]
    tail = (
        f', "shared_total": {dumps(result.total)}, "households": {dumps(result.households)},'
        f' "handed_out": {dumps(result.handed_out)}, "size": '
    )
    caps: dict[tuple[int, int], str] = {}

    def cap(level: int, weight: int) -> str:
        if (level, weight) not in caps:
            value = result.levels[level]
            caps[level, weight] = (
                "null"
                if value is None
                else dumps([(weight * value).numerator, (weight * value).denominator])
            )
        return caps[level, weight]

    n = result.households
    if result.tiers is None:
        tiers = ["null"] * n
    else:
        t = result.tiers
        facts = [
            dumps(
                {
                    "priority": int(t.priorities[k]),
                    "households": int(t.households[k]),
                    "asked": int(t.asked[k]),
                    "available": int(t.available[k]),
                    "status": str(t.status[k]),
                }
            )
            for k in range(len(t.priorities))
        ]
        tiers = [facts[k] for k in t.tier_of.tolist()]
    sizes = ["null"] * n if result.sizes is None else [str(x) for x in result.sizes.tolist()]
    return [
        f'{head}, "asked": {asked}, "share": {share}, "cap": {cap(level, weight)},'
        f' "capped": {"true" if capped else "false"}{tail}{size}, "tier": {tier}}}'
        for asked, share, level, weight, capped, size, tier in zip(
            result.asked.tolist(),
            result.shares.tolist(),
            result.level_of.tolist(),
            result.cap_weights.tolist(),
            result.capped.tolist(),
            sizes,
            tiers,
            strict=True,
        )
    ]


def _compute(round_: AllocationRound, needs: dict, receivable: list[int]) -> list[tuple]:
    """Shares of what each need may still receive (the columns of _check_needs and their
    figures): (need id, household id, asked, share, explanation as JSON text), in their order."""
    asked = np.maximum(np.array(receivable, dtype=np.int64), 0)
    kwargs = {"ids": np.array(needs["household_id"], dtype=np.int64)}
    if round_.rule in ("per_person", "priority_tiers"):
        kwargs["sizes"] = np.array(needs["household__size"], dtype=np.int64)
    if round_.rule == "priority_tiers":
        kwargs["priorities"] = np.array(_priorities(needs), dtype=np.int64)
    result = fairshare.allocate(round_.rule, asked, round_.quantity, **kwargs)
    return list(
        zip(
            needs["pk"],
            kwargs["ids"].tolist(),
            asked.tolist(),
            result.shares.tolist(),
            _explanations(result),
            strict=True,
        )
    )


def _shares_save(round_: AllocationRound, shares: list[tuple]) -> None:
    with connection.cursor() as cursor:
        sql.shares_insert_many(cursor, round_id=round_.id, revision=round_.revision, rows=shares)


def _shares_digest(shares: list[tuple]) -> str:
    """The shares bound into the chain: a digest the committee can check against the round.

    It is written in an entry of its own that only coordinators and the committee read: a digest
    of small ids and amounts in a public payload could be recovered by trying them all."""
    # Tuples, not lists: the same JSON, and nothing for the garbage collector to follow.
    rows = sorted((need, household, asked, share) for need, household, asked, share, _e in shares)
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
        data |= {"households": len(shares), "asked": sum(row[2] for row in shares)}
    audit_append(
        community_id=round_.community_id,
        actor_id=actor.id,
        verb=verb,
        object_type="allocationround",
        object_id=round_.id,
        data=data,
    )
    if shares is not None:
        audit_append(
            community_id=round_.community_id,
            actor_id=actor.id,
            verb="round.shares",
            object_type="allocationround",
            object_id=round_.id,
            data={"revision": round_.revision, "shares_digest": _shares_digest(shares)},
            private=True,
        )


# What _check_needs reads of each need beyond its figures: what the rule weighs (a round reads
# up to 10,000 needs; every column read is a cost on each). Named as aid.sql.NEED_COLUMNS.
RULE_FIELDS = {
    "per_person": ("household__size",),
    "priority_tiers": (
        "household__size",
        "urgency",
        "household__has_children",
        "household__has_elderly",
        "household__has_ill_or_disabled",
    ),
}

# Work per round is bounded: one allocation over at most this many needs.
MAX_NEEDS_PER_ROUND = 10_000


def _check_needs(
    pool: Pool,
    resource: ResourceType,
    needs: list[Need | int],
    rule: str,
    exclude_round: AllocationRound | None = None,
) -> tuple[dict, list[int]]:
    """The needs named (objects or ids, each counted once), locked and read in one statement,
    and what each may still receive; refused unless all are open needs for this resource, here.
    Columns (pk, household_id, quantity, quantity_met, fits and the rule's RULE_FIELDS, each a
    list) rather than models, in household order, and their figures: a round reads up to
    10,000, and plain tuples, unlike models or named tuples, leave the garbage collector
    nothing to follow. The checks are made in the statement (aid.sql.needs_lock_read); only
    when one fails are the needs read again, to name the first refused."""
    ids = list(dict.fromkeys(n if isinstance(n, int) else n.pk for n in needs))
    if not ids:
        raise InvalidInput(_("Choose the needs to share among."), field="needs")
    if len(ids) > MAX_NEEDS_PER_ROUND:
        raise InvalidInput(
            _("A round can share among at most %(max)s needs; %(n)s were chosen.")
            % {"max": f"{MAX_NEEDS_PER_ROUND:,}", "n": f"{len(ids):,}"},
            field="needs",
        )
    named = sql.ids_subquery(ids)  # one parameter, not 10,000
    extra = RULE_FIELDS.get(rule, ())
    fields = ("pk", "household_id", "quantity", "quantity_met", "fits", *extra)
    # Locked and read first, then what is held for them: counted after any writer that held
    # the needs has committed (PostgreSQL; SQLite's IMMEDIATE transaction serialises anyway).
    with connection.cursor() as cursor:
        rows = sql.needs_lock_read(
            cursor,
            community_id=pool.community_id,
            named=named,
            resource_id=resource.id,
            today=timezone.localdate(),
            columns=extra,
        )
    if len(rows) != len(ids):
        raise InvalidInput(
            _("There is no such %(thing)s in this community.") % {"thing": Need._meta.verbose_name},
            field="needs",
        )
    rows.sort(key=itemgetter(1))  # household order
    households = list(map(itemgetter(1), rows))
    if not all(map(itemgetter(4), rows)) or len(set(households)) != len(households):
        _refuse_needs(pool, resource, ids)
    # Column by column: zip(*rows) would hold an iterator per row, 10,000 objects to collect.
    columns = {name: list(map(itemgetter(i), rows)) for i, name in enumerate(fields)}
    held = needs_held(need_ids=named, exclude_round=exclude_round)
    return columns, [
        receivable(asked=asked, met=met, held=held.get(pk, 0))
        for pk, asked, met in zip(
            columns["pk"], columns["quantity"], columns["quantity_met"], strict=True
        )
    ]


def _refuse_needs(pool: Pool, resource: ResourceType, ids: list[int]) -> None:
    """Name the first need, in household order, that cannot be in the round (for another
    resource, no longer open, a second need of its household): the needs read again as models,
    only when needs_lock_read found one."""
    today = timezone.localdate()
    seen = set()
    needs = Need.objects.filter(community_id=pool.community_id, pk__in=ids).order_by(
        "household_id", "pk"
    )
    for need in needs:
        if need.resource_id != resource.id:
            raise InvalidInput(
                _("Every need in a round must be for %(resource)s, here.")
                % {"resource": resource.name},
                field="needs",
            )
        if need.state(today) not in ("open", "partly_met"):
            raise InvalidInput(
                _("The need of %(household)s is no longer open.")
                % {"household": _household_name(need.household_id)},
                field="needs",
            )
        if need.household_id in seen:
            raise InvalidInput(
                _("%(household)s has two needs in this round; keep one.")
                % {"household": _household_name(need.household_id)},
                field="needs",
            )
        seen.add(need.household_id)
    raise AssertionError("needs_lock_read refused a need that the checks let through")


def _household_name(household_id: int) -> str:
    """For a refusal's message only: the needs are read without their households' names."""
    return Household.objects.values_list("name", flat=True).get(pk=household_id)


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
    is given a share only of what it may still receive (aid.selectors.receivable): not what is
    met, promised, or allotted by another round still open."""
    policy.require(actor, "round.open", pool)
    note = text_or_refuse(note, field="note")
    if resource.community_id != pool.community_id:
        raise InvalidInput(_("That resource belongs to another community."), field="resource")
    rule = rule or rules_current(community_id=pool.community_id)["allocation_rule"]
    _check_rule(rule)
    _check_quantity(pool, resource, quantity)
    needs, figures = _check_needs(pool, resource, needs, rule)
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
    shares = _compute(round_, needs, figures)
    _shares_save(round_, shares)
    _audit(actor, "round.open", round_, shares)
    announce(
        kind="allocation.decide",
        community_id=pool.community_id,
        params={"resource": resource.name, "pool": pool.name},
        about="round",
        about_id=round_.id,
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
    needs, figures = _check_needs(
        round_.pool, round_.resource, needs, round_.rule, exclude_round=round_
    )
    round_.revision += 1
    round_.status = RoundStatus.DRAFT
    round_.save(update_fields=["rule", "quantity", "revision", "status"])
    shares = _compute(round_, needs, figures)
    _shares_save(round_, shares)
    _audit(actor, "round.edit", round_, shares)
    return round_


@transaction.atomic
def round_decide(
    *, actor: Membership, round: AllocationRound, approve: bool, note: str = ""
) -> AllocationRound:
    """A committee member approves or rejects the current revision; the bylaws' quorum of
    either decides the round."""
    policy.require(actor, "round.decide", round)
    note = text_or_refuse(note, field="note")
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
            announce(
                kind="allocation.approved",
                community_id=round_.community_id,
                params={"resource": round_.resource.name, "pool": round_.pool.name},
                about="round",
                about_id=round_.id,
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


def _shares_to_hand_out(round_: AllocationRound) -> list:
    """The current revision's shares above 0, in their order, read with their needs in the
    statement that locks the needs, then rechecked: the whole round refused, changing nothing,
    if any need can no longer take its share (a promise delivered meanwhile, another round
    carried out). The first refused, by household name, is named."""
    with connection.cursor() as cursor:
        rows = sql.round_needs_lock(cursor, round_id=round_.id, revision=round_.revision)
    held = needs_held(
        need_ids=round_.shares.filter(revision=round_.revision, share__gt=0).values("need_id"),
        exclude_round=round_,
    )
    shares, refused = [], []
    for share_id, need_id, household_id, share, asked, met in rows:
        left = receivable(asked=asked, met=met, held=held.get(need_id, 0))
        shares.append((share_id, need_id, household_id, share))
        if share > left:
            refused.append((household_id, share_id, left))
    if refused:
        names = dict(
            Household.objects.filter(pk__in={r[0] for r in refused}).values_list("pk", "name")
        )
        household_id, _share_id, left = min(refused, key=lambda r: (names[r[0]], r[1]))
        raise Conflict(
            _(
                "The need of %(household)s for %(resource)s can now take only %(left)s; "
                "cancel this round and open a new one."
            )
            % {
                "household": names[household_id],
                "resource": round_.resource.name,
                "left": format_quantity(max(0, left), resource=round_.resource),
            }
        )
    shares.sort()  # by share id: the batch's order
    return shares


class _ShareLine:
    """A share as the ledger's batch reads a line (ledger.Line: household, quantity, cause,
    note) and its household (id, community): one small object per share, its own household,
    rather than a Line and a Household stand-in, for the 10,000 of a round (each one more
    object for the garbage collector to follow while the batch runs)."""

    __slots__ = ("id", "community_id", "quantity", "cause")
    note = ""

    def __init__(self, household_id: int, community_id: int, quantity: int, cause):
        self.id, self.community_id, self.quantity, self.cause = (
            household_id,
            community_id,
            quantity,
            cause,
        )

    @property
    def household(self) -> "_ShareLine":
        return self


def _notify_shares(round_: AllocationRound) -> None:
    """Each household's members told their share and why, in one INSERT … SELECT: the
    notification keeps the facts (the share's id, its amount in the smallest unit), worded in
    the reader's language when read, with the explanation the share keeps (_share_words)."""
    resource = round_.resource
    head = json.dumps(
        {
            "resource": resource.name,
            "pool": round_.pool.name,
            "unit": resource.unit,
            "decimal_places": resource.decimal_places,
            "round": round_.id,
        }
    )[:-1]
    with connection.cursor() as cursor:
        sql.share_notifications_insert(
            cursor,
            round_id=round_.id,
            revision=round_.revision,
            kind="allocation.share",
            params_head=head,
            membership_table=Membership._meta.db_table,
            created_at=cursor.db.ops.adapt_datetimefield_value(timezone.now()),
        )
    deliver_after_commit()


def _share_words(many: list[dict]) -> list[dict]:
    """allocation.share notifications' words from their facts, the explanations read from their
    shares in one query. Older rows are shown as they were written: with the explanation copied
    in ("explanation"), or, older still, with the words already made ("amount" and "why" as
    text)."""
    wanted = [p["share"] for p in many if "why" not in p and "explanation" not in p]
    explained = (
        dict(AllocationShare.objects.filter(pk__in=wanted).values_list("pk", "explanation"))
        if wanted
        else {}
    )
    words = []
    for params in many:
        if "why" in params:
            words.append(params)
            continue
        unit = SimpleNamespace(unit=params["unit"], decimal_places=params["decimal_places"])
        explanation = params.get("explanation") or explained[params["share"]]
        words.append(
            params
            | {
                "amount": format_quantity(params["amount"], resource=unit),
                "why": share_sentence(SimpleNamespace(explanation=explanation), unit),
            }
        )
    return words


register_params("allocation.share", _share_words)


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
    shares = _shares_to_hand_out(round_)
    cause = ledger.Cause("allocation", round_.id)
    if shares:
        community_id = round_.community_id
        ledger.events_distribute_batch(
            actor=actor,
            pool=round_.pool,
            resource=round_.resource,
            lines=[
                _ShareLine(household_id, community_id, share, cause)
                for _id, _need_id, household_id, share in shares
            ],
            return_events=False,
        )
        with connection.cursor() as cursor:  # needs met, read from the shares
            sql.needs_met_add_shares(cursor, round_id=round_.id, revision=round_.revision)
    round_.status = RoundStatus.EXECUTED
    round_.executed_at, round_.executed_by = timezone.now(), actor
    round_.save(update_fields=["status", "executed_at", "executed_by"])
    _audit(actor, "round.execute", round_)
    _notify_shares(round_)
    announce(
        kind="allocation.executed",
        community_id=round_.community_id,
        params={
            "resource": round_.resource.name,
            "pool": round_.pool.name,
            "households": len({household_id for _i, _n, household_id, _s in shares}),
        },
        about="round",
        about_id=round_.id,
        exclude=actor,
    )
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
    reason = text_or_refuse(reason, field="reason")
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
    announce(
        kind="appeal.filed",
        community_id=round_.community_id,
        params={"resource": round_.resource.name},
        about="round",
        about_id=round_.id,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Membership, appeal: Appeal, upheld: bool, note: str) -> Appeal:
    """The committee's decision, on the record. (What follows an upheld appeal — a correction
    or a new round — is the committee's next step; the full dispute process comes later.)"""
    policy.require(actor, "appeal.decide", appeal.round)
    note = text_or_refuse(note, field="note")
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
    announce(
        kind="appeal.decided",
        community_id=appeal.round.community_id,
        household=appeal.household,
        params={"resource": appeal.round.resource.name, "upheld": upheld},
        about="round",
        about_id=appeal.round_id,
    )
    return appeal
