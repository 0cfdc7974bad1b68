"""One-click actions in e-mail about promises and rounds (notify.links): accept or decline a
promise proposed in one's household's name, confirm that a promise reached one's household,
approve a round. Each is done through the service that does it on the pages, whose policy is
the guarantee; `offered` only decides which mail carries which button."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pomochi.aid import rounds, services
from pomochi.aid.models import AllocationRound, Commitment, RoundDecision, RoundStatus
from pomochi.communities import policy
from pomochi.communities.quantities import format_quantity
from pomochi.notify.links import register_action


def _commitment(membership, pk: int) -> Commitment | None:
    return (
        Commitment.objects.filter(community_id=membership.community_id, pk=pk)
        .select_related("resource", "giver_household", "giver_pool", "receiver_household")
        .first()
    )


def _round(membership, pk: int) -> AllocationRound | None:
    return (
        AllocationRound.objects.filter(community_id=membership.community_id, pk=pk)
        .select_related("resource", "pool")
        .first()
    )


def _facts(c: Commitment, quantity: int | None = None) -> dict:
    return {
        "giver": str(c.giver_pool or c.giver_household),
        "receiver": str(c.receiver_household),
        "amount": format_quantity(
            c.quantity if quantity is None else quantity, resource=c.resource
        ),
        "resource": c.resource.name,
        "due": date_format(c.due_on, "DATE_FORMAT"),
    }


def _answerable(membership, c: Commitment) -> bool:
    return c.state(timezone.localdate()) == "proposed" and policy.can(
        membership, "commitment.answer", c
    )


def _describe_accept(c: Commitment) -> str:
    return _(
        "Your household, %(giver)s, promises to give %(receiver)s %(amount)s of "
        "%(resource)s by %(due)s. From then on it is owed."
    ) % _facts(c)


def _describe_decline(c: Commitment) -> str:
    return _(
        "Your household, %(giver)s, says no to giving %(receiver)s %(amount)s of "
        "%(resource)s. Nothing is owed."
    ) % _facts(c)


def _receives(membership, c: Commitment) -> bool:
    """The receiving household confirms what reached it (the giver's members are told of the
    promise too, and credit nobody: the policy's commitment.fulfil then checks the member)."""
    return (
        c.is_owed
        and c.remaining > 0
        and membership.household_id == c.receiver_household_id
        and policy.can(membership, "commitment.fulfil", c)
    )


def _describe_fulfil(c: Commitment) -> str:
    return _(
        "You confirm that %(amount)s of %(resource)s from %(giver)s has reached your "
        "household, %(receiver)s. It is recorded as given, and the promise is fulfilled."
    ) % _facts(c, c.remaining)


def _decides(membership, r: AllocationRound) -> bool:
    return (
        r.status == RoundStatus.DRAFT
        and policy.can(membership, "round.decide", r)
        and not RoundDecision.objects.filter(
            round=r, revision=r.revision, member=membership
        ).exists()
    )


def _describe_approve(r: AllocationRound) -> str:
    households = r.shares.filter(revision=r.revision).values("household").distinct().count()
    among = ngettext(
        "shared among %(count)d household",
        "shared among %(count)d households",
        households,
    ) % {"count": households}
    return _(
        "You approve this version of the round: %(amount)s of %(resource)s from %(pool)s, "
        "%(among)s by its rule. It is approved once enough of the committee approve it."
    ) % {
        "amount": format_quantity(r.quantity, resource=r.resource),
        "resource": r.resource.name,
        "pool": r.pool.name,
        "among": among,
    }


def register() -> None:
    register_action(
        name="commitment.accept",
        label=gettext_lazy("Accept the promise"),
        kinds=("commitment.proposed",),
        load=_commitment,
        offered=_answerable,
        describe=_describe_accept,
        perform=lambda m, c: services.commitment_accept(actor=m, commitment=c),
        page="promise",
    )
    register_action(
        name="commitment.decline",
        label=gettext_lazy("Decline it"),
        kinds=("commitment.proposed",),
        load=_commitment,
        offered=_answerable,
        describe=_describe_decline,
        perform=lambda m, c: services.commitment_decline(actor=m, commitment=c),
        page="promise",
    )
    register_action(
        name="commitment.fulfil",
        label=gettext_lazy("Confirm it has arrived"),
        kinds=("commitment.made",),
        load=_commitment,
        offered=_receives,
        describe=_describe_fulfil,
        # What was delivered when the mail was sent: a delivery recorded since changes it.
        perform=lambda m, c: services.commitment_fulfil(
            actor=m, commitment=c, quantity=c.remaining
        ),
        page="promise",
        version=lambda c: c.quantity_fulfilled,
    )
    register_action(
        name="round.approve",
        label=gettext_lazy("Approve the round"),
        kinds=("allocation.decide",),
        load=_round,
        offered=_decides,
        describe=_describe_approve,
        perform=lambda m, r: rounds.round_decide(actor=m, round=r, approve=True),
        page="round",
        # An edited round is a new revision, with other shares: an older mail approves nothing.
        version=lambda r: r.revision,
    )
