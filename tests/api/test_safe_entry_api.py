"""Safe entry through the API: an unusual amount is recorded and flagged (the page would ask
first), a typed exponent is refused as on the page, a reversal carries its correction."""

from datetime import UTC, datetime

from django.utils import timezone

from pomochi.ledger.models import Holding
from pomochi.ledger.services import event_distribute, event_reverse

# A day of this year is named without its year (ledger.sentences.day).
DAY = "3 Dec" if timezone.now().year == 2026 else "3 Dec 2026"


def contribution(v, quantity):
    return {
        "household": v.petrovs.id,
        "pool": v.granary.id,
        "resource": v.grain.id,
        "quantity": quantity,
    }


def test_an_unusual_amount_is_recorded_and_flagged(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.alice.user).post(
        "/communities/village/contributions", contribution(v, "10000"), key="big-1"
    )
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == [
        {
            "kind": "larger_than_usual",
            "message": "That is 100 times the largest contribution of grain so far (100 kg).",
        },
        {
            "kind": "more_than_stock",
            "message": "That is more than all the grain Granary holds now (100 kg).",
        },
    ]
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 10_100_000


def test_a_usual_amount_has_no_warnings(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.alice.user).post(
        "/communities/village/contributions", contribution(v, "12.5")
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == []


def test_an_adjustment_into_a_store_that_does_not_keep_it_is_refused(stocked_village, api_as):
    v = stocked_village  # the tool library keeps the plough only: no doubt, a refusal
    response = api_as(v.vera.user).post(
        "/communities/village/adjustments",
        {"pool": v.tools.id, "resource": v.grain.id, "change": "1", "reason": "found a sack"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {
        "resource": [
            "Tool library does not keep grain. A coordinator can add grain to what Tool "
            "library keeps (Stores, or What we keep)."
        ]
    }
    assert not Holding.objects.filter(pool=v.tools, resource=v.grain).exists()


def test_a_typed_exponent_is_refused_as_on_the_page(stocked_village, api_as):
    v = stocked_village
    response = api_as(v.alice.user).post(
        "/communities/village/contributions", contribution(v, "1e3")
    )
    assert response.status_code == 422
    assert response.json()["fields"]["quantity"] == [
        "Write the number in full, without an exponent: “1e3” is not accepted."
    ]
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 100_000


def test_a_reversal_carries_its_correction_as_the_caller_may_see_it(stocked_village, api_as):
    v = stocked_village
    v.community.timezone = "UTC"
    v.community.save()
    gift = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=2_000,
        occurred_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
    )
    undo = event_reverse(actor=v.alice, event=gift, reason="given twice")
    seen = api_as(v.alice.user).get(f"/communities/village/events/{undo.id}").json()
    assert seen["correction"] == (
        f"Correction: the distribution of 2 kg of grain from Granary to Sidorovs on {DAY} "
        "was a mistake — given twice"
    )
    hidden = api_as(v.bob.user).get(f"/communities/village/events/{undo.id}").json()
    assert hidden["correction"] == (
        f"Correction: the distribution of 2 kg of grain from Granary to a household on {DAY} "
        "was a mistake"
    )
    original = api_as(v.alice.user).get(f"/communities/village/events/{gift.id}").json()
    assert original["correction"] is None
