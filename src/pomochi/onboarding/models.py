from django.conf import settings
from django.db import models

from pomochi.communities.models import Community


class FoundingRequest(models.Model):
    """A founding asked for with an Idempotency-Key: a retry with the same key and body gets
    the community the first one made; the same key with another body is refused.

    The ledger's idempotency records belong to a membership in a community; a person founding
    a community has none yet, so the key is theirs as a user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    # Empty only inside the founding's own transaction (claimed first, filled in at the end).
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="founding_request_unique"),
        ]

    def __str__(self) -> str:
        return self.key
