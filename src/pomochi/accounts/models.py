from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_DAYS = 90  # how long a token works unless its owner chose otherwise


class User(AbstractUser):
    """A person who can log in. What they may do depends on their memberships, not on this row."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # The language the pages speak to this person; blank: the community's, then the browser's.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # On a hosted server founding a community may need the site admin's approval (a site
    # setting, POMOCHI_FOUNDING); this is that approval.
    may_found_communities = models.BooleanField(_("may found communities"), default=False)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


def token_expiry() -> datetime:
    return timezone.now() + timedelta(days=TOKEN_DAYS)


class TokenScope(models.TextChoices):
    READ = "read", _("read only")
    WRITE = "write", _("read and write")


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept: the token itself is shown once.

    It stops working when it expires, when revoked, and (all of its owner's) when the owner's
    password changes or the account is deactivated. A read-only token may only read."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=token_expiry)
    scope = models.CharField(
        _("access"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasswordResetRequest(models.Model):
    """A password-reset form sent (user empty) or a reset e-mail sent to a user, kept a day, so
    that every app server counts the same and nobody's inbox is flooded."""

    at = models.DateTimeField(db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        verbose_name = _("password reset request")

    def __str__(self) -> str:
        return f"{self.ip_address} {self.at:%Y-%m-%d %H:%M}"
