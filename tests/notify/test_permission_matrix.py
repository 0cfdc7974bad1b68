"""Notifications in the permission matrix: each member reads their own.

Conventions, roles and the runner: tests/matrix.py.
"""

from tests.matrix import (
    VILLAGE,
    Route,
    api,
    membership_of,
    page,
    permission_matrix,
)


def own_notifications(response, w, role):
    mine = set(membership_of(w, role).notifications.values_list("id", flat=True))
    assert {n["id"] for n in response.context["rows"]} <= mine


def own_over_the_api(response, w, role):
    mine = set(membership_of(w, role).notifications.values_list("id", flat=True))
    assert {n["id"] for n in response.json()["items"]} <= mine


ROUTES = [
    Route("notifications", page(), kwargs=VILLAGE, check=own_notifications),
    Route("api-v1:list_notifications", api(), kwargs=VILLAGE, check=own_over_the_api),
    Route(
        "api-v1:mark_notifications_read",
        api(),
        kwargs=VILLAGE,
        method="POST",
        data={"ids": []},
    ),
]


test_permission_matrix = permission_matrix(ROUTES)
