from ninja.security import HttpBearer

from pomochi.accounts.tokens import token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pmc_…` with a personal token from the web page."""

    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user
