from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from pomochi.accounts.services import (
    login_failure_record,
    login_failures_clear,
    login_is_throttled,
)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class ThrottledLoginForm(AuthenticationForm):
    """Django's log-in form, refusing to check passwords after too many failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed attempts to log in. Please wait a quarter of an hour and try again."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if login_is_throttled(username=username, ip_address=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, ip_address=ip)
            raise
        login_failures_clear(username=username)
        return cleaned


def show_domain_error(form, exc) -> None:
    """Put a service's refusal next to the field it names (or above the form): the one way
    every page shows a DomainError. Forms with their own mapping (ledger.forms.RecordForm)
    provide add_domain_error."""
    if hasattr(form, "add_domain_error"):
        form.add_domain_error(exc)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
