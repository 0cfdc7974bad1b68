"""Personal API tokens: created and revoked by their owner, stored hashed, shown once."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.accounts.models import TOKEN_DAYS, ApiToken, TokenScope, User
from pomochi.errors import InvalidInput, NotAllowed

PREFIX = "pmc_"
MAX_TOKEN_DAYS = 366


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, days: int = TOKEN_DAYS, scope: str = TokenScope.READ
) -> tuple[ApiToken, str]:
    """Return the stored token and its secret, which is never retrievable again. It works for
    `days` days (at most a year), for reading only unless `scope` is read and write."""
    name = name.strip()
    if not name:
        raise InvalidInput(
            _("Name the token, e.g. after the phone or tool that uses it."), field="name"
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            _("A token works for 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS}, field="days"
        )
    if scope not in TokenScope.values:
        raise InvalidInput(_("Choose read only, or read and write."), field="scope")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:12],
        token_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
        scope=scope,
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


@transaction.atomic
def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of this user still working: their password changed, or the account
    was deactivated. Returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_find(secret: str) -> ApiToken | None:
    """The working token (not revoked, not expired, its user active) with this secret, or
    None. Marks it used (at most once a minute)."""
    if not secret.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_user(secret: str) -> User | None:
    """The active user a working token belongs to, or None."""
    token = token_find(secret)
    return token.user if token is not None else None
