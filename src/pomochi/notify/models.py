from django.db import models
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Community, Membership


class Delivery(models.TextChoices):
    """How a member hears one kind of news (notify.kinds has each kind's default)."""

    NOW = "now", _("by e-mail at once")
    DIGEST = "digest", _("in the digest")
    APP = "app", _("here only")


class Notification(models.Model):
    """News for one member. The text is rendered when read or mailed, in the reader's language,
    from `kind` and `params` (facts: ids, amounts in the smallest unit, never a sentence);
    `about`/`about_id` name the object it is about, which the link leads to.

    `delivery` is decided after the writer's transaction commits, by the delivery job, from the
    member's preferences ("" until then); `unreachable` marks news a member wanted by e-mail but
    could not be sent, having no address. New columns have database defaults so the rounds' one
    INSERT … SELECT need not name them."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    about = models.CharField(max_length=30, blank=True, db_default="")
    about_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=8, blank=True, db_default="")
    unreachable = models.BooleanField(db_default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["delivery", "id"], name="notify_undecided"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Preference(models.Model):
    """A member's choice for one kind of news; absent means the kind's default."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("every week")
    OFF = "off", _("never")


class MailSettings(models.Model):
    """A member's e-mail in one community: how often the digest comes, and whether they asked
    for no e-mail at all (the one-click unsubscribe sets it)."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, primary_key=True, related_name="mail_settings"
    )
    digest = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    no_mail = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.digest}"


class Digest(models.Model):
    """One member's digest for one period, made once (the unique period makes a second run of
    the job make nothing). It names the chain's head at the time it was made, which the mail
    carries: members' inboxes then hold copies of the head."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=8, choices=DigestFrequency.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    head = models.CharField(max_length=64, blank=True)
    head_seq = models.BigIntegerField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "frequency", "starts_on"], name="one_digest_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} {self.starts_on} → {self.membership_id}"


class MailStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("could not be sent")


class Mail(models.Model):
    """The outbox: every e-mail the project sends is a row here first, written in the
    transaction that has the news and sent by the delivery job after it commits.

    A notification's or digest's mail is worded when sent, in the recipient's language; mail
    that carries a secret made once (an invitation code, a password link) is worded when
    written, and its words are wiped once it is sent. A row is claimed (status sending,
    claimed_at) before it is sent, so two workers or a job run twice send it once; a claim
    older than the lease is a worker that died, and the row is sent again."""

    kind = models.CharField(max_length=20)
    to = models.EmailField()
    language = models.CharField(max_length=8, blank=True)
    recipient = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.status})"


class ActionUse(models.Model):
    """A one-click action link that was used: its nonce, once (the unique nonce is what makes a
    link work once)."""

    nonce = models.CharField(max_length=32, unique=True)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    used_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.action} ({self.used_at:%Y-%m-%d})"
