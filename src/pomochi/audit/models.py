from django.db import models
from django.utils.translation import gettext_lazy as _

from pomochi.audit.immutable import ImmutableModel
from pomochi.communities.models import Community, Household, Membership

GENESIS_HASH = "0" * 64


class AuditHead(models.Model):
    """The last entry of a community's chain. Appends lock this row, so they queue per community."""

    community = models.OneToOneField(
        Community, on_delete=models.PROTECT, primary_key=True, related_name="audit_head"
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditEntry(ImmutableModel):
    """One state change, chained: hash = SHA-256(seq ‖ prev_hash ‖ payload_digest).

    The digest is public to every member; the payload and its salt follow the visibility rules,
    so anyone can verify the links without learning who received aid. Since format version 2 the
    digest is SHA-256(salt ‖ payload) with a fresh 128-bit salt per entry: without it a hidden
    payload of small ids and booleans could be found by trying them all. Version 1 entries
    (written before the salt) have no salt and are still verified as they were written.
    """

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField(null=True)
    # The household the entry is about, if any: its members may read the payload.
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.TextField()
    # Format version: 1 = digest of the payload alone (no salt), 2 = digest of salt ‖ payload.
    version = models.PositiveSmallIntegerField(default=2)
    salt = models.CharField(max_length=32, blank=True, default="")  # 32 hex digits; "" in v1
    # Readable only by coordinators and the committee, whatever it is about: a decision's note
    # can name people. Hashed with the payload (as "private": true) so it cannot be flipped.
    private = models.BooleanField(default=False)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["community", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["community", "seq"], name="audit_seq_unique"),
        ]
        indexes = [models.Index(fields=["community", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb}"
