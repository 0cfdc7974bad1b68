"""The API's own routes in the permission matrix, and its public OpenAPI document.

Every endpoint of an app is in that app's matrix (tests/<app>/test_permission_matrix.py).
Conventions, roles and the runner: tests/matrix.py.
"""

import json

from django.urls import reverse

from tests.matrix import (
    Route,
    everyone,
    permission_matrix,
)

ROUTES = [
    # django-ninja's root: it exists only so the API can reverse its own prefix.
    Route("api-v1:api-root", everyone(404)),
]


test_permission_matrix = permission_matrix(ROUTES)


def test_the_openapi_document_is_served(db, client):
    response = client.get(reverse("api-v1:openapi-json"))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/communities/{slug}/events" in document["paths"]
    assert client.get(reverse("api-v1:openapi-view")).status_code == 200
