from pomochi.audit.models import AuditHead
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_distribute


def test_it_records_a_distribution_in_the_resources_unit(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.alice.user).post(
        "/communities/village/distributions",
        {
            "pool": v.granary.id,
            "household": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "12.5",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["quantity"], body["amount"], body["receiver_household"]) == (
        12_500,
        "12.5 kg",
        v.petrovs.id,
    )
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 87_500


def test_a_retry_with_the_same_key_returns_the_first_result(stocked_village, api_as):
    v = stocked_village
    api = api_as(v.alice.user)
    body = {"pool": v.granary.id, "household": v.petrovs.id, "resource": v.grain.id, "quantity": 2}
    first = api.post("/communities/village/distributions", body, key="retry-1")
    second = api.post("/communities/village/distributions", body, key="retry-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Event.objects.filter(action="distribute").count() == 1
    conflict = api.post("/communities/village/distributions", body | {"quantity": 3}, key="retry-1")
    assert conflict.status_code == 409
    assert "different request" in conflict.json()["message"]


def test_bad_input_is_a_clear_422_and_changes_nothing(stocked_village, api_as):
    v = stocked_village
    api = api_as(v.alice.user)
    head = AuditHead.objects.get(community=v.community).seq
    cases = [
        (
            {
                "pool": v.granary.id,
                "household": v.petrovs.id,
                "resource": v.grain.id,
                "quantity": "12.5555",
            },
            "quantity",
        ),
        (
            {
                "pool": v.granary.id,
                "household": v.petrovs.id,
                "resource": v.grain.id,
                "quantity": "lots",
            },
            "quantity",
        ),
        (
            {"pool": v.granary.id, "household": 99999, "resource": v.grain.id, "quantity": 1},
            "household",
        ),
        ({"pool": v.granary.id, "household": v.petrovs.id, "resource": v.grain.id}, "quantity"),
        (
            {"pool": "granary", "household": v.petrovs.id, "resource": v.grain.id, "quantity": 1},
            "pool",
        ),
    ]
    for body, field in cases:
        response = api.post("/communities/village/distributions", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["fields"], response.json()
    assert AuditHead.objects.get(community=v.community).seq == head


def test_not_enough_stock_is_422_with_the_reason(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.alice.user).post(
        "/communities/village/distributions",
        {
            "pool": v.granary.id,
            "household": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "150",
        },
    )
    assert response.status_code == 422
    assert response.json()["message"] == ("Not enough grain in Granary: 100 kg left, 150 kg asked.")


def test_a_plain_member_is_refused_a_distribution(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.bob.user).post(
        "/communities/village/distributions",
        {"pool": v.granary.id, "household": v.petrovs.id, "resource": v.grain.id, "quantity": 1},
    )
    assert response.status_code == 403


def test_plain_members_see_that_a_household_received_not_which(stocked_village, api_as):
    v = stocked_village
    event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=1_000,
        note="for the medicine month",
    )
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=2_000
    )
    items = api_as(v.bob.user).get("/communities/village/events", action="distribute").json()
    by_amount = {e["amount"]: e for e in items["items"]}
    assert by_amount["1 kg"]["receiver_household"] is None
    assert by_amount["1 kg"]["hidden"] == ["receiver_household"]
    assert by_amount["1 kg"]["note"] is None
    assert by_amount["2 kg"]["receiver_household"] == v.petrovs.id  # their own
    seen_by_coordinator = (
        api_as(v.alice.user).get("/communities/village/events", action="distribute").json()
    )
    assert {e["receiver_household"] for e in seen_by_coordinator["items"]} == {
        v.sidorovs.id,
        v.petrovs.id,
    }


def test_events_are_filtered_and_paginated(stocked_village, api_as):
    v = stocked_village
    for _ in range(5):
        event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1_000
        )
    api = api_as(v.alice.user)
    page = api.get("/communities/village/events", resource=v.grain.id, per_page=2, page=2).json()
    assert page["meta"] == {"count": 6, "page": 2, "pages": 3, "per_page": 2}
    assert len(page["items"]) == 2
    assert api.get("/communities/village/events", per_page=0).status_code == 422
    only_tools = api.get("/communities/village/events", pool=v.tools.id).json()
    assert [e["resource"] for e in only_tools["items"]] == [v.plough.id]


def test_without_a_token_the_api_answers_401(stocked_village, api_as):
    assert api_as().get("/communities").status_code == 401
    response = api_as().get("/communities/village/events", HTTP_AUTHORIZATION="Bearer pmc_wrong")
    assert response.status_code == 401


def test_another_communitys_member_finds_nothing(stocked_village, hamlet, api_as):
    api = api_as(hamlet.charlie.user)
    assert api.get("/communities/village/events").status_code == 404
    assert api.get("/communities/village/pools").status_code == 404
    response = api.post(
        "/communities/hamlet/distributions",
        {
            "pool": stocked_village.granary.id,
            "household": hamlet.kuznetsovs.id,
            "resource": hamlet.grain.id,
            "quantity": 1,
        },
    )
    assert response.status_code == 422 and "pool" in response.json()["fields"]


def test_the_audit_head_and_digests_are_there_for_members(stocked_village, api_as):
    v = stocked_village
    api = api_as(v.bob.user)
    head = api.get("/communities/village/audit/head").json()
    entries = api.get("/communities/village/audit/entries", per_page=1000).json()
    assert entries["items"][-1]["hash"] == head["hash"]
    assert entries["meta"]["count"] == head["seq"]


def test_another_households_history_shows_a_plain_member_only_what_it_gave(stocked_village, api_as):
    """The household filter is never refused, it matches only where the caller sees the
    household named: bob learns nothing of what the Sidorovs received, not even its count."""
    v = stocked_village
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=1_000
    )
    api = api_as(v.bob.user)
    theirs = api.get("/communities/village/events", household=v.sidorovs.id)
    assert theirs.status_code == 200
    assert theirs.json()["meta"]["count"] == 0
    assert api.get("/communities/village/events", household=v.petrovs.id).status_code == 200
    seen_by_alice = api_as(v.alice.user).get("/communities/village/events", household=v.sidorovs.id)
    assert [e["action"] for e in seen_by_alice.json()["items"]] == ["distribute"]


def test_who_recorded_hidden_aid_is_hidden_too(village, api_as):
    from pomochi.ledger.services import event_work

    v = village
    # work is confirmed by the household that received it: the recorder would name it
    event_work(
        actor=v.olga, worker=v.petrovs, beneficiary=v.orlovs, resource=v.labour, quantity=200
    )
    item = api_as(v.bob.user).get("/communities/village/events").json()["items"][0]
    assert item["receiver_household"] is None and item["recorded_by"] is None
