"""The audit chain in the permission matrix: its page and its API, payloads by policy.

Conventions, roles and the runner: tests/matrix.py.
"""

from tests.matrix import (
    VILLAGE,
    Route,
    api,
    page,
    permission_matrix,
)


def audit_payloads_by_policy(response, w, role):
    links = [link for link, _sentence in response.context["rows"]]
    hidden = [link for link in links if link.payload is None]
    # The committee reads every payload; others only those about no household or their own.
    assert bool(hidden) == (role != "committee")
    for link in links:
        if link.payload is not None and role != "committee":
            assert f'"receiver_household":{w.sidorovs.id}' not in link.payload
    # The sentences say no more than the payloads: another household's receipt stays unnamed.
    if role == "member":
        assert "Sidorovs" not in response.content.decode()


def links_by_policy(response, w, role):
    body = response.json()
    links = body["links"]
    assert [link["seq"] for link in links] == list(range(1, len(links) + 1))
    assert body["head"]["seq"] == len(links)
    hidden = [link for link in links if link["payload"] is None]
    assert bool(hidden) == (role != "committee")
    assert all(link["salt"] is None for link in hidden)
    for link in links:
        if link["payload"] is not None and role != "committee":
            assert f'"receiver_household":{w.sidorovs.id}' not in link["payload"]


def api_audit_payloads_by_policy(response, w, role):
    items = response.json()["items"]
    hidden = [i for i in items if i["payload"] is None]
    assert bool(hidden) == (role != "committee")
    assert all(i["payload_digest"] for i in items)  # digests are for every member
    for item in items:
        if item["payload"] is not None and role != "committee":
            assert f'"receiver_household":{w.sidorovs.id}' not in item["payload"]


ROUTES = [
    Route("audit", page(), kwargs=VILLAGE, check=audit_payloads_by_policy),
    Route("audit-check", page(), kwargs=VILLAGE),
    Route("audit-verify", page(), kwargs=VILLAGE),
    Route("audit-links", page(), kwargs=VILLAGE, check=links_by_policy),
    Route("api-v1:get_head", api(), kwargs=VILLAGE),
    Route(
        "api-v1:list_entries",
        api(),
        kwargs=VILLAGE,
        check=api_audit_payloads_by_policy,
    ),
]


test_permission_matrix = permission_matrix(ROUTES)
