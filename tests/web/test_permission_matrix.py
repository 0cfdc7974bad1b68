"""The site's shell in the permission matrix: home, log-in and out, a community's home page.

Conventions, roles and the runner: tests/matrix.py.
"""

import re

from django.urls import reverse

from tests.matrix import (
    EMPTY,
    VILLAGE,
    Route,
    everyone,
    hidden_of,
    html,
    logged_in,
    page,
    permission_matrix,
)

OWN_PROMISES = re.compile(r'<ul class="cards own-promises">.*?</ul>', re.S)


def receivers_hidden_on_the_home_page(response, w, role):
    """The movements as in every list: a plain member sees their own receipts, not another
    household's. The one other household bob's home page names is the receiver of the promise
    his own household is asked to give (the Sidorovs: commitment.view shows it to the giver)."""
    assert hidden_of(response, w.to_petrovs) == set()
    if role == "member":
        assert hidden_of(response, w.to_sidorovs) == {"receiver_household"}
        own = OWN_PROMISES.findall(html(response))
        assert len(own) == 1 and "Sidorovs" in own[0]
        assert "Sidorovs" not in OWN_PROMISES.sub("", html(response))
    else:
        assert hidden_of(response, w.to_sidorovs) == set()
        assert "Sidorovs" in html(response)


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
    Route("community", page(), kwargs=VILLAGE, check=receivers_hidden_on_the_home_page),
    Route(
        "community",
        page(404, outsider=200),
        kwargs={"slug": "hamlet"},
        variant="another community",
    ),
    Route("community", page(404), kwargs={"slug": "nowhere"}, variant="no such community"),
]


test_permission_matrix = permission_matrix(ROUTES)
