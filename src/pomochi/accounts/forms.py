from axes.helpers import get_client_ip_address
from django.contrib.auth.forms import PasswordResetForm

from pomochi.accounts.services import password_reset_mail_allowed, password_reset_request


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

    def get_users(self, email):
        for user in super().get_users(email):
            if password_reset_mail_allowed(user=user, ip_address=self._ip):
                yield user
