"""Stores and resources over the API: the same services and refusals as the pages."""

from pomochi.communities.models import ResourceType
from pomochi.ledger.models import Pool


def test_a_coordinator_creates_a_store_once_per_key(village, api_as):
    v = village
    api = api_as(v.alice.user)
    body = {"name": "Kitchen", "kind": "kitchen", "resources": [v.potatoes.id]}
    first = api.post("/communities/village/pools", body, key="kitchen-1")
    assert first.status_code == 201, first.content
    made = first.json()
    assert made | {"id": 0} == {
        "id": 0,
        "name": "Kitchen",
        "kind": "kitchen",
        "description": "",
        "resources": [v.potatoes.id],
        "archived": False,
        "holdings": [],
    }
    again = api.post("/communities/village/pools", body, key="kitchen-1")
    assert again.status_code == 201 and again.json()["id"] == made["id"]
    other = api.post("/communities/village/pools", body | {"name": "Cellar"}, key="kitchen-1")
    assert other.status_code == 409
    assert Pool.objects.filter(community=v.community, name="Kitchen").count() == 1


def test_another_community_s_resource_is_refused_naming_the_field(village, hamlet, api_as):
    v = village
    response = api_as(v.alice.user).post(
        "/communities/village/pools", {"name": "Kitchen", "resources": [hamlet.grain.id]}
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["resources"]
    assert not Pool.objects.filter(community=v.community, name="Kitchen").exists()


def test_a_plain_member_may_not_create_a_store(village, api_as):
    response = api_as(village.bob.user).post("/communities/village/pools", {"name": "Kitchen"})
    assert response.status_code == 403


def test_a_store_is_edited_and_archived(stocked_village, api_as):
    v = stocked_village
    api = api_as(v.alice.user)
    edited = api.patch(
        f"/communities/village/pools/{v.tools.id}",
        {"name": "Tool shed", "resources": [v.plough.id, v.potatoes.id]},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["name"] == "Tool shed"
    assert edited.json()["resources"] == sorted([v.plough.id, v.potatoes.id])
    assert edited.json()["kind"] == "tool_library"  # left out: as it was
    refused = api.post(f"/communities/village/pools/{v.tools.id}/archive", {})
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("Tool shed still holds 1 pcs plough")
    empty = api.post(f"/communities/village/pools/{v.tools.id}/archive", {})
    assert empty.status_code == 409  # still: nothing changed
    granary = api.patch(
        f"/communities/village/pools/{v.granary.id}", {"resources": [v.potatoes.id]}
    )
    assert granary.status_code == 409
    assert granary.json()["fields"] == {
        "resources": [
            "Granary still holds 100 kg of grain: give it out first, then it can stop "
            "keeping grain."
        ]
    }


def test_an_archived_store_is_listed_as_archived(village, api_as):
    v = village
    api = api_as(v.alice.user)
    assert api.post(f"/communities/village/pools/{v.tools.id}/archive", {}).status_code == 200
    listed = {p["name"]: p["archived"] for p in api.get("/communities/village/pools").json()}
    assert listed == {"Granary": False, "Tool library": True}
    contribution = api.post(
        "/communities/village/contributions",
        {"household": v.ivanovs.id, "pool": v.tools.id, "resource": v.plough.id, "quantity": 1},
    )
    assert contribution.status_code == 409
    assert contribution.json()["message"] == (
        "Tool library is archived: nothing more is recorded in it."
    )


def test_a_contribution_of_what_the_store_does_not_keep_is_refused(village, api_as):
    v = village
    response = api_as(v.alice.user).post(
        "/communities/village/contributions",
        {"household": v.ivanovs.id, "pool": v.tools.id, "resource": v.grain.id, "quantity": "2"},
    )
    assert response.status_code == 422
    assert response.json()["fields"]["resource"] == [
        "Tool library does not keep grain. A coordinator can add grain to what Tool library "
        "keeps (Stores, or What we keep)."
    ]


def test_a_coordinator_creates_and_edits_a_resource(village, api_as):
    v = village
    api = api_as(v.alice.user)
    body = {"name": "firewood", "unit": "bundle", "kind": "consumable"}
    made = api.post("/communities/village/resources", body, key="wood-1")
    assert made.status_code == 201, made.content
    assert made.json() | {"id": 0} == {
        "id": 0,
        "name": "firewood",
        "unit": "bundle",
        "kind": "consumable",
        "decimal_places": 0,
        "pools": [],
    }
    again = api.post("/communities/village/resources", body, key="wood-1")
    assert again.json()["id"] == made.json()["id"]
    rid = made.json()["id"]
    edited = api.patch(
        f"/communities/village/resources/{rid}", {"decimal_places": 1, "unit": "вязанка"}
    )
    assert edited.status_code == 200
    assert (edited.json()["unit"], edited.json()["decimal_places"]) == ("вязанка", 1)
    kept = api.get("/communities/village/resources").json()
    assert {r["name"]: r["pools"] for r in kept}["grain"] == [v.granary.id]


def test_a_recorded_resource_keeps_its_decimal_places(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.alice.user).patch(
        f"/communities/village/resources/{v.grain.id}", {"decimal_places": 0}
    )
    assert response.status_code == 409
    assert list(response.json()["fields"]) == ["decimal_places"]
    assert ResourceType.objects.get(pk=v.grain.pk).decimal_places == 3


def test_another_community_s_resource_in_the_path_is_not_found(village, hamlet, api_as):
    response = api_as(village.alice.user).patch(
        f"/communities/village/resources/{hamlet.grain.id}", {"name": "rye"}
    )
    assert response.status_code == 404
