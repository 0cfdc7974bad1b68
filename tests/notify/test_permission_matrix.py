"""Notifications in the permission matrix: each member reads their own.

Conventions, roles and the runner: tests/matrix.py.
"""

from tests.matrix import (
    VILLAGE,
    Route,
    membership_of,
    page,
    permission_matrix,
)


def own_notifications(response, w, role):
    mine = set(membership_of(w, role).notifications.values_list("id", flat=True))
    assert {n["id"] for n in response.context["rows"]} <= mine


ROUTES = [
    Route("notifications", page(), kwargs=VILLAGE, check=own_notifications),
]


test_permission_matrix = permission_matrix(ROUTES)
