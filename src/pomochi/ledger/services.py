"""The only writer of events and holdings.

Every public function is one transaction: policy first, then validation, then the holding
changed by a conditional relative update, the event row, its audit entry and, when the caller
gave an idempotency key, the record that makes a retry return the first result.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.audit.chain import canonical_json, digest, iso
from pomochi.audit.services import audit_append, audit_append_alike
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Membership, ResourceKind, ResourceType
from pomochi.communities.quantities import format_quantity
from pomochi.communities.services import created_replay, refuse_archived, request_mark
from pomochi.errors import Conflict, DomainError, InvalidInput
from pomochi.ledger import sql
from pomochi.ledger.models import Action, Event, IdempotencyRecord, Pool, PoolKind
from pomochi.notify.messages import amount_facts
from pomochi.notify.services import announce
from pomochi.text import text_or_refuse


class NotEnoughStock(DomainError):
    field = "quantity"


class IdempotencyConflict(Conflict):
    """The key was used before for a different request."""


# What other apps do when an event they caused is reversed, by cause type: a delivery that
# never happened no longer fulfils a promise. The ledger imports no app; apps register here
# (in their AppConfig.ready) and the handler runs inside the reversal's transaction.
REVERSAL_HANDLERS: dict[str, Callable[..., None]] = {}


def on_reversal(cause_type: str, handler) -> None:
    """Have handler(actor=…, event=…, reversal=…) run when an event of this cause is reversed."""
    REVERSAL_HANDLERS[cause_type] = handler


@dataclass(frozen=True)
class Cause:
    """Why an event happened, named generically: ("need", 12), ("allocation", 3), ("task", 7)."""

    type: str
    id: int


GOODS = (ResourceKind.CONSUMABLE, ResourceKind.DURABLE)
# Clocks on phones drift; anything later than this is a typo, not a clock.
FUTURE_TOLERANCE = timedelta(minutes=10)
POOL_NAME_LENGTH = Pool._meta.get_field("name").max_length


def _kept(actor: Membership, resources, field: str = "resources") -> list[ResourceType]:
    """What a store is to keep: this community's goods (labour is a flow, never stock)."""
    kept = list(resources)
    if any(r.community_id != actor.community_id for r in kept):
        raise InvalidInput(_("That resource is not kept in this community."), field=field)
    if labour := [r.name for r in kept if r.kind == ResourceKind.LABOUR]:
        raise InvalidInput(
            _("%(resource)s is labour: it is given, never kept in a store.")
            % {"resource": labour[0]},
            field=field,
        )
    return kept


def _pool_name(actor: Membership, name: str, *, but: Pool | None = None) -> str:
    name = text_or_refuse(name, field="name", max_length=POOL_NAME_LENGTH, multiline=False)
    if not name:
        raise InvalidInput(_("A pool needs a name."), field="name")
    taken = Pool.objects.filter(community_id=actor.community_id, name=name)
    if but is not None:
        taken = taken.exclude(pk=but.pk)
    if taken.exists():
        raise Conflict(
            _("There is already a pool called “%(name)s”.") % {"name": name}, field="name"
        )
    return name


def _pool_kind(kind: str) -> str:
    if kind not in PoolKind.values:
        raise InvalidInput(_("Unknown kind of pool: %(kind)s") % {"kind": kind}, field="kind")
    return kind


def _pool_data(pool: Pool, kept) -> dict:
    return {
        "name": pool.name,
        "kind": pool.kind,
        "description": pool.description,
        "resources": sorted(r.id for r in kept),
    }


def refuse_archived_pool(pool: Pool | None, *, field: str = "pool") -> None:
    """An archived store keeps its history and takes part in no new movement."""
    if pool is not None and pool.archived_at is not None:
        raise Conflict(
            _("%(pool)s is archived: nothing more is recorded in it.") % {"pool": pool.name},
            field=field,
        )


def not_kept_message(pool: Pool, resource: ResourceType) -> str:
    """The one wording of "this store does not keep that", for the services and the pages."""
    return _(
        "%(pool)s does not keep %(resource)s. A coordinator can add %(resource)s to what "
        "%(pool)s keeps (Stores, or What we keep)."
    ) % {"pool": pool.name, "resource": resource.name}


def refuse_not_kept(pool: Pool, resource: ResourceType, *, field: str = "resource") -> None:
    """Stock goes into a store only if the store keeps that resource (one query)."""
    keeps = Pool.resources.through.objects.filter(pool_id=pool.id, resourcetype_id=resource.id)
    if not keeps.exists():
        raise InvalidInput(not_kept_message(pool, resource), field=field)


@transaction.atomic
def pool_create(
    *,
    actor: Membership,
    community: Community,
    name: str,
    kind: str = PoolKind.OTHER,
    description: str = "",
    resources=(),
    idempotency_key: str | None = None,
) -> Pool:
    """A new store keeping `resources` (resource types of this community) and nothing else.
    A retry with the same idempotency key and fields answers the store the first made."""
    policy.require(actor, "pool.create", community)
    name = text_or_refuse(name, field="name", max_length=POOL_NAME_LENGTH, multiline=False)
    kind = _pool_kind(kind)
    description = text_or_refuse(description, field="description")
    kept = _kept(actor, resources)
    mark = request_mark(actor, idempotency_key, purpose="pools") if idempotency_key else None
    if mark:
        wanted = {
            "name": name,
            "kind": kind,
            "description": description,
            "resources": sorted(r.id for r in kept),
        }
        if replay := created_replay(actor, "pool.create", mark, wanted, Pool):
            return replay
    name = _pool_name(actor, name)
    pool = Pool.objects.create(
        community_id=actor.community_id, name=name, kind=kind, description=description
    )
    pool.resources.set(kept)
    audit_append(
        community_id=actor.community_id,
        actor_id=actor.id,
        verb="pool.create",
        object_type="pool",
        object_id=pool.id,
        data=_pool_data(pool, kept) | ({"request": mark} if mark else {}),
    )
    return pool


def _refuse_dropping_held(pool: Pool, kept: list[ResourceType], field: str = "resources") -> None:
    """A store cannot stop keeping what it still holds: its stock would be nobody's to move."""
    keep = {r.id for r in kept}
    held = (
        pool.holdings.filter(quantity__gt=0)
        .exclude(resource_id__in=keep)
        .select_related("resource")
        .order_by("resource__name")
        .first()
    )
    if held is not None:
        raise Conflict(
            _(
                "%(pool)s still holds %(amount)s of %(resource)s: give it out first, then it "
                "can stop keeping %(resource)s."
            )
            % {
                "pool": pool.name,
                "resource": held.resource.name,
                "amount": format_quantity(held.quantity, resource=held.resource),
            },
            field=field,
        )


def _pool_changed(actor: Membership, pool: Pool, kept: list[ResourceType]) -> None:
    audit_append(
        community_id=pool.community_id,
        actor_id=actor.id,
        verb="pool.update",
        object_type="pool",
        object_id=pool.id,
        data=_pool_data(pool, kept),
    )


@transaction.atomic
def pool_update(
    *,
    actor: Membership,
    pool: Pool,
    name: str | None = None,
    kind: str | None = None,
    description: str | None = None,
    resources=None,
) -> Pool:
    """Rename a store, describe it, change its kind or what it keeps (None: as it is). Refuses,
    changing nothing, an archived store, a name taken, labour, or dropping what it still holds."""
    policy.require(actor, "pool.update", pool)
    refuse_archived_pool(pool, field="name")
    before = list(pool.resources.order_by("id"))
    changes = {}
    if name is not None:
        changes["name"] = _pool_name(actor, name, but=pool)
    if kind is not None:
        changes["kind"] = _pool_kind(kind)
    if description is not None:
        changes["description"] = text_or_refuse(description, field="description")
    kept = before if resources is None else _kept(actor, resources)
    if resources is not None:
        _refuse_dropping_held(pool, kept)
    changes = {k: v for k, v in changes.items() if getattr(pool, k) != v}
    if not changes and {r.id for r in kept} == {r.id for r in before}:
        return pool
    for field, value in changes.items():
        setattr(pool, field, value)
    if changes:
        pool.save(update_fields=list(changes))
    pool.resources.set(kept)
    _pool_changed(actor, pool, kept)
    return pool


@transaction.atomic
def pool_archive(*, actor: Membership, pool: Pool) -> Pool:
    """Archive a store that is no longer used: its history stays, it takes no new movement and
    no form offers it. Refuses, changing nothing, one that still holds stock."""
    policy.require(actor, "pool.archive", pool)
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    refuse_archived_pool(pool)
    held = (
        pool.holdings.filter(quantity__gt=0).select_related("resource").order_by("resource__name")
    )
    if stock := list(held):
        raise Conflict(
            _(
                "%(pool)s still holds %(stock)s: give it out (or adjust the stock) before it "
                "is archived."
            )
            % {
                "pool": pool.name,
                "stock": ", ".join(
                    f"{format_quantity(h.quantity, resource=h.resource)} {h.resource.name}"
                    for h in stock
                ),
            }
        )
    pool.archived_at = timezone.now()
    pool.save(update_fields=["archived_at"])
    audit_append(
        community_id=pool.community_id,
        actor_id=actor.id,
        verb="pool.archive",
        object_type="pool",
        object_id=pool.id,
        data={"name": pool.name, "archived": True},
    )
    return pool


@transaction.atomic
def resource_keep(*, actor: Membership, resource: ResourceType, pools) -> ResourceType:
    """Which stores keep this resource: exactly `pools` (open stores of its community). Each
    store whose list changes is written as its own pool.update entry. Refuses, changing
    nothing, labour, an archived store, or a store that still holds what it would stop keeping."""
    policy.require(actor, "resource.update", resource)
    chosen = list(pools)
    if any(p.community_id != resource.community_id for p in chosen):
        raise InvalidInput(_("There is no such pool in this community."), field="pools")
    for pool in chosen:
        refuse_archived_pool(pool, field="pools")
    if chosen:
        _kept(actor, [resource], field="pools")
    wanted = {p.id for p in chosen}
    # An archived store's list is its history: neither offered nor changed.
    now_in = set(resource.pools.filter(archived_at__isnull=True).values_list("id", flat=True))
    changed = (
        Pool.objects.filter(pk__in=wanted ^ now_in, community_id=resource.community_id)
        .prefetch_related("resources")
        .order_by("name")
    )
    for pool in changed:
        policy.require(actor, "pool.update", pool)
        kept = [r for r in pool.resources.all() if r.id != resource.id]
        if pool.id in wanted:
            refuse_archived_pool(pool, field="pools")
            kept.append(resource)
        else:
            _refuse_dropping_held(pool, kept, field="pools")
        pool.resources.set(kept)
        _pool_changed(actor, pool, kept)
    return resource


def event_contribute(
    *,
    actor: Membership,
    household: Household,
    pool: Pool,
    resource: ResourceType,
    quantity: int,
    occurred_at: datetime | None = None,
    note: str = "",
    cause: Cause | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """A household puts goods into a shared store."""
    policy.require(actor, "ledger.contribute", household)
    return _record(
        actor=actor,
        action=Action.CONTRIBUTE,
        resource=resource,
        quantity=quantity,
        kinds=GOODS,
        provider_household=household,
        receiver_pool=pool,
        occurred_at=occurred_at,
        note=note,
        cause=cause,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def event_distribute(
    *,
    actor: Membership,
    pool: Pool,
    household: Household,
    resource: ResourceType,
    quantity: int,
    occurred_at: datetime | None = None,
    note: str = "",
    cause: Cause | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Give stock from a pool to a household. Refuses, changing nothing, if the pool is short.
    The household hears of it, unless it is part of something that tells them itself (a
    promise kept, a round's share: a cause)."""
    policy.require(actor, "ledger.distribute", pool)
    started = timezone.now()
    event = _record(
        actor=actor,
        action=Action.DISTRIBUTE,
        resource=resource,
        quantity=quantity,
        kinds=GOODS,
        provider_pool=pool,
        receiver_household=household,
        occurred_at=occurred_at,
        note=note,
        cause=cause,
        idempotency_key=idempotency_key,
    )
    if cause is None and event.recorded_at >= started:  # not a replay of an earlier request
        announce(
            kind="distribution.received",
            community_id=pool.community_id,
            household=household,
            params={"resource": resource.name, "pool": pool.name}
            | amount_facts(quantity, resource=resource),
            about="event",
            about_id=event.id,
            exclude=actor,
        )
    return event


def event_transfer(
    *,
    actor: Membership,
    from_household: Household,
    to_household: Household,
    resource: ResourceType,
    quantity: int,
    occurred_at: datetime | None = None,
    note: str = "",
    cause: Cause | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """A gift of goods from one household to another, outside any pool."""
    policy.require(actor, "ledger.transfer", from_household)
    return _record(
        actor=actor,
        action=Action.TRANSFER,
        resource=resource,
        quantity=quantity,
        kinds=GOODS,
        provider_household=from_household,
        receiver_household=to_household,
        occurred_at=occurred_at,
        note=note,
        cause=cause,
        idempotency_key=idempotency_key,
    )


def event_work(
    *,
    actor: Membership,
    worker: Household,
    beneficiary: Household,
    resource: ResourceType,
    quantity: int,
    occurred_at: datetime | None = None,
    note: str = "",
    cause: Cause | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Hours of labour given by one household to another. Labour is a flow: no holding changes."""
    policy.require(actor, "ledger.work", beneficiary)
    return _record(
        actor=actor,
        action=Action.WORK,
        resource=resource,
        quantity=quantity,
        kinds=(ResourceKind.LABOUR,),
        provider_household=worker,
        receiver_household=beneficiary,
        occurred_at=occurred_at,
        note=note,
        cause=cause,
        idempotency_key=idempotency_key,
    )


def event_adjust(
    *,
    actor: Membership,
    pool: Pool,
    resource: ResourceType,
    change: int,
    reason: str,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """The committee corrects a pool's stock (spoilage, a recount), with the reason on record.

    `change` is signed: negative takes stock out (refused below zero), positive puts it in.
    """
    policy.require(actor, "ledger.adjust", pool)
    reason = text_or_refuse(reason, field="reason")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the adjustment."), field="reason")
    if change == 0:
        raise InvalidInput(_("An adjustment must change the stock."), field="quantity")
    ends = {"provider_pool": pool} if change < 0 else {"receiver_pool": pool}
    return _record(
        actor=actor,
        action=Action.ADJUST,
        resource=resource,
        quantity=abs(change),
        kinds=GOODS,
        occurred_at=occurred_at,
        note=reason.strip(),
        idempotency_key=idempotency_key,
        **ends,
    )


def event_reverse(
    *,
    actor: Membership,
    event: Event,
    reason: str,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Undo a mistaken event with its mirror image, pointing at it. At most one per event."""
    policy.require(actor, "ledger.reverse", event)
    reason = text_or_refuse(reason, field="reason")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the reversal."), field="reason")
    if occurred_at is not None and occurred_at < event.occurred_at:
        raise InvalidInput(
            _("A reversal cannot happen before the entry it reverses."), field="occurred_at"
        )
    if event.action == Action.REVERSE:
        raise Conflict(_("A reversal cannot itself be reversed; record a new event instead."))
    mirror = {
        "actor": actor,
        "action": Action.REVERSE,
        "resource": event.resource,
        "quantity": event.quantity,
        "kinds": tuple(ResourceKind.values),
        "provider_household": event.receiver_household,
        "provider_pool": event.receiver_pool,
        "receiver_household": event.provider_household,
        "receiver_pool": event.provider_pool,
        "reverses": event,
        "occurred_at": occurred_at,
        "note": reason.strip(),
        "idempotency_key": idempotency_key,
    }
    try:
        with transaction.atomic():
            # A retry returns the first reversal (or is refused as a conflict) before the
            # "already reversed" check would refuse it.
            if (
                idempotency_key is not None
                and IdempotencyRecord.objects.filter(actor=actor, key=idempotency_key).exists()
            ):
                return _record(**mirror)
            # Lock the original so that a racing reversal waits and then sees this one.
            Event.objects.select_for_update().filter(pk=event.id).values_list("id").first()
            if Event.objects.filter(reverses_id=event.id).exists():
                raise Conflict(_("This event has already been reversed."))
            reversal = _record(**mirror)
            if handler := REVERSAL_HANDLERS.get(event.cause_type):
                handler(actor=actor, event=event, reversal=reversal)
            return reversal
    except IntegrityError:
        # Two reversals raced on SQLite's lock order; the unique column let only one through.
        raise Conflict(_("This event has already been reversed.")) from None


_EVENT_FIELDS = [field.attname for field in Event._meta.concrete_fields]


CAUSED_ACTIONS = {
    Action.DISTRIBUTE: GOODS,
    Action.TRANSFER: GOODS,
    Action.WORK: (ResourceKind.LABOUR,),
}


def event_record_for_cause(
    *,
    actor: Membership,
    cause: Cause,
    action: str,
    resource: ResourceType,
    quantity: int,
    provider_household: Household | None = None,
    provider_pool: Pool | None = None,
    receiver_household: Household | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Record a movement that another app's service has already authorised for its cause.

    A receiving household confirming a promised delivery may not, by the ledger's own rules,
    record a gift in the giver's name; the promise (the cause) is what authorises it. Callers
    check their own policy first; the cause is required and goes into the audit chain.
    """
    if action not in CAUSED_ACTIONS:
        raise InvalidInput(_("This movement cannot be recorded for a cause."))
    return _record(
        actor=actor,
        action=action,
        resource=resource,
        quantity=quantity,
        kinds=CAUSED_ACTIONS[action],
        provider_household=provider_household,
        provider_pool=provider_pool,
        receiver_household=receiver_household,
        cause=cause,
        idempotency_key=idempotency_key,
    )


@dataclass(frozen=True)
class Line:
    """One household's part of a batch distribution."""

    household: Household
    quantity: int
    cause: Cause | None = None
    note: str = ""


@transaction.atomic
def events_distribute_batch(
    *,
    actor: Membership,
    pool: Pool,
    resource: ResourceType,
    lines: list[Line],
    occurred_at: datetime | None = None,
    return_events: bool = True,
) -> list[Event] | list[int]:
    """Distribute to many households at once, all or none, in one transaction.

    Returns the events, or only their ids with return_events=False (an allocation round needs
    no more, and building a thousand model objects costs as much as inserting them).

    The path of an allocation round: one conditional update of the holding for the total, one
    multi-row insert per 500 events, and one bump of the audit head for all their entries. The
    events and the chain are exactly those that one distribution per line would have written.
    """
    policy.require(actor, "ledger.distribute", pool)
    for line in lines:
        if line.note:  # a round's lines mostly have none: no call for them
            text_or_refuse(line.note, field="note")
    community_id = actor.community_id
    now = timezone.now()
    refuse_occurred_at(occurred_at, now=now)
    if not lines:
        raise InvalidInput(_("There is nothing to distribute."), field="quantity")
    # What every line shares is checked once; then each line's own quantity and household.
    _validate(
        community_id=community_id,
        resource=resource,
        quantity=lines[0].quantity,
        kinds=GOODS,
        ends=(pool,),
    )
    seen: set[int] = set()
    for line in lines:
        quantity, household = line.quantity, line.household
        if type(quantity) is not int or quantity <= 0:
            raise InvalidInput(_("The quantity must be more than zero."), field="quantity")
        if household.community_id != community_id:
            raise InvalidInput(_("Everything in one event must belong to the same community."))
        if household.id in seen:
            raise InvalidInput(_("A household appears twice in one distribution."))
        seen.add(household.id)
    # The lines carry bare households (a round's thousands): the community's archived ones are
    # few, read in one query.
    archived = dict(
        Household.objects.filter(community_id=community_id, archived_at__isnull=False)
        .values_list("pk", "name")
        .order_by()
    )
    if gone := sorted(archived[pk] for pk in seen if pk in archived):
        raise Conflict(
            _("The household %(name)s is archived: nothing more is recorded for it.")
            % {"name": gone[0]},
            field="household",
        )
    total = sum(line.quantity for line in lines)
    with connection.cursor() as cursor:
        adapt = cursor.db.ops.adapt_datetimefield_value
        db_now = adapt(now)
        if not sql.holding_take(cursor, pool_id=pool.id, resource_id=resource.id, quantity=total):
            left = sql.holding_quantity(cursor, pool_id=pool.id, resource_id=resource.id)
            raise NotEnoughStock(
                _("Not enough %(resource)s in %(pool)s: %(left)s left, %(asked)s asked.")
                % {
                    "resource": resource.name,
                    "pool": pool.name,
                    "left": format_quantity(left, resource=resource),
                    "asked": format_quantity(total, resource=resource),
                }
            )
        cause_of = [(ln.cause.type, ln.cause.id) if ln.cause else ("", None) for ln in lines]
        db_occurred = adapt(occurred_at) if occurred_at else db_now
        ids = sql.events_insert_many(
            cursor,
            shared={
                "community_id": community_id,
                "action": Action.DISTRIBUTE.value,
                "resource_id": resource.id,
                "provider_pool_id": pool.id,
                "occurred_at": db_occurred,
                "recorded_at": db_now,
                "recorded_by_id": actor.id,
            },
            varying=("quantity", "receiver_household_id", "cause_type", "cause_id", "note"),
            rows=[
                (line.quantity, line.household.id, cause_type, cause_id, line.note)
                for line, (cause_type, cause_id) in zip(lines, cause_of, strict=True)
            ],
        )
        # In the events' order, as positions: a list of ints, not a (line, cause) pair per line
        # for the garbage collector to follow (a round's 10,000 lines tipped it into a full
        # collection, benchmarks/rounds.py).
        order = sorted(range(len(lines)), key=lambda i: ids[lines[i].household.id])
        in_order = [lines[i] for i in order]
        causes_in_order = [cause_of[i] for i in order]
        # The events as the ORM would read them back, built without Model.__init__: it costs
        # more than the INSERT itself at this size (benchmarks/ledger.py, batch).
        alias = cursor.db.alias
        shared = {
            "community_id": community_id,
            "action": Action.DISTRIBUTE.value,
            "resource_id": resource.id,
            "provider_household_id": None,
            "provider_pool_id": pool.id,
            "receiver_pool_id": None,
            "occurred_at": occurred_at or now,
            "recorded_at": now,
            "recorded_by_id": actor.id,
            "reverses_id": None,
        }

        def event_of(line: Line, cause_type: str, cause_id: int | None) -> Event:
            event = Event.__new__(Event)
            event.__dict__.update(
                shared,
                id=ids[line.household.id],
                quantity=line.quantity,
                receiver_household_id=line.household.id,
                cause_type=cause_type,
                cause_id=cause_id,
                note=line.note,
            )
            event._state = ModelState()
            event._state.adding, event._state.db = False, alias
            return event

        # Every entry's data is the first one's but for what varies by line (the times, the pool,
        # the actor are the batch's): one audit_data() call, not one per event.
        template = event_of(in_order[0], *causes_in_order[0]).audit_data()
        audit_append_alike(
            cursor=cursor,
            community_id=community_id,
            actor_id=actor.id,
            at=now,
            verb="event.distribute",
            object_type="event",
            data=template,
            varying=("quantity", "receiver_household", "cause", "note"),
            # The cause as its (type, id) tuple, encoded as the [type, id] it is in the payload:
            # a row of plain values, which the collector stops following (a list would not).
            rows=[
                (
                    ids[line.household.id],
                    line.household.id,
                    line.quantity,
                    line.household.id,
                    cause,
                    line.note,
                )
                for line, cause in zip(in_order, causes_in_order, strict=True)
            ],
        )
    if not return_events:
        return [ids[line.household.id] for line in in_order]
    return [event_of(line, *cause) for line, cause in zip(in_order, causes_in_order, strict=True)]


def _fingerprint(values: dict) -> str:
    return digest(canonical_json(values))


@transaction.atomic
def _record(
    *,
    actor: Membership,
    action: str,
    resource: ResourceType,
    quantity: int,
    kinds: tuple[str, ...],
    provider_household: Household | None = None,
    provider_pool: Pool | None = None,
    receiver_household: Household | None = None,
    receiver_pool: Pool | None = None,
    occurred_at: datetime | None = None,
    note: str = "",
    cause: Cause | None = None,
    reverses: Event | None = None,
    idempotency_key: str | None = None,
) -> Event:
    # Every movement's note passes here: the text rule as the ledger's own guarantee.
    note = text_or_refuse(note, field="note")
    community_id = actor.community_id
    now = timezone.now()
    refuse_occurred_at(occurred_at, now=now)
    _validate(
        community_id=community_id,
        resource=resource,
        quantity=quantity,
        kinds=kinds,
        ends=(provider_household, provider_pool, receiver_household, receiver_pool),
    )
    if (
        provider_household is not None
        and receiver_household is not None
        and provider_household.id == receiver_household.id
    ):
        raise InvalidInput(_("Giver and receiver must be different households."), field="household")
    if reverses is None:  # a reversal gives back what was given, even to a household gone since
        refuse_archived(receiver_household)
    values = {
        "community_id": community_id,
        "action": str(action),
        "resource_id": resource.id,
        "quantity": quantity,
        "provider_household_id": provider_household.id if provider_household else None,
        "provider_pool_id": provider_pool.id if provider_pool else None,
        "receiver_household_id": receiver_household.id if receiver_household else None,
        "receiver_pool_id": receiver_pool.id if receiver_pool else None,
        "occurred_at": occurred_at or now,
        "recorded_at": now,
        "recorded_by_id": actor.id,
        "cause_type": cause.type if cause else "",
        "cause_id": cause.id if cause else None,
        "reverses_id": reverses.id if reverses else None,
        "note": note,
    }
    with connection.cursor() as cursor:
        adapt = cursor.db.ops.adapt_datetimefield_value
        db_now = adapt(now)
        if idempotency_key is not None:
            # The fingerprint leaves out what the server filled in (times), so a retry matches.
            request = {k: v for k, v in values.items() if k not in {"occurred_at", "recorded_at"}}
            request["occurred_at"] = iso(occurred_at) if occurred_at else None
            fingerprint = _fingerprint(request)
            if not sql.idempotency_claim(
                cursor,
                community_id=community_id,
                actor_id=actor.id,
                key=idempotency_key,
                fingerprint=fingerprint,
                created_at=db_now,
            ):
                return _replay(cursor, actor=actor, key=idempotency_key, fingerprint=fingerprint)
        if provider_pool is not None and not sql.holding_take(
            cursor, pool_id=provider_pool.id, resource_id=resource.id, quantity=quantity
        ):
            left = sql.holding_quantity(cursor, pool_id=provider_pool.id, resource_id=resource.id)
            raise NotEnoughStock(
                _("Not enough %(resource)s in %(pool)s: %(left)s left, %(asked)s asked.")
                % {
                    "resource": resource.name,
                    "pool": provider_pool.name,
                    "left": format_quantity(left, resource=resource),
                    "asked": format_quantity(quantity, resource=resource),
                }
            )
        if receiver_pool is not None and not sql.holding_add(
            cursor,
            pool_id=receiver_pool.id,
            resource_id=resource.id,
            quantity=quantity,
            kept_only=reverses is None,
        ):
            raise InvalidInput(not_kept_message(receiver_pool, resource), field="resource")
        row = dict(
            values,
            occurred_at=adapt(occurred_at) if occurred_at else db_now,
            recorded_at=db_now,
        )
        values["id"] = sql.event_insert(cursor, row)
        # Positional arguments, as the ORM builds the rows it reads: half the cost of keywords.
        event = Event.from_db(cursor.db.alias, None, [values[name] for name in _EVENT_FIELDS])
        audit_append(
            cursor=cursor,
            community_id=community_id,
            actor_id=actor.id,
            verb=f"event.{action}",
            object_type="event",
            object_id=event.id,
            data=event.audit_data(),
            household_id=event.household_id,
            at=now,
        )
        if idempotency_key is not None:
            sql.idempotency_complete(
                cursor, actor_id=actor.id, key=idempotency_key, event_id=event.id
            )
    return event


def refuse_occurred_at(occurred_at: datetime | None, *, now: datetime) -> None:
    """When a movement happened, if given: with its time zone, and not in the future (beyond
    the clocks' tolerance). Every door that takes a date checks it here."""
    if occurred_at is not None and timezone.is_naive(occurred_at):
        raise InvalidInput(_("Give the time with its time zone."), field="occurred_at")
    if occurred_at is not None and occurred_at > now + FUTURE_TOLERANCE:
        raise InvalidInput(_("That date is in the future."), field="occurred_at")


def _validate(
    *, community_id: int, resource: ResourceType, quantity: int, kinds: tuple[str, ...], ends
) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(_("The quantity must be more than zero."), field="quantity")
    if resource.community_id != community_id:
        raise InvalidInput(_("That resource belongs to another community."), field="resource")
    if resource.kind not in kinds:
        raise InvalidInput(
            _("%(resource)s cannot be recorded this way (it is %(kind)s).")
            % {"resource": resource.name, "kind": resource.get_kind_display()},
            field="resource",
        )
    for end in ends:
        if end is not None and end.community_id != community_id:
            raise InvalidInput(_("Everything in one event must belong to the same community."))
    for end in ends:
        if isinstance(end, Pool):
            refuse_archived_pool(end)


def _replay(cursor, *, actor: Membership, key: str, fingerprint: str) -> Event:
    first_fingerprint, event_id = sql.idempotency_lookup(cursor, actor_id=actor.id, key=key)
    if first_fingerprint != fingerprint or event_id is None:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different request.")
        )
    return Event.objects.get(pk=event_id)
