"""Ids in a body are row numbers the databases can hold: anything larger is a clear 422, never
a 500 (found by schemathesis: "Python int too large to convert to SQLite INTEGER")."""

from tests.api.conftest import ApiClient


def test_an_id_too_large_for_a_row_is_refused_clearly(village):
    api = ApiClient(village.bob.user)
    response = api.post("/communities/village/notifications/read", {"ids": [2**70, 5]})
    assert response.status_code == 422
    assert response.json()["message"]


def test_ordinary_ids_still_mark_read(village):
    api = ApiClient(village.bob.user)
    response = api.post("/communities/village/notifications/read", {"ids": [1, 2**63 - 1]})
    assert response.status_code == 200
