"""GET /api/v1/communities/{slug}/drill: the page's drill for programs, with its permission."""

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event
from tests.api.conftest import ApiClient
from tests.conftest import bylaws_with


@pytest.fixture
def as_alice(stocked_village):
    return ApiClient(stocked_village.alice.user)


def test_a_coordinator_drills_a_blockade(stocked_village, as_alice):
    before = (Event.objects.count(), AuditEntry.objects.count())
    response = as_alice.client.get(
        "/api/v1/communities/village/drill",
        {"inflow_loss": "100", "stock_loss": "50", "weeks": "10", "ration": ["grain=2"]},
        headers=as_alice.headers,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["shock"] == {"stock_loss": 50.0, "inflow_loss": 100.0, "demand_up": 0.0}
    (grain,) = [r for r in data["resources"] if r["resource"] == "grain"]
    # 50 kg at 10 people × 2 kg a week: two weeks covered, empty in the third
    assert (grain["weeks_covered"], grain["weeks_until_empty"]) == (2, 3)
    assert grain["stock_by_week"][:4] == [50_000, 30_000, 10_000, 0]
    assert {s["household"] for s in grain["short_first"]} == {
        "Ivanovs",
        "Orlovs",
        "Petrovs",
        "Sidorovs",
    }
    assert (Event.objects.count(), AuditEntry.objects.count()) == before


def test_the_committee_may_drill_and_a_member_may_not(stocked_village):
    v = stocked_village
    assert ApiClient(v.vera.user).get("/communities/village/drill").status_code == 200
    refused = ApiClient(v.bob.user).get("/communities/village/drill")
    assert refused.status_code == 403
    assert "Sidorovs" not in refused.content.decode()


def test_others_and_strangers_do_not_see_it(stocked_village, hamlet):
    assert ApiClient().get("/communities/village/drill").status_code == 401
    assert ApiClient(hamlet.charlie.user).get("/communities/village/drill").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stock_loss": "150"}, "stock_loss"),
        ({"inflow_loss": "-0.1"}, "inflow_loss"),
        ({"demand_up": "901"}, "demand_up"),
        ({"weeks": "0"}, "weeks"),
        ({"weeks": "lots"}, "weeks"),
        ({"ration": "gold=1"}, "ration"),
        ({"ration": "grain=-1"}, "ration"),
        ({"ration": "grain"}, "ration"),
    ],
)
def test_bad_questions_are_refused_naming_the_field(stocked_village, as_alice, params, field):
    response = as_alice.get("/communities/village/drill", **params)
    assert response.status_code == 422, response.content
    assert field in " ".join(response.json()["fields"])


def test_its_defaults_are_the_bylaws_rations_and_it_names_the_missing(stocked_village, as_alice):
    bylaws_with(stocked_village, standard_rations={"grain": "2"})
    response = as_alice.client.get("/api/v1/communities/village/drill", headers=as_alice.headers)
    assert response.status_code == 200, response.content
    data = response.json()
    (grain,) = data["resources"]
    assert (grain["resource"], grain["ration"]) == ("grain", "2 kg")
    assert grain["ration_source"] == "bylaws"
    assert grain["ration_given"] is False
    assert data["rations_missing"] == ["potatoes"]
    assert data["shock"] == {"stock_loss": 0.0, "inflow_loss": 0.0, "demand_up": 0.0}
