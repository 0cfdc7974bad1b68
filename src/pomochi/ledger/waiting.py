"""Mutual checks: a member's contribution that waits for a coordinator to confirm it arrived.

Where the bylaws say so (`members_contributions_wait`, the default), a plain member's
contribution into a store is not a ledger event at once: it is a PendingContribution, shown on
the member's home and on coordinators' "needs attention" list, until a coordinator confirms it
(then the ledger records the contribution through `event_contribute`, the record as its cause,
so its audit entry is the ledger's usual one) or declines it with a reason. Both doors (the
record page and the API) ask `ledger.selectors.contribution_waits` which of the two a
contribution is (`ledger.inputs.contribution_record`).
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.audit.chain import canonical_json, digest, iso
from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.models import Household, Membership, ResourceType
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger.models import Event, IdempotencyRecord, PendingContribution, Pool, WaitingState
from pomochi.ledger.services import (
    GOODS,
    Cause,
    IdempotencyConflict,
    _validate,
    event_contribute,
    refuse_not_kept,
    refuse_occurred_at,
)
from pomochi.notify.messages import amount_facts
from pomochi.notify.services import announce
from pomochi.text import text_or_refuse

# The cause an event confirmed from a waiting record names (in the audit chain).
CAUSE_TYPE = "pendingcontribution"


def _audit_data(record: PendingContribution) -> dict:
    return {
        "household": record.household_id,
        "pool": record.pool_id,
        "resource": record.resource_id,
        "quantity": record.quantity,
        "occurred_at": iso(record.occurred_at),
        "submitted_by": record.submitted_by_id,
        "note": record.note,
    }


@transaction.atomic
def contribution_submit(
    *,
    actor: Membership,
    household: Household,
    pool: Pool,
    resource: ResourceType,
    quantity: int,
    occurred_at: datetime | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> PendingContribution:
    """A member says their household brought goods to a store: a record that waits for a
    coordinator. Refuses, changing nothing, what the ledger would refuse of the contribution."""
    policy.require(actor, "contribution.submit", household)
    note = text_or_refuse(note, field="note")
    now = timezone.now()
    refuse_occurred_at(occurred_at, now=now)
    _validate(
        community_id=actor.community_id,
        resource=resource,
        quantity=quantity,
        kinds=GOODS,
        ends=(household, pool),
    )
    refuse_not_kept(pool, resource)
    fingerprint = ""
    if idempotency_key is not None:
        fingerprint = digest(
            canonical_json(
                {
                    "household": household.id,
                    "pool": pool.id,
                    "resource": resource.id,
                    "quantity": quantity,
                    "occurred_at": iso(occurred_at) if occurred_at else None,
                    "note": note,
                }
            )
        )
        first = PendingContribution.objects.filter(
            submitted_by=actor, idempotency_key=idempotency_key
        ).first()
        if first is not None:
            return _replayed(first, fingerprint)
    try:
        with transaction.atomic():
            record = PendingContribution.objects.create(
                community_id=actor.community_id,
                household=household,
                pool=pool,
                resource=resource,
                quantity=quantity,
                note=note,
                occurred_at=occurred_at or now,
                submitted_by=actor,
                submitted_at=now,
                idempotency_key=idempotency_key or "",
                fingerprint=fingerprint,
            )
    except IntegrityError:
        # The same key raced in from a second request: the first one's record answers.
        first = PendingContribution.objects.get(submitted_by=actor, idempotency_key=idempotency_key)
        return _replayed(first, fingerprint)
    audit_append(
        community_id=actor.community_id,
        actor_id=actor.id,
        verb="contribution.submit",
        object_type="pendingcontribution",
        object_id=record.id,
        data=_audit_data(record),
        household_id=household.id,
        at=now,
    )
    announce(
        kind="contribution.waiting",
        community_id=actor.community_id,
        params=_facts(record) | {"household": household.name},
        url=reverse("waiting-records", args=[actor.community.slug]),
        exclude=actor,
    )
    return record


def _replayed(first: PendingContribution, fingerprint: str) -> PendingContribution:
    if first.fingerprint != fingerprint:
        raise IdempotencyConflict(
            _("This idempotency key was already used for a different request.")
        )
    return first


def _claim(*, actor: Membership, record: PendingContribution, state: str, now, **changes) -> None:
    """Decide a waiting record once: the row locked, then changed only if it still waits, so
    of two coordinators deciding at once the second is refused."""
    PendingContribution.objects.select_for_update().filter(pk=record.pk).values_list("id").first()
    claimed = PendingContribution.objects.filter(pk=record.pk, state=WaitingState.WAITING).update(
        state=state, decided_by=actor, decided_at=now, **changes
    )
    if not claimed:
        record.refresh_from_db()
        if record.state == WaitingState.CONFIRMED:
            raise Conflict(_("This record was already confirmed."))
        raise Conflict(_("This record was already declined."))


def _facts(record: PendingContribution) -> dict:
    return amount_facts(record.quantity, resource=record.resource) | {
        "resource": record.resource.name,
        "pool": record.pool.name,
    }


def _notify(record: PendingContribution, kind: str, **more) -> None:
    announce(
        kind=kind,
        community_id=record.community_id,
        people=[record.submitted_by],
        params=_facts(record) | more,
        url=reverse("community", args=[record.community.slug]),
    )


@transaction.atomic
def contribution_confirm(
    *,
    actor: Membership,
    record: PendingContribution,
    idempotency_key: str | None = None,
) -> Event:
    """A coordinator confirms that the goods arrived: the ledger records the contribution (its
    cause this record) and the member is told. Refused if the record was already decided."""
    policy.require(actor, "contribution.decide", record)
    if idempotency_key is not None:
        # A retry of this confirmation answers with the event it recorded.
        seen = IdempotencyRecord.objects.filter(actor=actor, key=idempotency_key).first()
        if seen is not None and seen.event_id is not None:
            record.refresh_from_db()
            if record.event_id == seen.event_id:
                return record.event
    now = timezone.now()
    _claim(actor=actor, record=record, state=WaitingState.CONFIRMED, now=now)
    event = event_contribute(
        actor=actor,
        household=record.household,
        pool=record.pool,
        resource=record.resource,
        quantity=record.quantity,
        occurred_at=min(record.occurred_at, now),
        note=record.note,
        cause=Cause(CAUSE_TYPE, record.id),
        idempotency_key=idempotency_key,
    )
    PendingContribution.objects.filter(pk=record.pk).update(event=event)
    record.refresh_from_db()
    _notify(record, "contribution.confirmed")
    return event


@transaction.atomic
def contribution_decline(
    *, actor: Membership, record: PendingContribution, reason: str
) -> PendingContribution:
    """A coordinator says the goods did not arrive (or not as recorded), with the reason, which
    the member is told. Nothing reaches the ledger. Refused if already decided."""
    policy.require(actor, "contribution.decide", record)
    reason = text_or_refuse(reason, field="reason").strip()
    if not reason:
        raise InvalidInput(_("Say why the record is declined."), field="reason")
    now = timezone.now()
    _claim(actor=actor, record=record, state=WaitingState.DECLINED, now=now, decline_reason=reason)
    record.refresh_from_db()
    audit_append(
        community_id=record.community_id,
        actor_id=actor.id,
        verb="contribution.decline",
        object_type="pendingcontribution",
        object_id=record.id,
        data={
            "household": record.household_id,
            "pool": record.pool_id,
            "resource": record.resource_id,
            "quantity": record.quantity,
            "reason": reason,
        },
        household_id=record.household_id,
        at=now,
    )
    _notify(record, "contribution.declined", reason=reason)
    return record
