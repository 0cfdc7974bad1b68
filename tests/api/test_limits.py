"""Every list parameter and body array, and every page size, has a documented maximum: in the
OpenAPI document, enforced with a translated error, and the work behind it bounded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pomochi.aid.models import AllocationRound
from pomochi.aid.rounds import MAX_NEEDS_PER_ROUND
from pomochi.api.v1 import api
from tests.aid import conftest as aid_fixtures
from tests.api.conftest import ApiClient

V = "/communities/village"
needy_village = aid_fixtures.needy_village  # three open needs for grain


def schema_of(name: str) -> dict:
    return api.get_openapi_schema()["components"]["schemas"][name]


def parameter(path: str, name: str) -> dict:
    operation = api.get_openapi_schema()["paths"][f"/api/v1{path}"]["get"]
    return next(p for p in operation["parameters"] if p["name"] == name)["schema"]


def round_body(v, needs) -> dict:
    return {"pool": v.granary.id, "resource": v.grain.id, "quantity": "60", "needs": needs}


def test_every_array_in_a_request_body_or_query_has_a_maximum():
    document = api.get_openapi_schema()
    unbounded = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "array" and "maxItems" not in node:
                unbounded.append(where)
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    inputs = {name for name in document["components"]["schemas"] if name.endswith(("In", "Query"))}
    for name in inputs:
        walk(document["components"]["schemas"][name], name)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for p in operation.get("parameters", []):
                walk(p.get("schema", {}), f"{method} {path} {p['name']}")
    assert inputs and unbounded == []


def test_the_maximums_are_in_the_openapi_document():
    assert schema_of("RoundIn")["properties"]["needs"]["maxItems"] == MAX_NEEDS_PER_ROUND == 10_000
    revision = schema_of("RevisionIn")["properties"]["needs"]["anyOf"]
    assert {"maxItems": 10_000}.items() <= revision[0].items()
    assert parameter(f"{V.replace('village', '{slug}')}/events", "per_page")["maximum"] == 200
    assert parameter(f"{V.replace('village', '{slug}')}/events", "page")["minimum"] == 1
    audit = parameter(f"{V.replace('village', '{slug}')}/audit/entries", "per_page")
    assert (audit["minimum"], audit["maximum"]) == (1, 1000)
    assert parameter(f"{V.replace('village', '{slug}')}/drill", "ration")["maxItems"] == 100


def test_a_round_over_more_needs_than_allowed_is_refused(needy_village):
    v = needy_village
    client = ApiClient(v.alice.user)
    too_many = [v.need_petrovs.id] * (MAX_NEEDS_PER_ROUND + 1)
    response = client.post(f"{V}/rounds", round_body(v, too_many))
    assert response.status_code == 422
    assert response.json()["fields"]["needs"] == ["Give at most 10000 items (this has 10001)."]
    assert not AllocationRound.objects.exists()


def test_repeated_need_ids_are_read_once_in_one_query(needy_village):
    """A need named 10,000 times is one need, and the needs are not looked up one by one."""
    v = needy_village
    client = ApiClient(v.alice.user)
    needs = [v.need_petrovs.id, v.need_sidorovs.id] * (MAX_NEEDS_PER_ROUND // 2)
    assert client.post(f"{V}/rounds", round_body(v, needs[:2])).status_code == 201  # warm
    with CaptureQueriesContext(connection) as few:
        response = client.post(f"{V}/rounds", round_body(v, needs[:2]))
    assert response.status_code == 201, response.content
    with CaptureQueriesContext(connection) as many:
        response = client.post(f"{V}/rounds", round_body(v, needs))
    assert response.status_code == 201, response.content
    assert response.json()["totals"]["households"] == 2
    assert len(many) == len(few)


def test_a_round_naming_a_need_that_is_not_here_says_so(needy_village, hamlet):
    v = needy_village
    response = ApiClient(v.alice.user).post(
        f"{V}/rounds", round_body(v, [v.need_petrovs.id, 10**9])
    )
    assert response.status_code == 422
    assert response.json()["fields"]["needs"] == ["There is no such need in this community."]


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/events", {"per_page": 201}, "per_page", "Give at most 200."),
        ("/events", {"per_page": 0}, "per_page", "Give at least 1."),
        ("/events", {"page": 0}, "page", "Give at least 1."),
        ("/audit/entries", {"per_page": 1001}, "per_page", "Give at most 1000."),
        ("/audit/entries", {"page": -1}, "page", "Give at least 1."),
        ("/drill", {"ration": [f"grain=1{i}" for i in range(101)]}, "ration", None),
    ],
)
def test_a_page_size_or_list_beyond_the_maximum_is_a_clear_422(
    stocked_village, path, params, field, message
):
    response = ApiClient(stocked_village.alice.user).get(f"{V}{path}", **params)
    assert response.status_code == 422, response.content
    errors = response.json()["fields"][field]
    assert errors == [message or "Give at most 100 items (this has 101)."]
