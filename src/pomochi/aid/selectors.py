"""Reads of needs, offers, commitments and rounds: privacy applied here, once."""

import operator
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pomochi.aid import sql
from pomochi.aid.filters import (
    NO_NEED_CRITERIA,
    NO_OFFER_CRITERIA,
    NO_ROUND_CRITERIA,
    NeedCriteria,
    OfferCriteria,
    RoundCriteria,
)
from pomochi.aid.models import (
    AllocationRound,
    AllocationShare,
    Commitment,
    Fate,
    Need,
    Offer,
    RoundStatus,
    Urgency,
)
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Membership
from pomochi.communities.quantities import format_quantity
from pomochi.ledger.models import Holding


def needs_visible_to(
    *, actor: Membership, community: Community, include_closed: bool = False
) -> QuerySet[Need]:
    """The needs this member may see: all for coordinators and committee (or if the bylaws make
    needs public), otherwise only their own household's."""
    needs = Need.objects.filter(community=community).select_related("household", "resource")
    if not include_closed:
        needs = needs.filter(withdrawn_at__isnull=True)
    if not policy.can(actor, "need.see_all", community):
        needs = needs.filter(household_id=actor.household_id)
    return needs.order_by("-created_at", "-id")


def need_state_q(state: str, today: date) -> Q:
    """The needs in this state, as Need.state derives it from the quantities and dates."""
    current = Q(withdrawn_at__isnull=True)
    unmet = current & Q(quantity_met__lt=F("quantity"))
    in_time = Q(needed_by__isnull=True) | Q(needed_by__gte=today)
    return {
        "withdrawn": Q(withdrawn_at__isnull=False),
        "met": current & Q(quantity_met__gte=F("quantity")),
        "expired": unmet & Q(needed_by__lt=today),
        "partly_met": unmet & in_time & Q(quantity_met__gt=0),
        "open": unmet & in_time & Q(quantity_met=0),
    }[state]


def needs_listed(
    *,
    actor: Membership,
    community: Community,
    criteria: NeedCriteria = NO_NEED_CRITERIA,
    today: date | None = None,
) -> QuerySet[Need]:
    """The needs list, page and API alike: what needs_visible_to lets this member see, filtered
    by the criteria (aid.filters.need_criteria checked them), in the order a coordinator works
    through them: the open ones (nothing or part received) first, then the most urgent, then
    the one needed soonest (no date last), then the one that has waited longest."""
    today = today or timezone.localdate()
    closed = criteria.include_closed or criteria.state == "withdrawn"
    needs = needs_visible_to(actor=actor, community=community, include_closed=closed)
    if criteria.resource is not None:
        needs = needs.filter(resource=criteria.resource)
    if criteria.state is not None:
        needs = needs.filter(need_state_q(criteria.state, today))
    if criteria.household is not None:
        needs = needs.filter(household=criteria.household)
    waiting = need_state_q("open", today) | need_state_q("partly_met", today)
    return needs.annotate(
        closed_rank=Case(
            When(waiting, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        urgency_rank=Case(
            When(urgency=Urgency.URGENT, then=Value(0)),
            When(urgency=Urgency.SOON, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by(
        "closed_rank", "urgency_rank", F("needed_by").asc(nulls_last=True), "created_at", "id"
    )


def open_needs(needs: QuerySet[Need], today: date | None = None) -> list[Need]:
    today = today or timezone.localdate()
    return [n for n in needs if n.state(today) in ("open", "partly_met")]


def offers_open(*, community: Community, today: date | None = None) -> list[Offer]:
    today = today or timezone.localdate()
    offers = (
        Offer.objects.filter(community=community, withdrawn_at__isnull=True)
        .select_related("household", "resource")
        .order_by("-created_at")
    )
    return [o for o in offers if o.state(today) == "open"]


@dataclass(frozen=True)
class Match:
    """A way to meet a need, with the reason it is ranked where it is."""

    offer: Offer | None
    holding: Holding | None
    available: int
    covers: int
    reason: str

    @property
    def source(self):
        return self.offer.household if self.offer else self.holding.pool


# Rounds whose shares are still to be handed out: what they allot a need is spoken for.
OPEN_ROUNDS = (RoundStatus.DRAFT, RoundStatus.APPROVED)


# A promise is owed once its giver accepted it, until its fate is recorded.
OWED = Q(fate="", accepted_at__isnull=False, declined_at__isnull=True)


def reserving(today: date | None = None) -> Q:
    """Promises that hold part of a need: owed ones, and proposals still awaiting an answer (so
    two coordinators cannot propose the same kilogram twice)."""
    today = today or timezone.localdate()
    waiting = Q(fate="", accepted_at__isnull=True, declined_at__isnull=True, due_on__gte=today)
    return OWED | waiting


def needs_held(*, need_ids, exclude_round: AllocationRound | None = None) -> dict[int, int]:
    """{need id: what is spoken for elsewhere} for the needs with anything spoken for: the
    undelivered part of its reserving promises plus its shares in the current revision of every
    draft or approved round but exclude_round (the round being computed or carried out).

    need_ids: a list of ids, or a subquery of them (`aid.sql.ids_subquery`, a round's shares),
    so that a round's 10,000 needs are not sent back as a list. One aggregate query per kind."""
    if isinstance(need_ids, list | tuple | set):
        need_ids = sql.ids_subquery(need_ids)  # one parameter, however many ids
    promised = (
        Commitment.objects.filter(reserving(), need_id__in=need_ids)
        .order_by()
        .values_list("need_id")
        .annotate(owed=Sum(F("quantity") - F("quantity_fulfilled")))
    )
    held = dict(promised)
    # The open rounds' current revisions first (a handful), then their shares of these needs by
    # the (round, revision, need) index: shares in rounds long carried out are never read.
    rounds = AllocationRound.objects.filter(status__in=OPEN_ROUNDS)
    if exclude_round is not None:
        rounds = rounds.exclude(pk=exclude_round.pk)
    current = [Q(round_id=pk, revision=rev) for pk, rev in rounds.values_list("pk", "revision")]
    if not current:
        return held
    allotted = (
        AllocationShare.objects.filter(reduce(operator.or_, current), need_id__in=need_ids)
        .order_by()
        .values_list("need_id")
        .annotate(total=Sum("share"))
    )
    for need_id, total in allotted:
        held[need_id] = held.get(need_id, 0) + total
    return held


def nothing_held(needs, *, today: date | None = None):
    """The needs among `needs` (a queryset) for which nothing is spoken for: no reserving
    promise and no share in the current revision of an open round — the needs whose needs_held
    is 0, as one query's conditions (the home page's list, whatever the number of needs)."""
    promised = Commitment.objects.filter(reserving(today), need_id=OuterRef("pk"))
    allotted = AllocationShare.objects.filter(
        need_id=OuterRef("pk"),
        share__gt=0,
        round__status__in=OPEN_ROUNDS,
        revision=F("round__revision"),
    )
    return needs.exclude(Exists(promised)).exclude(Exists(allotted))


def receivable(*, asked: int, met: int, held: int) -> int:
    """What a need may still receive: asked − met − what is held for it (needs_held). Below 0
    only where older records over-promised a need."""
    return max(asked - met, 0) - held


def needs_receivable(*, need_ids, exclude_round: AllocationRound | None = None) -> dict[int, int]:
    """{need id: what it may still receive} for many needs (needs_held, receivable)."""
    if isinstance(need_ids, list | tuple | set):
        need_ids = sql.ids_subquery(need_ids)
    held = needs_held(need_ids=need_ids, exclude_round=exclude_round)
    return {
        pk: receivable(asked=asked, met=met, held=held.get(pk, 0))
        for pk, asked, met in Need.objects.filter(pk__in=need_ids).values_list(
            "pk", "quantity", "quantity_met"
        )
    }


def need_receivable(*, need: Need, exclude_round: AllocationRound | None = None) -> int:
    """How much more this need can take: the one figure every promise, match and round asks."""
    return needs_receivable(need_ids=[need.pk], exclude_round=exclude_round)[need.pk]


def matches_for_need(*, need: Need, today: date | None = None) -> list[Match]:
    """Offers and pool stock of the same resource that can meet the need, best first: those that
    cover it whole before those that cover part, then the larger part, then the sooner offer."""
    today = today or timezone.localdate()
    wanted = need_receivable(need=need)  # what promises or rounds will bring is not sought again
    if wanted <= 0:
        return []
    candidates: list[tuple[tuple, Match]] = []
    fmt = need.resource.format
    for offer in (
        Offer.objects.filter(
            community_id=need.community_id, resource=need.resource, withdrawn_at__isnull=True
        )
        .exclude(household_id=need.household_id)
        .select_related("household", "resource")
    ):
        if offer.state(today) != "open" or offer.remaining <= 0:
            continue
        if need.needed_by and offer.available_from and offer.available_from > need.needed_by:
            continue  # not available in time
        covers = min(wanted, offer.remaining)
        starts = offer.available_from or today
        whole = covers >= wanted
        reason = (
            _("offers all %(covers)s needed")
            if whole
            else _("offers %(covers)s of the %(wanted)s needed")
        ) % {"covers": fmt(covers), "wanted": fmt(wanted)}
        if starts > today:
            reason += _(", from %(date)s") % {"date": date_format(starts, "DATE_FORMAT")}
        candidates.append(
            (
                (not whole, -covers, starts, offer.id),
                Match(
                    offer=offer,
                    holding=None,
                    available=offer.remaining,
                    covers=covers,
                    reason=reason,
                ),
            )
        )
    for holding in Holding.objects.filter(
        pool__community_id=need.community_id, resource=need.resource, quantity__gt=0
    ).select_related("pool"):
        covers = min(wanted, holding.quantity)
        whole = covers >= wanted
        reason = (
            _("%(pool)s holds enough (%(stock)s)") if whole else _("%(pool)s holds only %(stock)s")
        ) % {"pool": holding.pool.name, "stock": fmt(holding.quantity)}
        candidates.append(
            (
                (not whole, -covers, today, -holding.id),
                Match(
                    offer=None,
                    holding=holding,
                    available=holding.quantity,
                    covers=covers,
                    reason=reason,
                ),
            )
        )
    return [match for _key, match in sorted(candidates, key=lambda c: c[0])]


def commitments_overdue(*, community: Community, today: date | None = None) -> QuerySet[Commitment]:
    today = today or timezone.localdate()
    return (
        Commitment.objects.filter(OWED, community=community, due_on__lt=today)
        .select_related("giver_household", "giver_pool", "receiver_household", "resource")
        .order_by("due_on", "id")
    )


def offers_listed(
    *, community: Community, include_closed: bool = False, today: date | None = None
) -> list[Offer]:
    """Open offers, newest first; with include_closed, every offer the community ever had."""
    if not include_closed:
        return offers_open(community=community, today=today)
    return list(Offer.objects.filter(community=community).select_related("household", "resource"))


def offer_open_q(today: date) -> Q:
    """The offers open now, as Offer.state derives it."""
    return Q(withdrawn_at__isnull=True, quantity_committed__lt=F("quantity")) & (
        Q(available_until__isnull=True) | Q(available_until__gte=today)
    )


def offers_listed_by(
    *, community: Community, criteria: OfferCriteria = NO_OFFER_CRITERIA, today: date | None = None
) -> QuerySet[Offer]:
    """The offers list, page and API alike: open offers (every one with include_closed) of the
    resource, with the skill's words in any case, newest first. Every member sees them all."""
    today = today or timezone.localdate()
    offers = Offer.objects.filter(community=community).select_related("household", "resource")
    if not criteria.include_closed:
        offers = offers.filter(offer_open_q(today))
    if criteria.resource is not None:
        offers = offers.filter(resource=criteria.resource)
    if criteria.skill:
        # Matched here, not with icontains: SQLite folds the case of ASCII letters only, and
        # a skill is as often "Плотник" as "carpenter".
        words = criteria.skill.casefold()
        found = [
            pk
            for pk, skill in offers.exclude(skill="").values_list("pk", "skill")
            if words in skill.casefold()
        ]
        offers = offers.filter(pk__in=sql.ids_subquery(found))
    return offers.order_by("-created_at", "-id")


def commitments_visible_to(
    *, actor: Membership, community: Community, overdue: bool = False, today: date | None = None
) -> QuerySet[Commitment]:
    """Every promise for coordinators and the committee; a member's household's (given or
    received) for the others; nothing for a member without a household. overdue: only those
    past their date and still open."""
    today = today or timezone.localdate()
    if policy.can(actor, "commitment.list_all", community):
        if overdue:
            return commitments_overdue(community=community, today=today)
        return Commitment.objects.filter(community=community).select_related(
            "giver_household", "giver_pool", "receiver_household", "resource"
        )
    if actor.household_id is None:
        return Commitment.objects.none()
    found = commitments_of_household(household=actor.household)
    return found.filter(OWED, due_on__lt=today) if overdue else found


def commitments_of_household(*, household: Household) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(Q(giver_household=household) | Q(receiver_household=household))
        .select_related("giver_household", "giver_pool", "receiver_household", "resource")
        .order_by("-due_on", "-id")
    )


@dataclass(frozen=True)
class FateCount:
    kept: int
    late: int
    broken: int
    excused: int


def fates_of_household(
    *, household: Household, since: date | None = None, until: date | None = None
) -> FateCount:
    """How a household's promises turned out over a period: the raw material of reliability.
    Excused failures are counted apart, never as broken."""
    given = Commitment.objects.filter(giver_household=household).exclude(fate="")
    if since:
        given = given.filter(fate_at__date__gte=since)
    if until:
        given = given.filter(fate_at__date__lt=until)
    counts = dict(given.values_list("fate").annotate(n=Count("id")))
    return FateCount(**{f: counts.get(f, 0) for f in Fate.values})


def rounds_of(*, community: Community) -> QuerySet[AllocationRound]:
    return (
        AllocationRound.objects.filter(community=community)
        .select_related("pool", "resource")
        .order_by("-created_at", "-id")
    )


def rounds_listed(
    *, community: Community, criteria: RoundCriteria = NO_ROUND_CRITERIA
) -> QuerySet[AllocationRound]:
    """The rounds list, page and API alike, newest first: every member sees every round's rule
    and totals."""
    rounds = rounds_of(community=community)
    if criteria.state is not None:
        rounds = rounds.filter(status=criteria.state)
    return rounds


def shares_visible_to(*, actor: Membership, round: AllocationRound) -> list[AllocationShare]:
    shares = (
        round.shares.filter(revision=round.revision)
        .select_related("household", "need")
        .order_by("household__name")
    )
    return policy.allowed_among(actor, "share.view", shares)


def round_totals(*, round: AllocationRound) -> dict:
    """What every member may see of a round: its rule and totals, not who needed what."""
    shares = list(round.shares.filter(revision=round.revision).values_list("asked", "share"))
    return {
        "households": len(shares),
        "asked": sum(a for a, _s in shares),
        "shared": sum(s for _a, s in shares),
        "asked_text": format_quantity(sum(a for a, _s in shares), resource=round.resource),
        "shared_text": format_quantity(sum(s for _a, s in shares), resource=round.resource),
    }
