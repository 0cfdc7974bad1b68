"""Mutual aid on the home page: what waits for a coordinator or the committee (the sources of
web.attention, registered in AidConfig.ready) and what a member's own household has going
(`member_home_for`). Reads only, a fixed number of queries each however many needs, promises
and rounds the community has.

Each item is shown to whoever acts on it, by the policy's rule for that act:
    need.unanswered   urgent or overdue needs with nothing promised or allotted  need.answer
    promise.overdue   owed promises past their date                           commitment.fail
    round.decide      draft rounds this committee member has not decided on      round.decide
    round.execute     approved rounds, ready to carry out                        round.execute
    appeal.waiting    appeals the committee has not decided                      appeal.decide
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.aid import selectors
from pomochi.aid.explain import share_sentence
from pomochi.aid.models import (
    AllocationRound,
    AllocationShare,
    Appeal,
    Commitment,
    Need,
    RoundDecision,
    RoundStatus,
    Urgency,
)
from pomochi.aid.presenters import commitment_view, need_view
from pomochi.communities import policy
from pomochi.communities.models import Community, Membership
from pomochi.communities.selectors import rules_current
from pomochi.web.attention import LATE, NOW, SHOWN, WAITING, Item, capped, today_in

# ---------------------------------------------------------------------------------------------
# What needs attention
# ---------------------------------------------------------------------------------------------


def _url(name: str, community: Community, *args) -> str:
    return reverse(name, args=[community.slug, *args])


def _day(iso: str) -> str:
    return date_format(date.fromisoformat(iso), "DATE_FORMAT")


def needs_unanswered(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """Urgent needs and needs past their date that nothing answers: still short, no promise
    holding any of it (owed, or proposed and awaiting its answer), no share in a draft or
    approved round. Urgent ones first, then by date."""
    if not policy.can(actor, "need.answer", community):
        return []
    needs = selectors.nothing_held(
        Need.objects.filter(
            Q(urgency=Urgency.URGENT) | Q(needed_by__lt=today),
            community=community,
            withdrawn_at__isnull=True,
            quantity_met__lt=F("quantity"),
            household__archived_at__isnull=True,  # a household that left waits for nothing
        ),
        today=today,
    )
    first = needs.select_related("household", "resource").order_by(
        Case(When(urgency=Urgency.URGENT, then=Value(0)), default=Value(1)),
        F("needed_by").asc(nulls_last=True),
        "created_at",
        "id",
    )[:SHOWN]
    items = [
        Item(
            kind="need.unanswered",
            params={
                "household": n.household.name,
                "amount": n.resource.format(n.remaining),
                "resource": n.resource.name,
                "needed_by": n.needed_by.isoformat() if n.needed_by else None,
                "urgent": n.urgency == Urgency.URGENT,
                "overdue": bool(n.needed_by and n.needed_by < today),
            },
            link=_url("need", community, n.id),
            order=NOW if n.urgency == Urgency.URGENT else LATE,
            urgent=n.urgency == Urgency.URGENT,
        )
        for n in first
    ]
    return capped(
        items,
        of=needs,
        kind="need.unanswered.more",
        link=_url("needs", community),
    )


def promises_overdue(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """Owed promises past their date: to chase, or to record as broken or excused."""
    if not policy.can(actor, "commitment.fail", community):
        return []
    overdue = selectors.commitments_overdue(community=community, today=today).filter(
        receiver_household__archived_at__isnull=True
    )
    items = [
        Item(
            kind="promise.overdue",
            params={
                "giver": c.giver_pool.name if c.giver_pool_id else c.giver_household.name,
                "receiver": c.receiver_household.name,
                "amount": c.resource.format(c.remaining),
                "resource": c.resource.name,
                "due_on": c.due_on.isoformat(),
            },
            link=_url("promise", community, c.id),
            order=LATE,
        )
        for c in overdue[:SHOWN]
    ]
    return capped(
        items,
        of=overdue,
        kind="promise.overdue.more",
        link=_url("promises", community),
    )


def _round_params(r: AllocationRound) -> dict:
    return {
        "amount": r.resource.format(r.quantity),
        "resource": r.resource.name,
        "pool": r.pool.name,
        "revision": r.revision,
    }


def rounds_waiting(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """For the committee, the drafts this member has not decided on (their current revision);
    for coordinators, the approved rounds ready to carry out. Oldest first."""
    items: list[Item] = []
    rounds = AllocationRound.objects.filter(community=community).select_related("pool", "resource")
    if policy.can(actor, "round.decide", community):
        decided = RoundDecision.objects.filter(
            round_id=OuterRef("pk"), revision=OuterRef("revision"), member=actor
        )
        drafts = (
            rounds.filter(status=RoundStatus.DRAFT)
            .exclude(Exists(decided))
            .order_by("created_at", "id")
        )
        first = [
            Item(
                kind="round.decide",
                params=_round_params(r),
                link=_url("round", community, r.id),
                order=WAITING,
            )
            for r in drafts[:SHOWN]
        ]
        items += capped(
            first,
            of=drafts,
            kind="round.decide.more",
            link=_url("rounds", community),
        )
    if policy.can(actor, "round.execute", community):
        approved = rounds.filter(status=RoundStatus.APPROVED).order_by("created_at", "id")
        first = [
            Item(
                kind="round.execute",
                params=_round_params(r),
                link=_url("round-execute", community, r.id),
                order=WAITING,
            )
            for r in approved[:SHOWN]
        ]
        items += capped(
            first,
            of=approved,
            kind="round.execute.more",
            link=_url("rounds", community),
        )
    return items


def appeals_waiting(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """Appeals the committee has not decided, oldest first (the reason stays on the round's
    page: it can name people)."""
    if not policy.can(actor, "appeal.decide", community):
        return []
    appeals = Appeal.objects.filter(round__community=community, decided_at__isnull=True)
    first = appeals.select_related("household", "share", "round__pool", "round__resource")
    items = [
        Item(
            kind="appeal.waiting",
            params={
                "household": a.household.name,
                "amount": a.round.resource.format(a.share.share),
                "resource": a.round.resource.name,
                "pool": a.round.pool.name,
            },
            link=_url("round", community, a.round_id) + "#appeals",
            order=WAITING,
        )
        for a in first.order_by("created_at", "id")[:SHOWN]
    ]
    return capped(
        items,
        of=appeals,
        kind="appeal.waiting.more",
        link=_url("rounds", community),
    )


def _need_sentence(p: dict, count: int) -> str:
    words = {"household": p["household"], "amount": p["amount"], "resource": p["resource"]}
    if p["overdue"] and p["urgent"]:
        return _(
            "%(household)s: %(amount)s of %(resource)s, urgent, was needed by %(date)s; "
            "nothing is promised."
        ) % (words | {"date": _day(p["needed_by"])})
    if p["overdue"]:
        return _(
            "%(household)s: %(amount)s of %(resource)s was needed by %(date)s; nothing is promised."
        ) % (words | {"date": _day(p["needed_by"])})
    return _("%(household)s: %(amount)s of %(resource)s needed urgently; nothing is promised.") % (
        words
    )


def _more(singular: str, plural: str):
    def say(p: dict, count: int) -> str:
        return ngettext(singular, plural, count) % {"n": count}

    return say


SENTENCES = {
    "need.unanswered": _need_sentence,
    "need.unanswered.more": _more(
        "%(n)d more need waits for a promise.", "%(n)d more needs wait for a promise."
    ),
    "promise.overdue": lambda p, count: (
        _(
            "Due on %(date)s and not delivered: %(amount)s of %(resource)s promised by %(giver)s "
            "to %(receiver)s."
        )
        % (p | {"date": _day(p["due_on"])})
    ),
    "promise.overdue.more": _more(
        "%(n)d more promise is overdue.", "%(n)d more promises are overdue."
    ),
    "round.decide": lambda p, count: (
        _("Waiting for your decision: a round of %(amount)s of %(resource)s from %(pool)s.") % p
    ),
    "round.decide.more": _more(
        "%(n)d more round waits for your decision.", "%(n)d more rounds wait for your decision."
    ),
    "round.execute": lambda p, count: (
        _("Approved, ready to carry out: %(amount)s of %(resource)s from %(pool)s.") % p
    ),
    "round.execute.more": _more(
        "%(n)d more approved round is ready to carry out.",
        "%(n)d more approved rounds are ready to carry out.",
    ),
    "appeal.waiting": lambda p, count: (
        _("%(household)s appeal their share of %(amount)s of %(resource)s from %(pool)s.") % p
    ),
    "appeal.waiting.more": _more(
        "%(n)d more appeal waits for the committee.",
        "%(n)d more appeals wait for the committee.",
    ),
}

SOURCES = (needs_unanswered, promises_overdue, rounds_waiting, appeals_waiting)


def register() -> None:
    from pomochi.web.attention import register_attention

    for source in SOURCES:
        register_attention(source, sentences=SENTENCES)


# ---------------------------------------------------------------------------------------------
# A member's own household
# ---------------------------------------------------------------------------------------------

# How many of the household's needs and promises the home page lists (the rest: their pages).
OWN_SHOWN = 5


@dataclass(frozen=True)
class MemberHome:
    """What a member's own household has going. Rows are the presenters' dicts, with:
    needs: `held` (what promises and open rounds hold for it, in units) and `link`;
    promises: `to_answer` (proposed in the household's name: its answer is asked) and `link`;
    shares: the share, the round's store, resource and state, and why (`why`), and `link`."""

    household_name: str
    needs: list[dict]
    more_needs: int
    promises: list[dict]
    more_promises: int
    shares: list[dict]

    @property
    def empty(self) -> bool:
        return not (self.needs or self.promises or self.shares)


def member_home_for(
    *, actor: Membership, community: Community, today: date | None = None
) -> MemberHome | None:
    """The member's household's needs (the unmet first) and their state, its open promises given
    and received (those waiting for its own answer first), and its shares in rounds not yet
    carried out or carried out within the bylaws' appeal window. None without a household."""
    if actor.household_id is None or actor.community_id != community.id:
        return None
    household = actor.household
    today = today or today_in(community)

    needs = Need.objects.filter(community=community, household=household, withdrawn_at=None)
    listed = list(
        needs.select_related("household", "resource").order_by(
            Case(When(quantity_met__gte=F("quantity"), then=Value(1)), default=Value(0)),
            "-created_at",
            "-id",
        )[:OWN_SHOWN]
    )
    held = selectors.needs_held(need_ids=[n.pk for n in listed]) if listed else {}
    need_rows = []
    for n in listed:
        if view := need_view(actor=actor, obj=n, today=today):
            view["held"] = n.resource.format(held.get(n.pk, 0)) if held.get(n.pk) else ""
            view["link"] = _url("need", community, n.id)
            need_rows.append(view)

    # Open promises: owed, or proposed and not yet past their date (an unanswered proposal
    # owes nothing); declined, withdrawn and closed ones are on the promises page.
    promises = (
        Commitment.objects.filter(
            Q(giver_household=household) | Q(receiver_household=household),
            community=community,
            fate="",
            declined_at__isnull=True,
        )
        .exclude(accepted_at__isnull=True, due_on__lt=today)
        .select_related("giver_household", "giver_pool", "receiver_household", "resource")
    )
    answer_first = Case(
        When(accepted_at__isnull=True, giver_household=household, then=Value(0)), default=Value(1)
    )
    promise_rows = []
    for c in promises.order_by(answer_first, "due_on", "id")[:OWN_SHOWN]:
        if view := commitment_view(actor=actor, obj=c, today=today):
            view["to_answer"] = (
                c.accepted_at is None
                and c.giver_household_id == actor.household_id
                and policy.can(actor, "commitment.answer", c)
            )
            view["link"] = _url("promise", community, c.id)
            promise_rows.append(view)

    window = rules_current(community_id=community.id)["appeal_window_days"]
    recent = timezone.now() - timedelta(days=window)
    shares = (
        AllocationShare.objects.filter(
            Q(round__status__in=selectors.OPEN_ROUNDS)
            | Q(round__status=RoundStatus.EXECUTED, round__executed_at__gte=recent),
            round__community=community,
            household=household,
            revision=F("round__revision"),
        )
        .select_related("round__pool", "round__resource", "household")
        .order_by("-round__created_at", "id")
    )
    share_rows = []
    for s in policy.allowed_among(actor, "share.view", shares):
        r = s.round
        share_rows.append(
            {
                "amount": r.resource.format(s.share),
                "asked": r.resource.format(s.asked),
                "resource_name": r.resource.name,
                "pool_name": r.pool.name,
                "status": r.status,
                "status_name": RoundStatus(r.status).label,
                "executed_at": r.executed_at,
                "why": share_sentence(s, r.resource),
                "link": _url("round", community, r.id),
            }
        )
    return MemberHome(
        household_name=household.name,
        needs=need_rows,
        more_needs=needs.count() - len(listed),
        promises=promise_rows,
        more_promises=promises.count() - len(promise_rows),
        shares=share_rows,
    )
