from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommunityKind(models.TextChoices):
    VILLAGE = "village", _("village")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    TENANTS = "tenants", _("tenants' association")
    BRIGADE = "brigade", _("volunteer brigade")
    COOPERATIVE = "cooperative", _("co-operative")


class Community(models.Model):
    """A mutual-aid group. Every other row belongs to exactly one."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=8, default="en")
    kind = models.CharField(
        _("kind of group"), max_length=20, choices=CommunityKind.choices, default="village"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Who founded it: their first-run checklist shows until every step is done or skipped.
    founded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    setup_skipped = models.JSONField(_("set-up steps skipped"), default=list, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """The community's clock: its days (needed by, due on, a page's dates) are days here."""
        return ZoneInfo(self.timezone)

    def day_start(self, day: date) -> datetime:
        """The first moment of a day on the community's clock (a filter's "from" and, for the
        day after, its "until")."""
        return datetime.combine(day, time.min, tzinfo=self.zone)


class Household(models.Model):
    """The unit that gives and receives. Vulnerability flags are need data: private."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="households")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveSmallIntegerField(_("people"), default=1)
    has_children = models.BooleanField(_("children"), default=False)
    has_elderly = models.BooleanField(_("elderly"), default=False)
    has_ill_or_disabled = models.BooleanField(_("ill or disabled"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A household that left, or was merged into another, is archived: its history stays.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="household_name_unique"),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="household_size_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person in a community: the actor of every service call."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    is_committee = models.BooleanField(_("committee"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # Leaving or being removed ends the membership (is_active False); its history stays.
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True, default="")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community_id}"

    @property
    def roles(self) -> list[str]:
        return [
            r
            for r, on in (("coordinator", self.is_coordinator), ("committee", self.is_committee))
            if on
        ]


class ResourceKind(models.TextChoices):
    CONSUMABLE = "consumable", _("consumable (stock used up: grain, fuel)")
    DURABLE = "durable", _("durable (items lent and returned: a plough)")
    LABOUR = "labour", _("labour (hours of work)")


class ResourceType(models.Model):
    """What flows. Quantities are integers in the smallest unit (10^-decimal_places of `unit`)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="resources")
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=0)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="resource_name_unique"),
            models.CheckConstraint(
                condition=models.Q(decimal_places__lte=6), name="resource_places_at_most_6"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def format(self, quantity: int) -> str:
        from pomochi.communities.quantities import format_quantity

        return format_quantity(quantity, resource=self)


class Bylaws(models.Model):
    """One version of a community's written rules. A change is a new version; old ones stay."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="bylaws")
    version = models.PositiveIntegerField()
    rules = models.JSONField()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bylaws version")
        verbose_name_plural = _("bylaws versions")
        ordering = ["community", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["community", "version"], name="bylaws_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} v{self.version}"


class Invitation(models.Model):
    """An offer to join a community, made by a coordinator, accepted by the person's own act.

    Nobody is added to a community without accepting: a coordinator invites by e-mail or hands
    over a one-time code (on paper, for people without e-mail); the invitee accepts it while
    logged in, or creates an account through it. Only a digest of the code is stored.
    """

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="invitations")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    grants_coordinator = models.BooleanField(_("coordinator"), default=False)
    grants_committee = models.BooleanField(_("committee"), default=False)
    # A code issued to an existing member who forgot their password (no e-mail to reset by):
    # redeeming it sets a new password for that member's account instead of joining.
    for_membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.community_id}"

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "open"
