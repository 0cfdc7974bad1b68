from django.db import models
from django.utils.translation import gettext_lazy as _

from pomochi.audit.immutable import ImmutableModel
from pomochi.communities.models import Community, Household, Membership, ResourceType


class PoolKind(models.TextChoices):
    GRANARY = "granary", _("granary")
    SEED_BANK = "seed_bank", _("seed bank")
    TOOL_LIBRARY = "tool_library", _("tool library")
    KITCHEN = "kitchen", _("kitchen")
    EMERGENCY_FUND = "emergency_fund", _("emergency fund")
    OTHER = "other", _("other store")


class Pool(models.Model):
    """A shared store. Its stock is in holdings, one per resource, derived from events."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="pools")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PoolKind.choices, default=PoolKind.OTHER
    )
    description = models.TextField(_("description"), blank=True, default="")
    # What this store keeps: a movement of any other resource into it is refused, so potatoes
    # reach the tool library only by a coordinator's deliberate choice.
    resources = models.ManyToManyField(
        ResourceType, blank=True, related_name="pools", verbose_name=_("what it keeps")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # An archived store takes no new stock; it can be archived only when empty; history stays.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("pool")
        verbose_name_plural = _("pools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="pool_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Holding(models.Model):
    """How much of one resource a pool holds: a running total of its events, never negative."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="holdings")
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="holdings")
    quantity = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("holding")
        constraints = [
            models.UniqueConstraint(fields=["pool", "resource"], name="holding_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="holding_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pool}: {self.resource.format(self.quantity)}"


class Action(models.TextChoices):
    CONTRIBUTE = "contribute", _("contribution")
    DISTRIBUTE = "distribute", _("distribution")
    TRANSFER = "transfer", _("gift")
    LEND = "lend", _("loan")
    RETURN = "return", _("return")
    WORK = "work", _("work")
    TRADE = "trade", _("trade")
    ADJUST = "adjust", _("adjustment")
    REVERSE = "reverse", _("reversal")


class Event(ImmutableModel):
    """One line of the ledger: a movement of goods or labour. Never edited; reversed instead.

    The cause (a need, commitment, allocation, loan, trade, task …) is named generically, so later
    apps add no columns here; it is part of the audit payload and so of the hash.
    """

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="events")
    quantity = models.BigIntegerField()
    provider_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="events_given"
    )
    provider_pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, null=True, blank=True, related_name="events_out"
    )
    receiver_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="events_received"
    )
    receiver_pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, null=True, blank=True, related_name="events_in"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    cause_type = models.CharField(max_length=40, blank=True, default="")
    cause_id = models.BigIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="event_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~(
                    models.Q(provider_household__isnull=False)
                    & models.Q(provider_pool__isnull=False)
                ),
                name="event_one_provider",
            ),
            models.CheckConstraint(
                condition=~(
                    models.Q(receiver_household__isnull=False)
                    & models.Q(receiver_pool__isnull=False)
                ),
                name="event_one_receiver",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "occurred_at"]),
            models.Index(fields=["cause_type", "cause_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk}"

    def audit_data(self) -> dict:
        """What the audit entry records of this event; verify_audit compares it with the row."""
        from pomochi.audit.chain import iso

        return {
            "action": self.action,
            "resource": self.resource_id,
            "quantity": self.quantity,
            "provider_household": self.provider_household_id,
            "provider_pool": self.provider_pool_id,
            "receiver_household": self.receiver_household_id,
            "receiver_pool": self.receiver_pool_id,
            "occurred_at": iso(self.occurred_at),
            "recorded_at": iso(self.recorded_at),
            "recorded_by": self.recorded_by_id,
            "cause": [self.cause_type, self.cause_id],
            "reverses": self.reverses_id,
            "note": self.note,
        }

    @property
    def household_id(self) -> int | None:
        """The household this event is about (for visibility): the receiver, else the giver."""
        return self.receiver_household_id or self.provider_household_id


class IdempotencyRecord(models.Model):
    """A request seen before: the same key and body return the first result and record nothing."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="idempotency_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class WaitingState(models.TextChoices):
    WAITING = "waiting", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class PendingContribution(models.Model):
    """A record waiting for confirmation ("mutual checks", the bylaws' members_contributions_wait):
    a member says their household brought goods to a store; it is no ledger event until a
    coordinator confirms that it arrived (then `event` is the contribution recorded, its cause
    this record), or declines it with a reason. Decided once."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="+")
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField()
    note = models.TextField(blank=True, default="")
    occurred_at = models.DateTimeField()
    submitted_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=WaitingState.choices, default=WaitingState.WAITING
    )
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, default="")
    event = models.OneToOneField(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A retried submission (same member, same key, same body) returns the first record.
    idempotency_key = models.CharField(max_length=200, blank=True, default="")
    fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("record waiting for confirmation")
        verbose_name_plural = _("records waiting for confirmation")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="pending_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="pending_idempotency_unique",
            ),
        ]
        indexes = [models.Index(fields=["community", "state"])]

    def __str__(self) -> str:
        return f"{self.get_state_display()} #{self.pk}"
