"""Personal API tokens: created and revoked by their owner, stored hashed, shown once."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.accounts.models import ApiToken, User
from pomochi.errors import InvalidInput, NotAllowed

PREFIX = "pmc_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the stored token and its secret, which is never retrievable again."""
    name = name.strip()
    if not name:
        raise InvalidInput(
            _("Name the token, e.g. after the phone or tool that uses it."), field="name"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:12], token_hash=_hash(secret)
    )
    return token, secret


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.id:
        raise NotAllowed(_("Only the owner of a token can revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_user(secret: str) -> User | None:
    """The active user a token belongs to, or None. Marks the token used (at most per minute)."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
