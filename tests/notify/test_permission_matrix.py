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
    member = membership_of(w, role)
    assert all(n.recipient_id == member.id for n, *_rest in response.context["rows"])


ROUTES = [
    Route("notifications", page(), kwargs=VILLAGE, check=own_notifications),
]


test_permission_matrix = permission_matrix(ROUTES)
