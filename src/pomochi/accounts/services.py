"""Account services. Log-in throttling is django-axes' (see settings.AXES_*); password-reset
e-mails are counted here, in the database, so that every app server sees the same count."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pomochi.accounts.models import PasswordResetRequest, User
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.notify.delivery import mail_queue
from pomochi.text import text_or_refuse

EMAIL_LENGTH = User._meta.get_field("email").max_length
DISPLAY_NAME_LENGTH = User._meta.get_field("display_name").max_length


def signup_open() -> bool:
    """Whether anyone may make an account (POMOCHI_SIGNUP=open), or only through an invitation."""
    return settings.POMOCHI_SIGNUP == "open"


def signup_closed_message() -> str:
    return _(
        "On this server accounts are made through an invitation only. Ask a coordinator of "
        "your community for one."
    )


@transaction.atomic
def account_sign_up(*, username: str, password: str, email: str = "", display_name: str = ""):
    """Make one's own account at /signup/. Refused, changing nothing, when sign-up is by
    invitation only (then an invitation makes the account: communities.invitations)."""
    if not signup_open():
        raise NotAllowed(signup_closed_message())
    return account_create(
        username=username, password=password, email=email, display_name=display_name
    )


@transaction.atomic
def account_create(
    *, username: str, password: str, email: str = "", display_name: str = ""
) -> User:
    """A new account, judged by Django's validators (username, e-mail, password); refuses,
    changing nothing, a username taken in any letter case."""
    username = username.strip()  # Django's validators judge it: they refuse control characters
    email = text_or_refuse(email, field="email", max_length=EMAIL_LENGTH, multiline=False)
    display_name = text_or_refuse(
        display_name, field="display_name", max_length=DISPLAY_NAME_LENGTH, multiline=False
    )
    user = User(username=username, email=email, display_name=display_name)
    try:
        # Django's username validators, e-mail, lengths (a taken name: below, in any case)
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as e:
        field, messages = next(iter(e.message_dict.items()))
        raise InvalidInput(" ".join(messages), field=field) from None
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("That username is taken; choose another."), field="username")
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field="password") from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def account_settings_update(*, user: User, display_name: str, language: str) -> User:
    """One's own name as neighbours know it and the language the pages speak to one (blank:
    the community's, then the site's). Refuses, changing nothing, an unknown language."""
    display_name = text_or_refuse(
        display_name, field="display_name", max_length=DISPLAY_NAME_LENGTH, multiline=False
    )
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unknown language: %(lang)s") % {"lang": language}, field="language")
    user.display_name, user.language = display_name, language
    user.save(update_fields=["display_name", "language"])
    return user


@transaction.atomic
def account_email_change(*, user: User, email: str, password: str) -> User:
    """One's own e-mail address, where news and password links go; blank for none. Asks for the
    password, since the address decides where a password reset is sent. The old address, if
    any, is told of the change (so a stolen session cannot move it quietly)."""
    if not user.check_password(password):
        raise InvalidInput(_("That is not your password."), field="password")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    old = user.email
    if email == old:
        return user
    user.email = email
    user.save(update_fields=["email"])
    if old:
        language = user.language or settings.LANGUAGE_CODE
        with override(language):
            subject = _("Your e-mail address on pomochi was changed")
            body = _(
                "The e-mail address of the account %(username)s was changed from this one "
                "to %(new)s. If you did not do this, ask a coordinator of your community for a "
                "password code at once."
            ) % {"username": user.username, "new": email or _("none")}
        mail_queue(kind="account", to=old, language=language, subject=subject, text=body)
    return user


def password_link_queue(*, user, context: dict, subject_template: str, body_template: str) -> None:
    """A password link into the outbox, worded now in the account's language (the link is made
    once: the outbox wipes it when the mail is sent)."""
    language = user.language or settings.LANGUAGE_CODE
    with override(language):
        subject = "".join(render_to_string(subject_template, context).splitlines())
        body = render_to_string(body_template, context)
    mail_queue(kind="password", to=user.email, language=language, subject=subject, text=body)


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
