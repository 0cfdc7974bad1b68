"""Needs, offers, commitments and allocation rounds. States such as "expired" or "overdue" are
derived from dates when read (DESIGN: nothing runs on a clock inside a request)."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Community, Household, Membership, ResourceType
from pomochi.ledger.models import Pool


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("routine")
    SOON = "soon", _("soon")
    URGENT = "urgent", _("urgent")


URGENCY_RANK = {Urgency.ROUTINE: 0, Urgency.SOON: 1, Urgency.URGENT: 2}


class Need(models.Model):
    """What a household asks for. Private: its household, coordinators and the committee."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="needs")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="needs")
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    needed_by = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    quantity_met = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="need_positive"),
            models.CheckConstraint(
                condition=models.Q(quantity_met__gte=0), name="need_met_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.resource.format(self.quantity)} {self.resource}"

    @property
    def remaining(self) -> int:
        return max(0, self.quantity - self.quantity_met)

    def state(self, today: date) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.quantity_met >= self.quantity:
            return "met"
        if self.needed_by and self.needed_by < today:
            return "expired"
        return "partly_met" if self.quantity_met else "open"


class Offer(models.Model):
    """What a household offers; visible to the whole community."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="offers")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="offers")
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField()
    skill = models.CharField(max_length=100, blank=True)
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    quantity_committed = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="offer_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.resource.format(self.quantity)} {self.resource}"

    @property
    def remaining(self) -> int:
        return max(0, self.quantity - self.quantity_committed)

    def state(self, today: date) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.quantity_committed >= self.quantity:
            return "taken"
        if self.available_until and self.available_until < today:
            return "expired"
        return "open"


class Fate(models.TextChoices):
    KEPT = "kept", _("kept")
    LATE = "late", _("late")
    BROKEN = "broken", _("broken")
    EXCUSED = "excused", _("excused")


class Commitment(models.Model):
    """A promise: who delivers what to whom by when. Its fate, once recorded, never changes:
    it is the raw material of reliability (and an excused failure never counts against anyone).
    The one exception: a promise closed as kept by a delivery that is then reversed as a
    mistake is open again (the audit chain keeps both).

    Nobody is made to owe a promise: one made on a household's behalf (a coordinator matching
    its offer) is *proposed* until that household accepts it; only an accepted promise is owed,
    delivered, overdue or broken. A store's promise, or one a household makes from itself, is
    accepted when made. A declined (or withdrawn) proposal is closed and owes nothing."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="commitments")
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    giver_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="promises_given"
    )
    giver_pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="promises_received"
    )
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField()
    quantity_fulfilled = models.BigIntegerField(default=0)
    due_on = models.DateField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    fate = models.CharField(max_length=10, choices=Fate.choices, blank=True)
    fate_at = models.DateTimeField(null=True, blank=True)
    fate_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fate_note = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The giver household has no member online: a coordinator recorded its answer in person.
    answered_in_person = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="commitment_positive"),
            models.CheckConstraint(
                condition=models.Q(giver_household__isnull=True)
                | models.Q(giver_pool__isnull=True),
                name="commitment_one_giver",
            ),
        ]
        indexes = [models.Index(fields=["community", "fate", "due_on"])]

    def __str__(self) -> str:
        return f"{self.resource.format(self.quantity)} {self.resource} by {self.due_on}"

    @property
    def remaining(self) -> int:
        return max(0, self.quantity - self.quantity_fulfilled)

    @property
    def is_owed(self) -> bool:
        """Accepted by the giver and not closed: deliveries may be confirmed against it."""
        return self.accepted_at is not None and not self.fate

    def state(self, today: date) -> str:
        if self.declined_at:
            return "declined"
        if self.accepted_at is None:
            return "unanswered" if self.due_on < today else "proposed"
        if self.fate:
            return self.fate
        if self.due_on < today:
            return "overdue"
        return "partly_fulfilled" if self.quantity_fulfilled else "open"


class Reminder(models.Model):
    """A reminder sent for an overdue commitment: at most one per commitment and day."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commitment", "day"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.day}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    EXECUTED = "executed", _("carried out")
    CANCELLED = "cancelled", _("cancelled")


class AllocationRound(models.Model):
    """Scarce stock of one pool shared among needs under a named rule.

    Each edit is a new revision with its own shares and its own decisions; older revisions stay.
    """

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="rounds")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="rounds")
    resource = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField()
    rule = models.CharField(max_length=30)
    revision = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("allocation round")
        verbose_name_plural = _("allocation rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pool}: {self.resource.format(self.quantity)} {self.resource} ({self.rule})"


class AllocationShare(models.Model):
    """One household's share in one revision of a round, with the facts that explain it."""

    round = models.ForeignKey(AllocationRound, on_delete=models.PROTECT, related_name="shares")
    revision = models.PositiveIntegerField()
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="shares")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    asked = models.BigIntegerField()
    share = models.BigIntegerField()
    explanation = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "revision", "need"], name="share_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.share}"

    @property
    def community_id(self) -> int:
        """For the policy, which places every object in its community."""
        return self.round.community_id


class Decision(models.TextChoices):
    APPROVE = "approve", _("approve")
    REJECT = "reject", _("reject")


class RoundDecision(models.Model):
    round = models.ForeignKey(AllocationRound, on_delete=models.PROTECT, related_name="decisions")
    revision = models.PositiveIntegerField()
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "revision", "member"], name="one_decision_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.decision}"


class Appeal(models.Model):
    """A household's appeal of its share, heard by the committee with the round attached."""

    round = models.ForeignKey(AllocationRound, on_delete=models.PROTECT, related_name="appeals")
    share = models.ForeignKey(AllocationShare, on_delete=models.PROTECT, related_name="appeals")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, blank=True)  # "upheld" or "dismissed"
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"appeal {self.household} round {self.round_id}"
