from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from pomochi.accounts.models import TokenScope
from pomochi.accounts.tokens import token_find
from pomochi.errors import NotAllowed

READING = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pmc_…` with a personal token from the web page.

    A read-only token is refused (403, in the API's error shape) anything but reading."""

    def authenticate(self, request, token: str):
        found = token_find(token)
        if found is None:
            return None
        request.user = found.user
        if found.scope != TokenScope.WRITE and request.method not in READING:
            raise NotAllowed(
                _("This token may only read: make a read-and-write token to change anything.")
            )
        return found.user
