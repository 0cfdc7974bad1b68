from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who can log in. What they may do depends on their memberships, not on this row."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class LoginFailure(models.Model):
    """One failed log-in, kept briefly to slow down password guessing across app servers."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed log-in")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
