"""POST /api/v1/communities: founding over the API, with Idempotency-Key; GET /starters."""

import pytest

from pomochi.communities.models import Community
from pomochi.ledger.models import Pool
from tests.api.conftest import ApiClient
from tests.conftest import make_user

BODY = {"name": "Upper Village", "slug": "upper", "language": "ru", "starter": "village"}


@pytest.fixture
def zoya(db):
    return make_user("zoya")


def test_it_founds_a_community_with_its_starter_set(zoya):
    response = ApiClient(zoya).post("/communities", BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["kind"], body["language"], body["timezone"]) == (
        "upper",
        "village",
        "ru",
        "UTC",
    )
    assert body["my_roles"] == ["coordinator", "committee"]
    granary = Pool.objects.get(community__slug="upper", name="Амбар")
    stored = next(p for p in body["pools"] if p["id"] == granary.id)
    assert sorted(stored["resources"]) == sorted(r.id for r in granary.resources.all())
    assert {r["name"] for r in body["resources"]} >= {"зерно", "картофель", "труд"}
    # The new community is the caller's, at once, on the same path.
    assert [c["slug"] for c in ApiClient(zoya).get("/communities").json()] == ["upper"]


def test_a_retry_with_the_same_key_answers_the_same_and_founds_once(zoya):
    client = ApiClient(zoya)
    first = client.post("/communities", BODY, key="found-upper")
    again = client.post("/communities", BODY, key="found-upper")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Community.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409(zoya):
    client = ApiClient(zoya)
    client.post("/communities", BODY, key="found-upper")
    response = client.post("/communities", BODY | {"slug": "lower"}, key="found-upper")
    assert response.status_code == 409
    assert "different request" in response.json()["message"]
    assert list(Community.objects.values_list("slug", flat=True)) == ["upper"]


def test_a_taken_slug_is_a_409_naming_the_field(village, zoya):
    response = ApiClient(zoya).post("/communities", BODY | {"slug": "village"})
    assert response.status_code == 409
    assert list(response.json()["fields"]) == ["slug"]
    assert Community.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"language": "de"}, "language"),
        ({"kind": "commune"}, "kind"),
        ({"starter": "castle"}, "starter"),
        ({"slug": "Upper Village!"}, "slug"),
        ({"name": ""}, "name"),
    ],
)
def test_an_invalid_field_is_a_422_naming_it_and_founds_nothing(zoya, change, field):
    response = ApiClient(zoya).post("/communities", BODY | change)
    assert response.status_code == 422, response.content
    assert list(response.json()["fields"]) == [field]
    assert not Community.objects.exists()


def test_on_an_approved_only_server_it_is_a_403_for_others(settings, zoya):
    settings.POMOCHI_FOUNDING = "approved"
    response = ApiClient(zoya).post("/communities", BODY)
    assert response.status_code == 403
    assert "administrator has approved" in response.json()["message"]
    assert not Community.objects.exists()
    zoya.may_found_communities = True
    zoya.save()
    assert ApiClient(zoya).post("/communities", BODY).status_code == 201


def test_the_starter_sets_are_listed_in_each_language(zoya):
    response = ApiClient(zoya).get("/starters")
    assert response.status_code == 200
    sets = {s["name"]: s["languages"] for s in response.json()}
    assert sets["none"] == {"en": [], "ru": []}
    assert {"store": None, "resources": ["труд (ч)"]} in sets["village"]["ru"]
    assert {"store": "Дровяник", "resources": ["дрова (вязанка)"]} in sets["village"]["ru"]
    assert {"store": "Woodshed", "resources": ["firewood (bundle)"]} in sets["village"]["en"]
