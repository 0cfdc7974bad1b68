from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from pomochi.accounts.services import (
    password_link_queue,
    password_reset_mail_allowed,
    password_reset_request,
)
from pomochi.text import TextField


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most a few e-mails per account and per address an hour.

    Whether an e-mail went out or not, the page answers the same: nobody learns from it whether
    an address has an account, nor that a limit was reached. The address is read as the log-in
    throttle reads it (behind the proxy only when BEHIND_HTTPS_PROXY)."""

    def save(self, *args, request=None, **kwargs):
        self._ip = get_client_ip_address(request) if request is not None else None
        if not password_reset_request(ip_address=self._ip):
            return
        super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the outbox, like every mail (sent by the delivery job once the page's
        transaction commits), worded in the account's language."""
        password_link_queue(
            user=context["user"],
            context=context,
            subject_template=subject_template_name,
            body_template=email_template_name,
        )

    def get_users(self, email):
        for user in super().get_users(email):
            if password_reset_mail_allowed(user=user, ip_address=self._ip):
                yield user


def passwords_match(form: forms.Form, data: dict) -> dict:
    """The password typed twice must be the same twice."""
    if data.get("password") and data.get("password") != data.get("password_again"):
        form.add_error("password_again", _("The two passwords differ."))
    return data


class AccountForm(forms.Form):
    """One's own account at /signup/: a username, an optional e-mail, the password twice."""

    username = TextField(label=_("Username"), max_length=150, multiline=False)
    display_name = TextField(
        label=_("Name as neighbours know it"), required=False, max_length=150, multiline=False
    )
    email = forms.EmailField(label=_("E-mail (optional: for a forgotten password)"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self):
        return passwords_match(self, super().clean())


class AccountSettingsForm(forms.Form):
    display_name = TextField(
        label=_("Name as neighbours know it"), required=False, max_length=150, multiline=False
    )
    language = forms.ChoiceField(label=_("Language of the pages"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("the community's language")),
            *settings.LANGUAGES,
        ]


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address (blank: none)"), required=False, max_length=254
    )
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, max_length=128)
