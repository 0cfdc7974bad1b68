"""Needs, offers, commitments and allocation rounds over /api/v1/: values, privacy, refusals.

The needy village (tests/aid/conftest.py): 100 kg of grain in the granary; open needs of the
Petrovs (bob's household) 30 kg, the Sidorovs 10 kg (urgent) and the Orlovs (olga's) 80 kg.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.aid.models import AllocationShare, Commitment, Need
from pomochi.aid.services import commitment_make, need_post, offer_post
from pomochi.audit.models import AuditHead
from pomochi.audit.verify import verify_community
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_adjust
from pomochi.notify.models import Notification
from tests.api.conftest import ApiClient

V = "/communities/village"


def api(membership) -> ApiClient:
    return ApiClient(membership.user)


def stock(v) -> int:
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


def soon(days: int = 3) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def audit_seq(v) -> int:
    return AuditHead.objects.get(community=v.community).seq


# ---------------------------------------------------------------------------------------------
# Needs


def test_a_member_asks_for_their_household_in_the_resources_unit(village):
    v = village
    response = api(v.bob).post(
        f"{V}/needs",
        {
            "resource": v.grain.id,
            "quantity": "12.5",
            "urgency": "urgent",
            "needed_by": soon(),
            "note": "the children",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["household"], body["household_name"]) == (v.petrovs.id, "Petrovs")
    assert (body["quantity"], body["amount"], body["urgency"]) == (12_500, "12.5 kg", "urgent")
    assert (body["needed_by"], body["state"], body["remaining"]) == (soon(), "open", 12_500)
    assert body["created_by"] == v.bob.id
    assert Need.objects.get(pk=body["id"]).household == v.petrovs


def test_a_coordinator_asks_on_behalf_of_a_household_a_member_cannot(village):
    v = village
    body = {"household": v.sidorovs.id, "resource": v.potatoes.id, "quantity": "40,5 kg"}
    made = api(v.alice).post(f"{V}/needs", body)
    assert made.status_code == 201, made.content
    assert (made.json()["household"], made.json()["quantity"]) == (v.sidorovs.id, 405)
    assert made.json()["created_by"] == v.alice.id
    assert api(v.bob).post(f"{V}/needs", body).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "1.2345"}, "quantity"),  # grain is kept to 3 places: never rounded
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "plenty"}, "quantity"),
        ({"urgency": "whenever"}, "urgency"),
        ({"needed_by": "2000-01-01"}, "needed_by"),
        ({"needed_by": "next week"}, "needed_by"),
        ({"resource": 99_999}, "resource"),
    ],
)
def test_a_bad_need_is_a_422_naming_the_field_and_changes_nothing(village, change, field):
    v = village
    before = audit_seq(v)
    body = {"resource": v.grain.id, "quantity": "5"} | change
    response = api(v.bob).post(f"{V}/needs", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"], response.json()
    assert audit_seq(v) == before


def test_someone_without_a_household_must_say_whose_need_it_is(village):
    v = village
    response = api(v.vera).post(f"{V}/needs", {"resource": v.grain.id, "quantity": "1"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"household": ["Say which household this is for."]}


def test_a_plain_member_sees_only_their_households_needs(needy_village):
    v = needy_village
    response = api(v.bob).get(f"{V}/needs")
    assert response.status_code == 200
    assert [(n["household_name"], n["amount"]) for n in response.json()] == [("Petrovs", "30 kg")]
    assert b"Sidorovs" not in response.content and b"Orlovs" not in response.content
    refused = api(v.bob).get(f"{V}/needs/{v.need_sidorovs.id}")
    assert refused.status_code == 404  # as if it did not exist
    assert b"Sidorovs" not in refused.content and b"10 kg" not in refused.content
    assert api(v.bob).get(f"{V}/needs/{v.need_sidorovs.id}/matches").status_code == 404
    own = api(v.bob).get(f"{V}/needs/{v.need_petrovs.id}").json()
    assert (own["urgency"], own["state"]) == ("soon", "open")


def test_coordinators_and_the_committee_see_every_need(needy_village):
    v = needy_village
    for who in (v.alice, v.vera):
        needs = api(who).get(f"{V}/needs").json()
        assert {(n["household_name"], n["quantity"]) for n in needs} == {
            ("Petrovs", 30_000),
            ("Sidorovs", 10_000),
            ("Orlovs", 80_000),
        }
    seen = api(v.vera).get(f"{V}/needs/{v.need_sidorovs.id}").json()
    assert (seen["urgency"], seen["amount"]) == ("urgent", "10 kg")


def test_a_need_is_edited_until_help_is_promised(needy_village):
    v = needy_village
    client = api(v.bob)
    url = f"{V}/needs/{v.need_petrovs.id}"
    response = client.client.patch(
        f"/api/v1{url}",
        {"quantity": "35.25", "urgency": "urgent", "note": "a fifth mouth"},
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["quantity"], body["amount"], body["urgency"], body["note"]) == (
        35_250,
        "35.25 kg",
        "urgent",
        "a fifth mouth",
    )
    api(v.alice).post(
        f"{V}/commitments",
        {
            "receiver": v.petrovs.id,
            "giver_pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "5",
            "due_on": soon(),
            "need": v.need_petrovs.id,
        },
    )
    frozen = client.client.patch(
        f"/api/v1{url}", {"quantity": "40"}, content_type="application/json", headers=client.headers
    )
    assert frozen.status_code == 409
    assert "no longer be changed" in frozen.json()["message"]


def test_a_member_cannot_edit_another_households_need(needy_village):
    v = needy_village
    client = api(v.bob)
    response = client.client.patch(
        f"/api/v1{V}/needs/{v.need_sidorovs.id}",
        {"quantity": "1"},
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 404
    v.need_sidorovs.refresh_from_db()
    assert v.need_sidorovs.quantity == 10_000


def test_a_withdrawn_need_leaves_the_list_and_stays_withdrawn(needy_village):
    v = needy_village
    client = api(v.bob)
    response = client.post(f"{V}/needs/{v.need_petrovs.id}/withdraw", {})
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn" and response.json()["withdrawn_at"]
    assert client.get(f"{V}/needs").json() == []
    closed = client.get(f"{V}/needs", include_closed=1).json()
    assert [(n["id"], n["state"]) for n in closed] == [(v.need_petrovs.id, "withdrawn")]
    edit = client.client.patch(
        f"/api/v1{V}/needs/{v.need_petrovs.id}",
        {"quantity": "1"},
        content_type="application/json",
        headers=client.headers,
    )
    assert edit.status_code == 409
    assert client.post(f"{V}/needs/{v.need_sidorovs.id}/withdraw", {}).status_code == 404


def test_matches_come_best_first_with_their_reasons(needy_village):
    v = needy_village
    offer = offer_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=5_000
    )
    response = api(v.alice).get(f"{V}/needs/{v.need_petrovs.id}/matches")
    assert response.status_code == 200
    assert response.json() == [
        {
            "source": "pool",
            "offer": None,
            "household": None,
            "pool": v.granary.id,
            "name": "Granary",
            "skill": "",
            "available": 100_000,
            "available_amount": "100 kg",
            "covers": 30_000,
            "covers_amount": "30 kg",
            "reason": "Granary holds enough (100 kg)",
        },
        {
            "source": "offer",
            "offer": offer.id,
            "household": v.ivanovs.id,
            "pool": None,
            "name": "Ivanovs",
            "skill": "",
            "available": 5_000,
            "available_amount": "5 kg",
            "covers": 5_000,
            "covers_amount": "5 kg",
            "reason": "offers 5 kg of the 30 kg needed",
        },
    ]


# ---------------------------------------------------------------------------------------------
# Offers


def test_offers_are_posted_listed_to_everyone_and_withdrawn(village):
    v = village
    response = api(v.bob).post(
        f"{V}/offers",
        {
            "resource": v.labour.id,
            "quantity": "2.5",
            "skill": "roofing",
            "available_until": soon(30),
        },
    )
    assert response.status_code == 201, response.content
    offer = response.json()
    assert (offer["household"], offer["quantity"], offer["amount"]) == (v.petrovs.id, 250, "2.5 h")
    assert (offer["skill"], offer["state"], offer["remaining_amount"]) == (
        "roofing",
        "open",
        "2.5 h",
    )
    listed = api(v.vera).get(f"{V}/offers").json()
    assert [(o["id"], o["household_name"]) for o in listed] == [(offer["id"], "Petrovs")]
    assert api(v.alice).post(f"{V}/offers/{offer['id']}/withdraw", {}).status_code == 200  # coord.
    assert api(v.vera).get(f"{V}/offers").json() == []
    closed = api(v.vera).get(f"{V}/offers", include_closed=True).json()
    assert [o["state"] for o in closed] == ["withdrawn"]


def test_offers_are_checked(village, hamlet):
    v = village
    client = api(v.bob)
    skill = client.post(f"{V}/offers", {"resource": v.grain.id, "quantity": "1", "skill": "baking"})
    assert skill.status_code == 422 and "skill" in skill.json()["fields"]
    window = client.post(
        f"{V}/offers",
        {
            "resource": v.grain.id,
            "quantity": "1",
            "available_from": soon(5),
            "available_until": soon(1),
        },
    )
    assert window.status_code == 422 and "available_until" in window.json()["fields"]
    foreign = client.post(
        f"{V}/offers", {"resource": v.grain.id, "quantity": "1", "household": hamlet.kuznetsovs.id}
    )
    assert foreign.status_code == 422 and "household" in foreign.json()["fields"]
    others = client.post(
        f"{V}/offers", {"resource": v.grain.id, "quantity": "1", "household": v.sidorovs.id}
    )
    assert others.status_code == 403


def test_only_its_household_or_a_coordinator_withdraws_an_offer(village):
    v = village
    offer = offer_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=5
    )
    assert api(v.bob).post(f"{V}/offers/{offer.id}/withdraw", {}).status_code == 403
    assert api(v.vera).post(f"{V}/offers/{offer.id}/withdraw", {}).status_code == 403
    offer.refresh_from_db()
    assert offer.withdrawn_at is None


# ---------------------------------------------------------------------------------------------
# Commitments


def promise_from_the_granary(v, quantity="30", **extra):
    response = api(v.alice).post(
        f"{V}/commitments",
        {
            "receiver": v.petrovs.id,
            "giver_pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": quantity,
            "due_on": soon(),
            "need": v.need_petrovs.id,
        }
        | extra,
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_promise_is_made_then_delivered_in_parts_and_kept(needy_village):
    v = needy_village
    promise = promise_from_the_granary(v)
    assert (promise["giver_pool"], promise["receiver_household"]) == (v.granary.id, v.petrovs.id)
    assert (promise["quantity"], promise["amount"], promise["due_on"]) == (30_000, "30 kg", soon())
    assert (promise["state"], promise["need"], promise["created_by"]) == (
        "open",
        v.need_petrovs.id,
        v.alice.id,
    )
    url = f"{V}/commitments/{promise['id']}/fulfilments"
    part = api(v.bob).post(url, {"quantity": "10.5"}, key="first-sack")
    assert part.status_code == 201, part.content
    assert (part.json()["quantity_fulfilled"], part.json()["fulfilled"]) == (10_500, "10.5 kg")
    assert (part.json()["state"], part.json()["remaining"]) == ("partly_fulfilled", 19_500)
    rest = api(v.bob).post(url, {"quantity": "19.5"}, key="second-sack")
    assert rest.status_code == 201
    assert (rest.json()["fate"], rest.json()["state"]) == ("kept", "kept")
    events = Event.objects.filter(cause_type="commitment", cause_id=promise["id"])
    assert sorted(e.quantity for e in events) == [10_500, 19_500]
    assert stock(v) == 70_000
    need = api(v.bob).get(f"{V}/needs/{v.need_petrovs.id}").json()
    assert (need["state"], need["met"]) == ("met", "30 kg")
    closed = api(v.bob).post(url, {"quantity": "1"})
    assert closed.status_code == 409 and "closed" in closed.json()["message"]
    assert verify_community(v.community.id).ok


def test_a_delivery_is_checked_and_confirmed_only_by_the_receiver_or_a_coordinator(needy_village):
    v = needy_village
    promise = promise_from_the_granary(v, quantity="1")
    url = f"{V}/commitments/{promise['id']}/fulfilments"
    too_much = api(v.bob).post(url, {"quantity": "2"})
    assert too_much.status_code == 422
    assert too_much.json()["fields"] == {"quantity": ["Only 1 kg remain to be delivered."]}
    assert api(v.bob).post(url, {"quantity": "0.0001"}).status_code == 422
    assert api(v.vera).post(url, {"quantity": "1"}).status_code == 403
    assert not Event.objects.filter(cause_type="commitment").exists()


def test_a_retried_delivery_with_the_same_key_is_counted_once(needy_village):
    v = needy_village
    promise = promise_from_the_granary(v)
    url = f"{V}/commitments/{promise['id']}/fulfilments"
    first = api(v.bob).post(url, {"quantity": "10"}, key="sack-1")
    second = api(v.bob).post(url, {"quantity": "10"}, key="sack-1")
    assert first.status_code == second.status_code == 201
    assert Event.objects.filter(cause_type="commitment").count() == 1
    assert Commitment.objects.get(pk=promise["id"]).quantity_fulfilled == 10_000
    assert second.json()["quantity_fulfilled"] == 10_000
    v.need_petrovs.refresh_from_db()
    assert v.need_petrovs.quantity_met == 10_000
    # The delivery that closes the promise, retried: the same answer, not "closed".
    last = api(v.bob).post(url, {"quantity": "20"}, key="sack-2")
    again = api(v.bob).post(url, {"quantity": "20"}, key="sack-2")
    assert last.status_code == again.status_code == 201, again.content
    assert again.json()["fate"] == "kept" and again.json()["quantity_fulfilled"] == 30_000
    assert Event.objects.filter(cause_type="commitment").count() == 2
    assert stock(v) == 70_000
    assert verify_community(v.community.id).ok


def test_a_key_reused_for_another_delivery_is_a_conflict(needy_village):
    v = needy_village
    promise = promise_from_the_granary(v)
    url = f"{V}/commitments/{promise['id']}/fulfilments"
    assert api(v.bob).post(url, {"quantity": "10"}, key="sack-1").status_code == 201
    conflict = api(v.bob).post(url, {"quantity": "5"}, key="sack-1")
    assert conflict.status_code == 409
    assert "different request" in conflict.json()["message"]
    assert Event.objects.filter(cause_type="commitment").count() == 1


def test_a_failed_promise_is_closed_once_with_its_reason(needy_village):
    v = needy_village
    promise = promise_from_the_granary(v)
    url = f"{V}/commitments/{promise['id']}/fail"
    assert api(v.bob).post(url, {"reason": "never came"}).status_code == 403
    no_reason = api(v.alice).post(url, {"excused": True, "reason": "  "})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    response = api(v.alice).post(url, {"excused": True, "reason": "the granary flooded"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["fate"], body["state"], body["fate_note"]) == (
        "excused",
        "excused",
        "the granary flooded",
    )
    again = api(v.olga).post(url, {"excused": False, "reason": "changed my mind"})
    assert again.status_code == 409 and "never rewritten" in again.json()["message"]


def test_members_list_their_households_promises_coordinators_all_and_the_overdue(needy_village):
    v = needy_village
    to_petrovs = promise_from_the_granary(v, quantity="5")
    to_sidorovs = promise_from_the_granary(
        v, quantity="5", receiver=v.sidorovs.id, need=v.need_sidorovs.id
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    Commitment.objects.filter(pk=to_sidorovs["id"]).update(due_on=yesterday)
    mine = api(v.bob).get(f"{V}/commitments")
    assert [c["id"] for c in mine.json()] == [to_petrovs["id"]]
    assert b"Sidorovs" not in mine.content
    assert api(v.bob).get(f"{V}/commitments", overdue=1).json() == []
    everyone = api(v.vera).get(f"{V}/commitments").json()
    assert [(c["id"], c["state"]) for c in everyone] == [
        (to_sidorovs["id"], "overdue"),
        (to_petrovs["id"], "open"),
    ]
    late = api(v.alice).get(f"{V}/commitments", overdue=1).json()
    assert [(c["id"], c["due_on"]) for c in late] == [(to_sidorovs["id"], yesterday.isoformat())]
    Commitment.objects.filter(pk=to_petrovs["id"]).update(due_on=yesterday)
    assert [c["id"] for c in api(v.bob).get(f"{V}/commitments", overdue=1).json()] == [
        to_petrovs["id"]
    ]


def test_a_promise_naming_another_communitys_things_is_a_422(needy_village, hamlet):
    v = needy_village
    hamlet_need = need_post(
        actor=hamlet.charlie,
        community=hamlet.community,
        household=hamlet.kuznetsovs,
        resource=hamlet.grain,
        quantity=1_000,
    )
    base = {
        "receiver": v.petrovs.id,
        "giver_pool": v.granary.id,
        "resource": v.grain.id,
        "quantity": "1",
        "due_on": soon(),
    }
    for change, field in [
        ({"need": hamlet_need.id}, "need"),
        ({"giver_pool": hamlet.store.id}, "giver_pool"),
        ({"receiver": hamlet.kuznetsovs.id}, "receiver"),
        ({"resource": hamlet.grain.id}, "resource"),
        ({"due_on": "2000-01-01"}, "due_on"),
        ({"giver_household": v.ivanovs.id}, "giver"),  # a household and a pool: say one
    ]:
        response = api(v.alice).post(f"{V}/commitments", base | change)
        assert response.status_code == 422, (change, response.content)
        assert field in response.json()["fields"], (change, response.json())
    assert not Commitment.objects.exists()
    assert api(v.bob).post(f"{V}/commitments", base).status_code == 403


# ---------------------------------------------------------------------------------------------
# Allocation rounds


def open_round(v, quantity="60", **extra) -> dict:
    response = api(v.alice).post(
        f"{V}/rounds",
        {
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": quantity,
            "needs": [v.need_petrovs.id, v.need_sidorovs.id, v.need_orlovs.id],
            "note": "the Sidorovs' grandmother is ill",
        }
        | extra,
    )
    assert response.status_code == 201, response.content
    return response.json()


def decide(v, round_id, who, decision="approve", note=""):
    return api(who).post(f"{V}/rounds/{round_id}/decisions", {"decision": decision, "note": note})


def approved_round(v, **extra) -> dict:
    opened = open_round(v, **extra)
    decide(v, opened["id"], v.vera)
    assert decide(v, opened["id"], v.olga).json()["status"] == "approved"
    return opened


def shares_of(detail) -> dict:
    return {s["household_name"]: s["amount"] for s in detail["shares"]}


def test_a_round_is_opened_approved_carried_out_and_explained(needy_village):
    v = needy_village
    opened = open_round(v)
    assert (opened["status"], opened["rule"], opened["rule_name"]) == (
        "draft",
        "max_min",
        "max-min fairness",
    )
    assert (opened["quantity"], opened["amount"], opened["revision"]) == (60_000, "60 kg", 1)
    assert opened["totals"] == {
        "households": 3,
        "asked": 120_000,
        "asked_amount": "120 kg",
        "shared": 60_000,
        "shared_amount": "60 kg",
    }
    assert shares_of(opened) == {"Orlovs": "25 kg", "Petrovs": "25 kg", "Sidorovs": "10 kg"}
    petrovs = next(s for s in opened["shares"] if s["household"] == v.petrovs.id)
    assert petrovs["why"] == (
        "You asked 30 kg; 3 households shared 60 kg by max-min fairness; everyone's cap was "
        "25 kg; you receive 25 kg."
    )
    first = decide(v, opened["id"], v.vera)
    assert first.status_code == 201, first.content
    assert (first.json()["status"], first.json()["approvals"], first.json()["quorum"]) == (
        "draft",
        1,
        2,
    )
    assert first.json()["decisions"][0]["member"] == v.vera.id
    assert decide(v, opened["id"], v.olga).json()["status"] == "approved"
    done = api(v.alice).post(f"{V}/rounds/{opened['id']}/execution", {})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["executed_at"] is not None) == ("executed", True)
    assert stock(v) == 40_000
    given = Event.objects.filter(cause_type="allocation", cause_id=opened["id"])
    assert {e.receiver_household_id: e.quantity for e in given} == {
        v.petrovs.id: 25_000,
        v.sidorovs.id: 10_000,
        v.orlovs.id: 25_000,
    }
    assert Notification.objects.filter(kind="allocation.share", recipient=v.bob).count() == 1
    again = api(v.olga).post(f"{V}/rounds/{opened['id']}/execution", {})
    assert again.status_code == 409 and "already been carried out" in again.json()["message"]
    assert verify_community(v.community.id).ok


def test_a_plain_member_sees_totals_and_their_own_share_only(needy_village):
    v = needy_village
    opened = approved_round(v)
    api(v.alice).post(f"{V}/rounds/{opened['id']}/execution", {})
    listed = api(v.bob).get(f"{V}/rounds")
    assert listed.status_code == 200
    [summary] = listed.json()
    assert (summary["status"], summary["totals"]["households"], summary["totals"]["shared"]) == (
        "executed",
        3,
        60_000,
    )
    assert summary["note"] == ""  # the coordinator's note may say who needs what
    detail = api(v.bob).get(f"{V}/rounds/{opened['id']}")
    assert detail.status_code == 200
    assert [(s["household"], s["amount"]) for s in detail.json()["shares"]] == [
        (v.petrovs.id, "25 kg")
    ]
    assert detail.json()["shares"][0]["why"].endswith("you receive 25 kg.")
    for text in (b"Sidorovs", b"Orlovs", b"grandmother", b"10 kg"):
        assert text not in listed.content and text not in detail.content
    # vera, committee without a household, sees every share and the note
    seen = api(v.vera).get(f"{V}/rounds/{opened['id']}").json()
    assert len(seen["shares"]) == 3 and "grandmother" in seen["note"]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"quantity": "100.001"}, 422, "quantity"),  # more than the stock
        ({"quantity": "1.0001"}, 422, "quantity"),
        ({"rule": "loudest_first"}, 422, "rule"),
        ({"needs": []}, 422, "needs"),
        ({"needs": [99_999]}, 422, "needs"),
        ({"pool": 99_999}, 422, "pool"),
        ({"resource": 99_999}, 422, "resource"),
    ],
)
def test_a_bad_round_is_refused_and_records_nothing(needy_village, change, status, field):
    v = needy_village
    before = audit_seq(v)
    body = {
        "pool": v.granary.id,
        "resource": v.grain.id,
        "quantity": "60",
        "needs": [v.need_petrovs.id],
    } | change
    response = api(v.alice).post(f"{V}/rounds", body)
    assert response.status_code == status, response.content
    assert field in response.json()["fields"], response.json()
    assert audit_seq(v) == before


def test_only_coordinators_open_and_carry_out_rounds(needy_village):
    v = needy_village
    body = {"pool": v.granary.id, "resource": v.grain.id, "quantity": "1", "needs": [1]}
    for who in (v.bob, v.vera):
        assert api(who).post(f"{V}/rounds", body).status_code == 403
    opened = approved_round(v)
    for who in (v.bob, v.vera):
        assert api(who).post(f"{V}/rounds/{opened['id']}/execution", {}).status_code == 403
        assert api(who).post(f"{V}/rounds/{opened['id']}/cancel", {}).status_code == 403
    assert not Event.objects.filter(cause_type="allocation").exists()


def test_only_the_committee_decides_once_and_a_rejection_gives_its_reason(needy_village):
    v = needy_village
    opened = open_round(v)
    for who in (v.bob, v.alice):
        assert decide(v, opened["id"], who).status_code == 403
    bad = decide(v, opened["id"], v.vera, decision="maybe")
    assert bad.status_code == 422 and "decision" in bad.json()["fields"]
    silent = decide(v, opened["id"], v.vera, decision="reject")
    assert silent.status_code == 422 and "note" in silent.json()["fields"]
    assert decide(v, opened["id"], v.vera).status_code == 201
    twice = decide(v, opened["id"], v.vera)
    assert twice.status_code == 409 and "already decided" in twice.json()["message"]
    execute = api(v.alice).post(f"{V}/rounds/{opened['id']}/execution", {})
    assert execute.status_code == 409 and "not approved" in execute.json()["message"]


def test_a_rejected_round_is_revised_and_keeps_its_history(needy_village):
    v = needy_village
    opened = open_round(v)
    decide(v, opened["id"], v.vera, "reject", "too little for the Orlovs")
    rejected = decide(v, opened["id"], v.olga, "reject", "agree")
    assert rejected.json()["status"] == "rejected" and rejected.json()["rejections"] == 2
    url = f"{V}/rounds/{opened['id']}/revisions"
    assert api(v.bob).post(url, {"rule": "proportional"}).status_code == 403
    response = api(v.alice).post(url, {"rule": "proportional", "quantity": "60"})
    assert response.status_code == 201, response.content
    revised = response.json()
    assert (revised["revision"], revised["status"], revised["rule"]) == (2, "draft", "proportional")
    assert (revised["approvals"], revised["rejections"], revised["decisions"]) == (0, 0, [])
    assert shares_of(revised) == {"Orlovs": "40 kg", "Petrovs": "15 kg", "Sidorovs": "5 kg"}
    assert AllocationShare.objects.filter(round_id=opened["id"], revision=1).count() == 3
    fewer = api(v.alice).post(url, {"needs": [v.need_petrovs.id], "quantity": "20"}).json()
    assert (fewer["revision"], shares_of(fewer)) == (3, {"Petrovs": "20 kg"})
    decide(v, opened["id"], v.vera)
    decide(v, opened["id"], v.olga)
    late = api(v.alice).post(url, {"rule": "max_min"})
    assert late.status_code == 409 and "draft or rejected" in late.json()["message"]


def test_a_revision_naming_another_communitys_need_is_a_422(needy_village, hamlet):
    v = needy_village
    hamlet_need = need_post(
        actor=hamlet.charlie,
        community=hamlet.community,
        household=hamlet.kuznetsovs,
        resource=hamlet.grain,
        quantity=1_000,
    )
    opened = open_round(v)
    response = api(v.alice).post(
        f"{V}/rounds/{opened['id']}/revisions", {"needs": [v.need_petrovs.id, hamlet_need.id]}
    )
    assert response.status_code == 422 and "needs" in response.json()["fields"]
    assert api(v.alice).get(f"{V}/rounds/{opened['id']}").json()["revision"] == 1


def test_a_draft_is_cancelled_a_carried_out_round_is_not(needy_village):
    v = needy_village
    draft = open_round(v, quantity="1")
    cancelled = api(v.alice).post(f"{V}/rounds/{draft['id']}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    done = approved_round(v)
    api(v.alice).post(f"{V}/rounds/{done['id']}/execution", {})
    refused = api(v.alice).post(f"{V}/rounds/{done['id']}/cancel", {})
    assert refused.status_code == 409


def test_stock_that_shrank_refuses_the_whole_round_with_the_reason(needy_village):
    v = needy_village
    opened = approved_round(v)
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-50_000, reason="rot")
    before = audit_seq(v)
    response = api(v.alice).post(f"{V}/rounds/{opened['id']}/execution", {})
    assert response.status_code == 422
    assert response.json()["message"] == ("Not enough grain in Granary: 50 kg left, 60 kg asked.")
    assert not Event.objects.filter(cause_type="allocation").exists()
    assert audit_seq(v) == before
    assert api(v.alice).get(f"{V}/rounds/{opened['id']}").json()["status"] == "approved"


def test_a_household_appeals_its_share_and_the_committee_decides(needy_village):
    v = needy_village
    opened = approved_round(v)
    api(v.alice).post(f"{V}/rounds/{opened['id']}/execution", {})
    shares = {s.household_id: s.id for s in AllocationShare.objects.filter(round_id=opened["id"])}
    url = f"{V}/shares/{shares[v.petrovs.id]}/appeals"
    assert api(v.bob).post(url, {"reason": " "}).status_code == 422
    assert api(v.vera).post(url, {"reason": "not mine"}).status_code == 403
    refused = api(v.bob).post(f"{V}/shares/{shares[v.sidorovs.id]}/appeals", {"reason": "x"})
    assert refused.status_code == 403
    response = api(v.bob).post(url, {"reason": "we are five now, not three"})
    assert response.status_code == 201, response.content
    appeal = response.json()
    assert (appeal["household"], appeal["share"], appeal["round"]) == (
        v.petrovs.id,
        shares[v.petrovs.id],
        opened["id"],
    )
    assert (appeal["decision"], appeal["decided_at"]) == ("", None)
    assert api(v.bob).post(url, {"reason": "again"}).status_code == 409
    decision_url = f"{V}/appeals/{appeal['id']}/decision"
    assert api(v.alice).post(decision_url, {"upheld": True, "note": "yes"}).status_code == 403
    assert api(v.vera).post(decision_url, {"upheld": True, "note": ""}).status_code == 422
    decided = api(v.vera).post(decision_url, {"upheld": True, "note": "size updated"})
    assert decided.status_code == 200, decided.content
    assert (decided.json()["decision"], decided.json()["decision_note"]) == (
        "upheld",
        "size updated",
    )
    again = api(v.olga).post(decision_url, {"upheld": False, "note": "no"})
    assert again.status_code == 409
    own = api(v.bob).get(f"{V}/rounds/{opened['id']}").json()["shares"][0]
    assert own["appeal"]["decision"] == "upheld"


def test_a_draft_share_cannot_be_appealed(needy_village):
    v = needy_village
    opened = open_round(v)
    share = AllocationShare.objects.get(round_id=opened["id"], household=v.petrovs)
    response = api(v.bob).post(f"{V}/shares/{share.id}/appeals", {"reason": "too little"})
    assert response.status_code == 409


# ---------------------------------------------------------------------------------------------
# Tokens and communities


def test_without_a_token_every_aid_endpoint_answers_401(needy_village):
    anonymous = ApiClient()
    for path in (
        "needs",
        "offers",
        "commitments",
        "rounds",
        f"needs/{needy_village.need_petrovs.id}",
    ):
        assert anonymous.get(f"{V}/{path}").status_code == 401, path
    assert anonymous.post(f"{V}/needs", {"resource": 1, "quantity": "1"}).status_code == 401


def test_another_community_finds_nothing_here(needy_village, hamlet):
    v = needy_village
    opened = approved_round(v)
    promise = promise_from_the_granary(v, quantity="1")
    offer = offer_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=5
    )
    share = AllocationShare.objects.filter(round_id=opened["id"]).first()
    charlie = api(hamlet.charlie)
    for path in ("needs", "offers", "commitments", "rounds"):
        assert charlie.get(f"{V}/{path}").status_code == 404, path
    # Village objects named in the path of charlie's own community: not found there.
    H = "/communities/hamlet"
    assert charlie.get(f"{H}/needs/{v.need_petrovs.id}").status_code == 404
    assert charlie.get(f"{H}/needs/{v.need_petrovs.id}/matches").status_code == 404
    assert charlie.post(f"{H}/needs/{v.need_petrovs.id}/withdraw", {}).status_code == 404
    assert charlie.post(f"{H}/offers/{offer.id}/withdraw", {}).status_code == 404
    assert charlie.get(f"{H}/rounds/{opened['id']}").status_code == 404
    assert charlie.post(f"{H}/rounds/{opened['id']}/execution", {}).status_code == 404
    assert charlie.post(f"{H}/rounds/{opened['id']}/cancel", {}).status_code == 404
    assert (
        charlie.post(f"{H}/rounds/{opened['id']}/decisions", {"decision": "approve"}).status_code
        == 404
    )
    assert charlie.post(f"{H}/rounds/{opened['id']}/revisions", {}).status_code == 404
    assert charlie.post(f"{H}/shares/{share.id}/appeals", {"reason": "x"}).status_code == 404
    fulfil = charlie.post(f"{H}/commitments/{promise['id']}/fulfilments", {"quantity": "1"})
    assert fulfil.status_code == 404
    fail = charlie.post(f"{H}/commitments/{promise['id']}/fail", {"reason": "x"})
    assert fail.status_code == 404
    assert charlie.get(f"{H}/needs").json() == []
    assert charlie.get(f"{H}/rounds").json() == []
    assert stock(v) == 100_000


def test_the_openapi_document_lists_the_aid_endpoints(db):
    from pomochi.api.v1 import api as ninja_api

    paths = ninja_api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert {
        "/api/v1/communities/{slug}/needs",
        "/api/v1/communities/{slug}/needs/{need_id}/matches",
        "/api/v1/communities/{slug}/commitments/{commitment_id}/fulfilments",
        "/api/v1/communities/{slug}/rounds/{round_id}/execution",
        "/api/v1/communities/{slug}/appeals/{appeal_id}/decision",
    } <= set(paths)


def test_a_hidden_need_or_promise_reads_exactly_as_one_that_does_not_exist(needy_village, client):
    """Page and API alike: a 403 for the Sidorovs' need would tell bob it exists (and the ids,
    counted, how often others ask for help)."""
    v = needy_village
    promise = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,
        due_on=timezone.localdate() + timedelta(days=3),
        need=v.need_sidorovs,
    )
    missing = 10**6
    bob = api(v.bob)
    for method, path in (
        ("get", "needs/{}"),
        ("get", "needs/{}/matches"),
        ("post", "needs/{}/withdraw"),
    ):
        send = getattr(bob, method)
        args = () if method == "get" else ({},)
        hidden = send(f"{V}/{path.format(v.need_sidorovs.id)}", *args)
        absent = send(f"{V}/{path.format(missing)}", *args)
        assert (
            (hidden.status_code, hidden.json())
            == (absent.status_code, absent.json())
            == (
                404,
                absent.json(),
            )
        )
    client.force_login(v.bob.user)
    for name, pk in (("needs", v.need_sidorovs.id), ("promises", promise.id)):
        hidden, absent = (client.get(f"/c/village/{name}/{n}/") for n in (pk, missing))
        assert hidden.status_code == absent.status_code == 404
        # The page names its own address (the language switch returns to it); nothing else differs.
        here = lambda n, name=name: f"/c/village/{name}/{n}/".encode()  # noqa: E731
        assert _unsalted(hidden.content).replace(here(pk), here("N")) == _unsalted(
            absent.content
        ).replace(here(missing), here("N"))


def _unsalted(page: bytes) -> bytes:
    """A page without what differs on every response (the CSRF token, a nonce)."""
    return re.sub(rb'"[A-Za-z0-9+/=_-]{32,}"', b'""', page)
