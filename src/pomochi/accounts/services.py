"""Account services. Log-in throttling is django-axes' (see settings.AXES_*)."""


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
