from django.db import models
from django.utils.translation import gettext_lazy as _

from pomochi.communities.models import Community, Membership


class Notification(models.Model):
    """News for one member. The text is rendered when read, in the reader's language, from
    `kind` and `params`; `emailed_at` is there for the e-mail delivery and digests to come."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
