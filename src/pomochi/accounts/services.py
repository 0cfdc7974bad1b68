"""Log-in throttling: counted in the database so every app server sees the same count."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pomochi.accounts.models import LoginFailure


def login_is_throttled(*, username: str, ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    by_name = recent.filter(username__iexact=username).count() if username else 0
    by_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    # An address may try a few accounts (a shared phone in the village hall), not dozens.
    return by_name >= limit or by_ip >= limit * 4


@transaction.atomic
def login_failure_record(*, username: str, ip_address: str | None) -> None:
    now = timezone.now()
    LoginFailure.objects.create(username=username[:150], ip_address=ip_address, at=now)
    cutoff = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS * 4)
    LoginFailure.objects.filter(Q(at__lt=cutoff)).delete()


@transaction.atomic
def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


def password_link_send(*, user, domain: str, use_https: bool) -> None:
    """E-mail a link to set a password. Works for new accounts that have none yet, which
    Django's reset form skips on purpose."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    PasswordResetForm().send_mail(
        "accounts/reset_subject.txt", "accounts/reset_email.txt", context, None, user.email
    )
