import pytest
from django.test import Client

from pomochi.accounts.models import TokenScope
from pomochi.accounts.tokens import token_create


class ApiClient:
    """A JSON client speaking to /api/v1/ with a personal token."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _token, secret = token_create(user=user, name="tests", scope=TokenScope.WRITE)
            self.headers["Authorization"] = f"Bearer {secret}"

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body, key=None):
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=headers
        )

    def patch(self, path, body):
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as():
    return ApiClient
