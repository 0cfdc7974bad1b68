"""The site's shell in the permission matrix: home, log-in and out, a community's home page.

Conventions, roles and the runner: tests/matrix.py.
"""

from django.urls import reverse

from tests.matrix import (
    EMPTY,
    VILLAGE,
    Route,
    everyone,
    logged_in,
    page,
    permission_matrix,
    receivers_hidden_in_lists,
)


def login_stays_on_site(response, w, role):
    """Logging in, or already logged in: never sent on to another site."""
    assert response["Location"] == reverse("home")


ROUTES = [
    # --- outside any community ------------------------------------------------------
    Route("home", logged_in(302)),  # one community each: straight into it
    Route("login", logged_in(302, anonymous=200), to_login=False),
    Route(
        "login",
        logged_in(302),
        method="POST",
        data={"username": "bob", "password": "bob-pass-2026"},
        to_login=False,
    ),
    Route(
        "login",
        logged_in(302, anonymous=200),
        method="POST",
        data=EMPTY,
        variant="empty",
        to_login=False,
    ),
    Route("logout", everyone(405), to_login=False),  # GET never logs out
    Route("logout", everyone(302), method="POST", to_login=False),
    Route("community", page(), kwargs=VILLAGE, check=receivers_hidden_in_lists),
    Route(
        "community",
        page(404, outsider=200),
        kwargs={"slug": "hamlet"},
        variant="another community",
    ),
    Route("community", page(404), kwargs={"slug": "nowhere"}, variant="no such community"),
]


test_permission_matrix = permission_matrix(ROUTES)
