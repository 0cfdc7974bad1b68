"""Needs, offers and commitments. One transaction each: policy first, then the change, its audit
entry and any notification rows; ledger events only through the ledger's services."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.aid.models import Commitment, Fate, Need, Offer, Urgency
from pomochi.aid.selectors import need_receivable
from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Membership, ResourceKind, ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.communities.services import refuse_archived
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger import services as ledger
from pomochi.ledger.models import IdempotencyRecord, Pool
from pomochi.notify.messages import amount_facts
from pomochi.notify.services import announce
from pomochi.text import LINE_LENGTH, text_or_refuse


class _Unchanged:
    """An edit's default: leave the field as it is. None means "no date" (clears it)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


def _audit(actor: Membership, verb: str, obj, data: dict, household_id: int | None) -> None:
    audit_append(
        community_id=actor.community_id,
        actor_id=actor.id,
        verb=verb,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        data=data,
        household_id=household_id,
    )


def _same_community(community: Community, *things) -> None:
    for thing in things:
        if thing is not None and thing.community_id != community.id:
            raise InvalidInput(_("Everything must belong to the same community."))


def _positive(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(_("The quantity must be more than zero."), field="quantity")


def _need_data(need: Need) -> dict:
    return {
        "household": need.household_id,
        "resource": need.resource_id,
        "quantity": need.quantity,
        "urgency": need.urgency,
        "needed_by": need.needed_by.isoformat() if need.needed_by else None,
        "note": need.note,
    }


def _offer_data(offer: Offer) -> dict:
    return {
        "household": offer.household_id,
        "resource": offer.resource_id,
        "quantity": offer.quantity,
        "skill": offer.skill,
        "available_from": offer.available_from.isoformat() if offer.available_from else None,
        "available_until": (offer.available_until.isoformat() if offer.available_until else None),
        "note": offer.note,
    }


# Needs


@transaction.atomic
def need_post(
    *,
    actor: Membership,
    community: Community,
    household: Household,
    resource: ResourceType,
    quantity: int,
    urgency: str = Urgency.ROUTINE,
    needed_by: date | None = None,
    note: str = "",
) -> Need:
    """A household asks for something (or a coordinator asks on its behalf)."""
    policy.require(actor, "need.post", household)
    note = text_or_refuse(note, field="note")
    _same_community(community, household, resource)
    refuse_archived(household)
    _positive(quantity)
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), field="urgency")
    if needed_by and needed_by < timezone.localdate():
        raise InvalidInput(_("The date has already passed."), field="needed_by")
    need = Need.objects.create(
        community=community,
        household=household,
        resource=resource,
        quantity=quantity,
        urgency=urgency,
        needed_by=needed_by,
        note=note.strip(),
        created_at=timezone.now(),
        created_by=actor,
    )
    _audit(actor, "need.post", need, _need_data(need), household.id)
    announce(
        kind="need.urgent" if urgency == Urgency.URGENT else "need.posted",
        community_id=community.id,
        params={
            "household": household.name,
            "resource": resource.name,
            **amount_facts(quantity, resource=resource),
        },
        about="need",
        about_id=need.id,
        exclude=actor,
    )
    return need


def _is_matched(need: Need) -> bool:
    return need.commitments.exists() or need.shares.exists()


@transaction.atomic
def need_edit(
    *,
    actor: Membership,
    need: Need,
    quantity: int | None = None,
    urgency: str | None = None,
    needed_by: date | None | _Unchanged = UNCHANGED,
    note: str | None = None,
) -> Need:
    """Change a need until something has been promised or allotted against it. needed_by=None
    clears the date; leaving it out keeps it."""
    policy.require(actor, "need.change", need)
    note = None if note is None else text_or_refuse(note, field="note")
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if need.withdrawn_at:
        raise Conflict(_("This need was withdrawn."))
    if _is_matched(need):
        raise Conflict(
            _(
                "Help has already been promised or allotted for this need; it can no "
                "longer be changed. Withdraw it and post a new one if it has changed."
            )
        )
    if quantity is not None:
        _positive(quantity)
        need.quantity = quantity
    if urgency is not None:
        if urgency not in Urgency.values:
            raise InvalidInput(_("Unknown urgency."), field="urgency")
        need.urgency = urgency
    if needed_by is not UNCHANGED:
        need.needed_by = needed_by
    if note is not None:
        need.note = note.strip()
    need.save()
    _audit(actor, "need.edit", need, _need_data(need), need.household_id)
    return need


@transaction.atomic
def need_withdraw(*, actor: Membership, need: Need) -> Need:
    policy.require(actor, "need.change", need)
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if need.withdrawn_at:
        return need
    need.withdrawn_at = timezone.now()
    need.save(update_fields=["withdrawn_at"])
    _audit(actor, "need.withdraw", need, {"withdrawn": True}, need.household_id)
    return need


# Offers


@transaction.atomic
def offer_post(
    *,
    actor: Membership,
    community: Community,
    household: Household,
    resource: ResourceType,
    quantity: int,
    skill: str = "",
    available_from: date | None = None,
    available_until: date | None = None,
    note: str = "",
) -> Offer:
    policy.require(actor, "offer.post", household)
    skill = text_or_refuse(skill, field="skill", max_length=LINE_LENGTH, multiline=False)
    note = text_or_refuse(note, field="note")
    _same_community(community, household, resource)
    refuse_archived(household)
    _positive(quantity)
    if available_from and available_until and available_until < available_from:
        raise InvalidInput(_("The offer must end after it starts."), field="available_until")
    if skill and resource.kind != ResourceKind.LABOUR:
        raise InvalidInput(_("Only labour has a skill."), field="skill")
    offer = Offer.objects.create(
        community=community,
        household=household,
        resource=resource,
        quantity=quantity,
        skill=skill.strip(),
        available_from=available_from,
        available_until=available_until,
        note=note.strip(),
        created_at=timezone.now(),
        created_by=actor,
    )
    _audit(actor, "offer.post", offer, _offer_data(offer), household.id)
    _tell_who_needs_it(offer)
    return offer


def _tell_who_needs_it(offer: Offer) -> None:
    """A match: each other household with an open need of what is offered hears of it."""
    wanting = (
        Need.objects.filter(
            community_id=offer.community_id,
            resource_id=offer.resource_id,
            withdrawn_at__isnull=True,
            quantity_met__lt=F("quantity"),
        )
        .exclude(household_id=offer.household_id)
        .select_related("household")
        .order_by("household_id", "id")
    )
    told = set()
    for need in wanting:
        if need.household_id in told:
            continue
        told.add(need.household_id)
        announce(
            kind="match",
            community_id=offer.community_id,
            household=need.household,
            params={"resource": offer.resource.name},
            about="need",
            about_id=need.id,
        )


@transaction.atomic
def offer_edit(
    *,
    actor: Membership,
    offer: Offer,
    quantity: int | None = None,
    available_until: date | None | _Unchanged = UNCHANGED,
    note: str | None = None,
) -> Offer:
    """Change an offer until something is promised from it. available_until=None clears the
    date; leaving it out keeps it."""
    policy.require(actor, "offer.change", offer)
    note = None if note is None else text_or_refuse(note, field="note")
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
    if offer.withdrawn_at:
        raise Conflict(_("This offer was withdrawn."))
    if offer.commitments.exists():
        raise Conflict(
            _("Something was already promised from this offer; it can no longer be changed.")
        )
    if quantity is not None:
        _positive(quantity)
        offer.quantity = quantity
    if available_until is not UNCHANGED:
        offer.available_until = available_until
    if note is not None:
        offer.note = note.strip()
    offer.save()
    _audit(actor, "offer.edit", offer, _offer_data(offer), offer.household_id)
    return offer


@transaction.atomic
def offer_withdraw(*, actor: Membership, offer: Offer) -> Offer:
    policy.require(actor, "offer.change", offer)
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
    if not offer.withdrawn_at:
        offer.withdrawn_at = timezone.now()
        offer.save(update_fields=["withdrawn_at"])
        _audit(actor, "offer.withdraw", offer, {"withdrawn": True}, offer.household_id)
    return offer


# Commitments


@dataclass(frozen=True)
class Proposal:
    """What the policy is asked about before a commitment exists."""

    community_id: int
    giver_household_id: int | None
    receiver_household_id: int


def _commitment_data(c: Commitment) -> dict:
    return {
        "need": c.need_id,
        "offer": c.offer_id,
        "giver_household": c.giver_household_id,
        "giver_pool": c.giver_pool_id,
        "receiver": c.receiver_household_id,
        "resource": c.resource_id,
        "quantity": c.quantity,
        "due_on": c.due_on.isoformat(),
        "fulfilled": c.quantity_fulfilled,
        "fate": c.fate,
        "fate_note": c.fate_note,
        "accepted": c.accepted_at is not None,
    }


def _notice(c: Commitment) -> dict:
    giver = c.giver_pool or c.giver_household
    return {
        "giver": str(giver),
        "receiver": str(c.receiver_household),
        "resource": c.resource.name,
        **amount_facts(c.quantity, resource=c.resource),
        "due": c.due_on.isoformat(),
    }


@transaction.atomic
def commitment_make(
    *,
    actor: Membership,
    community: Community,
    receiver: Household,
    resource: ResourceType,
    quantity: int,
    due_on: date,
    giver_household: Household | None = None,
    giver_pool: Pool | None = None,
    need: Need | None = None,
    offer: Offer | None = None,
) -> Commitment:
    """Turn a match into a promise: goods from a household or a pool, or hours of labour.

    A promise in a household's name made by someone of another household (a coordinator
    matching its offer) is only proposed: that household is asked, and owes nothing until it
    accepts (commitment_accept). From a store, or from one's own household, it is owed at once.
    """
    policy.require(
        actor,
        "commitment.make",
        Proposal(
            community_id=community.id,
            giver_household_id=giver_household.id if giver_household else None,
            receiver_household_id=receiver.id,
        ),
    )
    _same_community(community, receiver, resource, giver_household, giver_pool, need, offer)
    refuse_archived(receiver, field="receiver")
    refuse_archived(giver_household, field="giver")
    _positive(quantity)
    if (giver_household is None) == (giver_pool is None):
        raise InvalidInput(_("Say who gives: one household or one pool."), field="giver")
    if giver_pool is not None and resource.kind == ResourceKind.LABOUR:
        raise InvalidInput(_("A pool cannot give labour."), field="giver")
    if giver_household is not None and giver_household.id == receiver.id:
        raise InvalidInput(_("Giver and receiver must be different households."), field="giver")
    if due_on < timezone.localdate():
        raise InvalidInput(_("The date has already passed."), field="due_on")
    if need is not None:
        need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
        if need.household_id != receiver.id or need.resource_id != resource.id:
            raise InvalidInput(
                _("The promise must answer the need: same household and resource."), field="need"
            )
        if need.withdrawn_at:
            raise Conflict(_("This need was withdrawn."))
        receivable = need_receivable(need=need)
        if quantity > receivable:
            raise InvalidInput(
                _("Only %(left)s of this need is not yet promised or allotted in a round.")
                % {"left": format_quantity(max(0, receivable), resource=resource)},
                field="quantity",
            )
    if offer is not None:
        offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
        if (
            offer.household_id != (giver_household.id if giver_household else None)
            or offer.resource_id != resource.id
        ):
            raise InvalidInput(
                _("The promise must come from the offer: same household and resource."),
                field="offer",
            )
        if offer.withdrawn_at:
            raise Conflict(_("This offer was withdrawn."))
        if quantity > offer.remaining:
            raise InvalidInput(
                _("The offer has only %(left)s left.")
                % {"left": format_quantity(offer.remaining, resource=resource)},
                field="quantity",
            )
        offer.quantity_committed += quantity
        offer.save(update_fields=["quantity_committed"])
    now = timezone.now()
    own = giver_pool is not None or actor.household_id == giver_household.id
    commitment = Commitment.objects.create(
        community=community,
        need=need,
        offer=offer,
        giver_household=giver_household,
        giver_pool=giver_pool,
        receiver_household=receiver,
        resource=resource,
        quantity=quantity,
        due_on=due_on,
        created_at=now,
        created_by=actor,
        accepted_at=now if own else None,
        answered_by=actor if own else None,
    )
    _audit(actor, "commitment.make", commitment, _commitment_data(commitment), receiver.id)
    notice = _notice(commitment)
    about = {"about": "commitment", "about_id": commitment.id, "exclude": actor}
    if own:
        _tell(commitment, "commitment.made", notice, household=receiver, **about)
        if giver_household is not None:
            _tell(commitment, "commitment.made", notice, household=giver_household, **about)
    else:
        _tell(commitment, "commitment.proposed", notice, household=giver_household, **about)
    return commitment


def _tell(commitment: Commitment, kind: str, params: dict, **to) -> None:
    to.setdefault("about", "commitment")
    to.setdefault("about_id", commitment.id)
    announce(kind=kind, community_id=commitment.community_id, params=params, **to)


def _proposal_locked(commitment: Commitment) -> Commitment:
    """The promise, locked, if it still awaits its giver's answer; Conflict otherwise."""
    locked = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("resource", "giver_household", "giver_pool", "receiver_household")
        .get(pk=commitment.pk)
    )
    if locked.state(timezone.localdate()) != "proposed":
        raise Conflict(_("This promise is not waiting for an answer."))
    return locked


@transaction.atomic
def commitment_accept(*, actor: Membership, commitment: Commitment) -> Commitment:
    """The giver household agrees to a promise proposed in its name: from now on it is owed."""
    policy.require(actor, "commitment.answer", commitment)
    commitment = _proposal_locked(commitment)
    commitment.accepted_at = timezone.now()
    commitment.answered_by = actor
    commitment.answered_in_person = actor.household_id != commitment.giver_household_id
    commitment.save(update_fields=["accepted_at", "answered_by", "answered_in_person"])
    _audit(
        actor,
        "commitment.accept",
        commitment,
        {"accepted": True, "in_person": commitment.answered_in_person},
        commitment.receiver_household_id,
    )
    notice = _notice(commitment)
    _tell(commitment, "commitment.made", notice, household=commitment.receiver_household)
    _tell(commitment, "commitment.accepted", notice, people=[commitment.created_by])
    return commitment


@transaction.atomic
def commitment_decline(
    *, actor: Membership, commitment: Commitment, reason: str = ""
) -> Commitment:
    """The giver household says no to a proposed promise, or a coordinator takes the proposal
    back. Nothing is owed; what it held of the need and the offer is free again."""
    if not (
        policy.can(actor, "commitment.answer", commitment)
        or policy.can(actor, "commitment.withdraw", commitment)
    ):
        policy.require(actor, "commitment.answer", commitment)
    reason = text_or_refuse(reason, field="reason")
    commitment = _proposal_locked(commitment)
    commitment.declined_at = timezone.now()
    commitment.answered_by = actor
    commitment.answered_in_person = (
        policy.can(actor, "commitment.answer", commitment)
        and actor.household_id != commitment.giver_household_id
    )
    commitment.fate_note = reason
    commitment.save(update_fields=["declined_at", "answered_by", "answered_in_person", "fate_note"])
    if commitment.offer_id is not None:
        offer = Offer.objects.select_for_update(of=("self",)).get(pk=commitment.offer_id)
        offer.quantity_committed = max(0, offer.quantity_committed - commitment.quantity)
        offer.save(update_fields=["quantity_committed"])
    by_giver = actor.household_id == commitment.giver_household_id
    _audit(
        actor,
        "commitment.decline"
        if by_giver or commitment.answered_in_person
        else "commitment.withdraw",
        commitment,
        {"declined": True, "reason": reason, "in_person": commitment.answered_in_person},
        commitment.receiver_household_id,
    )
    _tell(commitment, "commitment.declined", _notice(commitment), people=[commitment.created_by])
    return commitment


@transaction.atomic
def commitment_fulfil(
    *, actor: Membership, commitment: Commitment, quantity: int, idempotency_key: str | None = None
) -> Commitment:
    """Record a delivery against a promise: the ledger event(s), and the fate once complete
    (kept if on time, late otherwise). Part deliveries are allowed."""
    policy.require(actor, "commitment.fulfil", commitment)
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("resource", "giver_pool", "giver_household", "receiver_household")
        .get(pk=commitment.pk)
    )
    if commitment.accepted_at is None or commitment.declined_at is not None:
        raise Conflict(_("This promise was not accepted by its giver: nothing is owed on it."))
    # The aid policy (commitment.fulfil) has authorised this delivery; the ledger records it
    # against the promise, in the confirming member's name.
    goods = commitment.resource.kind != ResourceKind.LABOUR
    movement = {
        "actor": actor,
        "cause": ledger.Cause("commitment", commitment.id),
        "action": ("distribute" if commitment.giver_pool else "transfer") if goods else "work",
        "resource": commitment.resource,
        "quantity": quantity,
        "provider_pool": commitment.giver_pool,
        "provider_household": commitment.giver_household,
        "receiver_household": commitment.receiver_household,
        "idempotency_key": idempotency_key,
    }
    if (
        idempotency_key is not None
        and IdempotencyRecord.objects.filter(actor=actor, key=idempotency_key).exists()
    ):
        # A retry: the ledger replays the first delivery (or refuses another body); the promise,
        # the need and the chain were updated the first time and are not touched again.
        ledger.event_record_for_cause(**movement)
        return commitment
    if commitment.fate:
        raise Conflict(
            _("This promise is closed (%(fate)s).") % {"fate": commitment.get_fate_display()}
        )
    _positive(quantity)
    if quantity > commitment.remaining:
        raise InvalidInput(
            _("Only %(left)s remain to be delivered.")
            % {"left": format_quantity(commitment.remaining, resource=commitment.resource)},
            field="quantity",
        )
    if commitment.need_id:
        _need_can_take(commitment, quantity)
    ledger.event_record_for_cause(**movement)
    commitment.quantity_fulfilled += quantity
    fields = ["quantity_fulfilled"]
    if commitment.quantity_fulfilled >= commitment.quantity:
        on_time = timezone.localdate() <= commitment.due_on
        commitment.fate = Fate.KEPT if on_time else Fate.LATE
        commitment.fate_at, commitment.fate_by = timezone.now(), actor
        fields += ["fate", "fate_at", "fate_by"]
    commitment.save(update_fields=fields)
    if commitment.need_id:
        need_met_change(need_id=commitment.need_id, by=quantity)
    _audit(
        actor,
        "commitment.fulfil",
        commitment,
        _commitment_data(commitment),
        commitment.receiver_household_id,
    )
    _tell(
        commitment,
        "commitment.fulfilled",
        {
            "resource": commitment.resource.name,
            **amount_facts(quantity, resource=commitment.resource),
        },
        household=commitment.receiver_household,
        exclude=actor,
    )
    return commitment


def _need_can_take(commitment: Commitment, quantity: int) -> None:
    """Under the need's lock, refuse a delivery that would meet it beyond what it asked: what it
    may still receive, plus what this very promise still owes (counted among the promised)."""
    need = (
        Need.objects.select_for_update(of=("self",))
        .select_related("household", "resource")
        .get(pk=commitment.need_id)
    )
    free = need_receivable(need=need) + commitment.remaining
    if quantity > free:
        raise InvalidInput(
            _("The need of %(household)s for %(resource)s can now take only %(left)s.")
            % {
                "household": need.household,
                "resource": need.resource.name,
                "left": format_quantity(max(0, free), resource=need.resource),
            },
            field="quantity",
        )


def commitment_delivery_reversed(*, actor: Membership, event, reversal) -> None:
    """A delivery recorded against a promise was reversed (the ledger calls this inside the
    reversal's transaction): it no longer counts. The promise owes it again, its need lacks it
    again, and a promise that delivery had closed as kept or late is open once more — that
    fate rested on a record the coordinators have now said was a mistake. The audit chain
    keeps both the first fate and the reopening."""
    commitment = Commitment.objects.select_for_update(of=("self",)).get(pk=event.cause_id)
    commitment.quantity_fulfilled = max(0, commitment.quantity_fulfilled - event.quantity)
    fields = ["quantity_fulfilled"]
    reopened = commitment.fate in (Fate.KEPT, Fate.LATE) and commitment.remaining > 0
    if reopened:
        commitment.fate, commitment.fate_at, commitment.fate_by = "", None, None
        fields += ["fate", "fate_at", "fate_by"]
    commitment.save(update_fields=fields)
    if commitment.need_id:
        need_met_change(need_id=commitment.need_id, by=-event.quantity)
    _audit(
        actor,
        "commitment.reopen" if reopened else "commitment.delivery_reversed",
        commitment,
        _commitment_data(commitment) | {"reversal": reversal.id},
        commitment.receiver_household_id,
    )


def need_met_change(*, need_id: int, by: int) -> None:
    """What was given against a need meets it (by > 0); a delivery reversed no longer does
    (by < 0). One relative UPDATE, never below 0: concurrent deliveries add up."""
    Need.objects.filter(pk=need_id).update(quantity_met=Greatest(F("quantity_met") + by, 0))


@transaction.atomic
def commitment_fail(
    *, actor: Membership, commitment: Commitment, excused: bool, reason: str
) -> Commitment:
    """A coordinator closes an unfulfilled promise as broken, or as excused (the giver fell into
    need themselves): an excused failure never counts against the giver."""
    policy.require(actor, "commitment.fail", commitment)
    reason = text_or_refuse(reason, field="reason")
    commitment = Commitment.objects.select_for_update(of=("self",)).get(pk=commitment.pk)
    if commitment.accepted_at is None or commitment.declined_at is not None:
        raise Conflict(
            _("This promise was never accepted, so it cannot be broken; withdraw it instead.")
        )
    if commitment.fate:
        raise Conflict(
            _("This promise is closed (%(fate)s); its fate is never rewritten.")
            % {"fate": commitment.get_fate_display()}
        )
    if not reason.strip():
        raise InvalidInput(_("Give the reason."), field="reason")
    commitment.fate = Fate.EXCUSED if excused else Fate.BROKEN
    commitment.fate_at, commitment.fate_by = timezone.now(), actor
    commitment.fate_note = reason.strip()
    commitment.save(update_fields=["fate", "fate_at", "fate_by", "fate_note"])
    if commitment.offer_id:
        Offer.objects.filter(pk=commitment.offer_id).update(
            quantity_committed=F("quantity_committed") - commitment.remaining
        )
    _audit(
        actor,
        "commitment.fail",
        commitment,
        _commitment_data(commitment),
        commitment.receiver_household_id,
    )
    return commitment
