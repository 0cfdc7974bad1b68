"""Founding, sign-up, the founder's checklist and the starter sets in the permission matrix.

Conventions, roles and the runner: tests/matrix.py. None of the matrix's roles founded the
village (olga did), so its checklist is nobody's here; charlie founded the hamlet.
"""

from tests.matrix import (
    EMPTY,
    PASSWORD_NEW,
    VILLAGE,
    Route,
    everyone,
    form_errors,
    logged_in,
    page,
    permission_matrix,
)

FOUNDING = {
    "name": "Upper Village",
    "slug": "upper",
    "kind": "village",
    "language": "en",
    "timezone": "UTC",
    "starter": "village",
    "idempotency_key": "matrix-1",
}
SIGNUP = {"username": "zoya", "password": PASSWORD_NEW, "password_again": PASSWORD_NEW}


def founded(response, w, role):
    assert response.json()["my_roles"] == ["coordinator", "committee"]


ROUTES = [
    # Founding: anyone with an account (POMOCHI_FOUNDING=anyone, the default).
    Route("found", logged_in(200)),
    Route("found", logged_in(302), method="POST", data=FOUNDING),
    Route("found", logged_in(422), method="POST", data=EMPTY, variant="empty", check=form_errors),
    Route(
        "found",
        logged_in(422),
        method="POST",
        data=FOUNDING | {"slug": "village"},
        variant="a slug taken",
        check=form_errors,
    ),
    # Sign-up: for people without an account; the logged-in are sent home.
    Route("signup", everyone(302, anonymous=200), to_login=False),
    Route("signup", everyone(302), method="POST", data=SIGNUP, to_login=False),
    Route(
        "signup",
        everyone(302, anonymous=422),
        method="POST",
        data=EMPTY,
        variant="empty",
        check=form_errors,
        to_login=False,
    ),
    # The checklist's skips: the founder's alone.
    Route("setup-skip", everyone(405), kwargs=VILLAGE, to_login=False),
    Route(
        "setup-skip",
        page(403, allowed=()),
        kwargs=VILLAGE,
        method="POST",
        data={"step": "stores"},
    ),
    Route(
        "setup-skip",
        page(404, outsider=302),
        kwargs={"slug": "hamlet"},
        method="POST",
        data={"step": "stores"},
        variant="the hamlet, which charlie founded",
    ),
    Route(
        "setup-skip",
        page(404, outsider=302),
        kwargs={"slug": "hamlet"},
        method="POST",
        data=EMPTY,
        variant="the hamlet, no step",
    ),
    # The API.
    Route(
        "api-v1:found_community",
        everyone(201, anonymous=401),
        method="POST",
        data={"name": "Upper Village", "slug": "upper", "starter": "tenants"},
        check=founded,
    ),
    Route(
        "api-v1:found_community",
        everyone(409, anonymous=401),
        method="POST",
        data={"name": "Another Village", "slug": "village"},
        variant="a slug taken",
    ),
    Route(
        "api-v1:found_community",
        everyone(422, anonymous=401),
        method="POST",
        data={},
        variant="empty",
    ),
    Route("api-v1:list_starters", everyone(200, anonymous=401)),
]


test_permission_matrix = permission_matrix(ROUTES)
