"""Account services. Log-in throttling is django-axes' (see settings.AXES_*); password-reset
e-mails are counted here, in the database, so that every app server sees the same count."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pomochi.accounts.models import PasswordResetRequest


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


def _since():
    return timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_WINDOW_SECONDS)


@transaction.atomic
def password_reset_request(*, ip_address: str | None) -> bool:
    """Count one reset form from this address; False if the address already sent too many
    within the window (then no e-mail goes out, and the page says the same as ever)."""
    now = timezone.now()
    PasswordResetRequest.objects.filter(at__lt=now - timedelta(days=1)).delete()
    recent = PasswordResetRequest.objects.filter(
        at__gte=_since(), ip_address=ip_address, user__isnull=True
    ).count()
    PasswordResetRequest.objects.create(at=now, ip_address=ip_address)
    return recent < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS


@transaction.atomic
def password_reset_mail_allowed(*, user, ip_address: str | None) -> bool:
    """True, and counted, if this account has had fewer reset e-mails than the limit within the
    window; False otherwise."""
    sent = PasswordResetRequest.objects.filter(at__gte=_since(), user=user).count()
    if sent >= settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT:
        return False
    PasswordResetRequest.objects.create(at=timezone.now(), ip_address=ip_address, user=user)
    return True
