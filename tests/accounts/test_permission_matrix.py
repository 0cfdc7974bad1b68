"""Accounts in the permission matrix: API tokens, password change and reset.

Conventions, roles and the runner: tests/matrix.py.
"""

from collections.abc import Callable

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.matrix import (
    EMPTY,
    PASSWORD_NEW,
    Route,
    everyone,
    form_errors,
    logged_in,
    membership_of,
    permission_matrix,
    pk,
)


def password_change_data(w, role):
    username = membership_of(w, role).user.username if role != "anonymous" else "bob"
    return {
        "old_password": f"{username}-pass-2026",
        "new_password1": PASSWORD_NEW,
        "new_password2": PASSWORD_NEW,
    }


def reset_link_kwargs(valid: bool) -> Callable:
    def kwargs(w, role):
        user = w.bob.user
        token = default_token_generator.make_token(user) if valid else "bad-token"
        return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}

    return kwargs


ROUTES = [
    # One's own display name and language.
    Route("account-settings", logged_in(200)),
    Route(
        "account-settings",
        logged_in(302),
        method="POST",
        data={"display_name": "Neighbour", "language": "ru"},
    ),
    Route(
        "account-settings",
        logged_in(422),
        method="POST",
        data={"language": "xx"},
        variant="unknown language",
        check=form_errors,
    ),
    # One's own e-mail address, with one's password.
    Route("account-email", logged_in(200)),
    Route(
        "account-email",
        logged_in(302),
        method="POST",
        data=lambda w, role: {
            "email": "new@example.org",
            "password": password_change_data(w, role)["old_password"],
        },
    ),
    Route(
        "account-email",
        logged_in(422),
        method="POST",
        data={"email": "new@example.org", "password": "not it"},
        variant="wrong password",
        check=form_errors,
    ),
    Route("tokens", logged_in(200)),
    # A new token is shown once, on the page itself: 200, not a redirect.
    Route("tokens", logged_in(200), method="POST", data={"name": "laptop"}),
    Route("tokens", logged_in(200), method="POST", data=EMPTY, variant="empty", check=form_errors),
    Route("token-revoke", everyone(405), kwargs={"token_id": pk("bob_token")}),
    Route(
        "token-revoke",
        logged_in(404, member=302),
        kwargs={"token_id": pk("bob_token")},
        method="POST",
        variant="bob's token",
    ),
    Route(
        "token-revoke",
        logged_in(404, outsider=302),
        kwargs={"token_id": pk("charlie_token")},
        method="POST",
        variant="another community's user's token",
    ),
    Route("password-change", logged_in(200)),
    Route("password-change", logged_in(302), method="POST", data=password_change_data),
    Route(
        "password-change",
        logged_in(200),
        method="POST",
        data=EMPTY,
        variant="empty",
        check=form_errors,
    ),
    Route("password-changed", logged_in(200)),
    Route("password-reset", everyone(200), to_login=False),
    Route(
        "password-reset",
        everyone(302),
        method="POST",
        data={"email": "bob@example.org"},
        to_login=False,
    ),
    Route(
        "password-reset",
        everyone(200),
        method="POST",
        data=EMPTY,
        variant="empty",
        check=form_errors,
        to_login=False,
    ),
    Route("password-reset-sent", everyone(200), to_login=False),
    Route(
        "password_reset_confirm",
        everyone(302),  # to the set-password step, the token moved into the session
        kwargs=reset_link_kwargs(valid=True),
        variant="valid link",
        to_login=False,
    ),
    Route(
        "password_reset_confirm",
        everyone(200),  # "the link is no longer valid"
        kwargs=reset_link_kwargs(valid=False),
        variant="bad link",
        to_login=False,
    ),
    Route("password-reset-complete", everyone(200), to_login=False),
]


test_permission_matrix = permission_matrix(ROUTES)
