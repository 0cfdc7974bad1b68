"""The aid pages: needs and their matches, offers, promises and allocation rounds, as each role
sees them. Fixture: needy_village (tests/aid/conftest.py) — 100 kg of grain in the Granary and
three open needs for grain: the Petrovs (bob) 30 kg, the Sidorovs 10 kg, the Orlovs (olga) 80 kg.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from pomochi.aid.models import (
    AllocationRound,
    Appeal,
    Commitment,
    Need,
    Offer,
    RoundStatus,
)
from pomochi.aid.rounds import round_decide, round_execute, round_open
from pomochi.aid.services import commitment_make, offer_post
from pomochi.ledger.models import Event, Holding


def url(name, *args):
    return reverse(name, args=["village", *args])


def soon(days=3):
    return timezone.localdate() + timedelta(days=days)


def granary_grain(v) -> int:
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


def open_round(v, quantity=60_000, rule=None):
    return round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=quantity,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
        rule=rule,
    )


def executed_round(v):
    round_ = open_round(v)
    round_decide(actor=v.vera, round=round_, approve=True)
    round_decide(actor=v.olga, round=round_, approve=True)
    return round_execute(actor=v.alice, round=round_)


# Needs


def test_bob_sees_only_his_households_need_and_a_coordinator_sees_all(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    page = client.get(url("needs"))
    assert [n["household_name"] for n, _state in page.context["rows"]] == ["Petrovs"]
    assert "Sidorovs" not in page.content.decode()
    client.force_login(v.alice.user)
    rows = client.get(url("needs")).context["rows"]
    assert sorted(n["household_name"] for n, _state in rows) == ["Orlovs", "Petrovs", "Sidorovs"]


def test_posting_a_need_of_12_5_kg_stores_12500_grams(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    form = client.get(url("need-new")).context["form"]
    assert list(form.fields["household"].queryset) == [v.petrovs]
    response = client.post(
        url("need-new"),
        {
            "household": v.petrovs.id,
            "resource": v.potatoes.id,
            "quantity": "12,5",
            "urgency": "urgent",
            "needed_by": soon().isoformat(),
            "note": "the cellar flooded",
        },
    )
    need = Need.objects.get(resource=v.potatoes)
    assert response.status_code == 302 and response["Location"] == url("need", need.id)
    assert (need.quantity, need.household, need.urgency) == (125, v.petrovs, "urgent")
    assert need.needed_by == soon() and need.created_by == v.bob
    page = client.get(response["Location"]).content.decode()
    assert "Your need of 12.5 kg of potatoes is posted." in page


def test_a_bad_quantity_is_explained_next_to_the_field_and_nothing_is_created(
    client, needy_village
):
    v = needy_village
    client.force_login(v.bob.user)
    response = client.post(
        url("need-new"),
        {"household": v.petrovs.id, "resource": v.grain.id, "quantity": "12.5555"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["quantity"][0].startswith("kg are recorded to 3 decimal places")
    assert 'id="id_quantity-error"' in response.content.decode()
    assert Need.objects.count() == 3


def test_a_past_date_is_refused_on_its_field(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    response = client.post(
        url("need-new"),
        {
            "household": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "2",
            "urgency": "routine",
            "needed_by": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["needed_by"] == ["The date has already passed."]
    assert Need.objects.count() == 3


def test_a_member_cannot_ask_for_another_household(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    response = client.post(
        url("need-new"),
        {"household": v.ivanovs.id, "resource": v.grain.id, "quantity": "1", "urgency": "soon"},
    )
    assert response.status_code == 422 and "household" in response.context["form"].errors
    assert Need.objects.count() == 3


def test_a_coordinator_asks_on_behalf_of_any_household(client, needy_village):
    v = needy_village
    client.force_login(v.alice.user)
    form = client.get(url("need-new")).context["form"]
    assert set(form.fields["household"].queryset) == {v.orlovs, v.ivanovs, v.petrovs, v.sidorovs}
    response = client.post(
        url("need-new"),
        {"household": v.sidorovs.id, "resource": v.plough.id, "quantity": "1", "urgency": "soon"},
    )
    assert response.status_code == 302
    assert Need.objects.get(resource=v.plough).created_by == v.alice


def test_someone_with_no_household_to_ask_for_is_not_shown_the_form(client, needy_village):
    client.force_login(needy_village.vera.user)  # committee, no household
    assert client.get(url("need-new")).status_code == 403
    assert client.post(url("need-new"), {}).status_code == 403
    assert not client.get(url("needs")).context["can_post"]


def test_another_households_need_is_refused_to_a_plain_member(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    assert client.get(url("need", v.need_sidorovs.id)).status_code == 404
    assert client.get(url("need", v.need_petrovs.id)).status_code == 200


def test_the_need_page_shows_each_match_with_its_reason(client, needy_village):
    v = needy_village
    offer_post(
        actor=v.alice,
        community=v.community,
        household=v.ivanovs,
        resource=v.grain,
        quantity=12_000,
    )
    client.force_login(v.alice.user)
    page = client.get(url("need", v.need_petrovs.id))
    reasons = [m["reason"] for m, _form in page.context["matches"]]
    assert reasons == ["Granary holds enough (100 kg)", "offers 12 kg of the 30 kg needed"]
    text = page.content.decode()
    assert "Granary holds enough (100 kg)" in text and "Offers 12 kg of the 30 kg needed" in text
    # Prefilled: what the match covers, in the unit; the date a week ahead when none is asked.
    pool_form = page.context["matches"][0][1]
    assert pool_form.initial["quantity"] == "30" and pool_form.initial["due_on"] == soon(7)
    assert 'id="id_pool-' in text and 'type="date"' in text


def test_a_plain_member_is_not_offered_to_make_promises(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    page = client.get(url("need", v.need_petrovs.id))
    assert page.context["matches"] and all(form is None for _m, form in page.context["matches"])
    assert "Make it a promise" not in page.content.decode()
    response = client.post(
        url("need-promise", v.need_petrovs.id),
        {"pool": v.granary.id, "quantity": "30", "due_on": soon().isoformat()},
    )
    assert response.status_code == 403
    assert not Commitment.objects.exists()


def test_households_may_promise_directly_but_only_from_themselves(client, needy_village):
    """With the bylaws' households_commit_directly, a household promises from its own offer; a
    receiving household can never name another household as the giver of a promise to itself."""
    from pomochi.communities.selectors import bylaws_current
    from pomochi.communities.services import bylaws_change

    v = needy_village
    rules = bylaws_current(community=v.community).rules | {
        "households_commit_directly": True,
        "privacy": {"needs_visible_to_members": True, "receivers_visible_to_members": False},
    }
    bylaws_change(actor=v.vera, community=v.community, rules=rules, reason="trust neighbours")
    theirs = offer_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=5_000
    )
    mine = offer_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.grain, quantity=5_000
    )
    client.force_login(v.bob.user)
    forms = {
        m["offer"]: form
        for m, form in client.get(url("need", v.need_petrovs.id)).context["matches"]
    }
    assert forms[theirs.id] is None  # the Ivanovs' offer is theirs to promise
    assert forms[None] is None  # the granary's stock is the coordinators' to promise
    response = client.post(
        url("need-promise", v.need_petrovs.id),
        {"offer": theirs.id, "quantity": "5", "due_on": soon().isoformat()},
    )
    assert response.status_code == 403 and not Commitment.objects.exists()
    response = client.post(
        url("need-promise", v.need_sidorovs.id),
        {"offer": mine.id, "quantity": "5", "due_on": soon().isoformat()},
    )
    assert response.status_code == 302
    c = Commitment.objects.get()
    assert (c.giver_household, c.receiver_household, c.quantity) == (v.petrovs, v.sidorovs, 5_000)
    assert c.accepted_at is not None


def test_a_coordinator_turns_a_match_into_a_promise_and_bob_confirms_the_delivery(
    client, needy_village
):
    v = needy_village
    client.force_login(v.alice.user)
    response = client.post(
        url("need-promise", v.need_petrovs.id),
        {"pool": v.granary.id, "quantity": "30", "due_on": soon().isoformat()},
    )
    c = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == url("promise", c.id)
    assert (c.giver_pool, c.receiver_household, c.quantity, c.need) == (
        v.granary,
        v.petrovs,
        30_000,
        v.need_petrovs,
    )
    assert "Make it a promise" not in client.get(url("need", v.need_petrovs.id)).content.decode()

    client.force_login(v.bob.user)
    own = client.get(url("promises")).context["own"]
    assert [p["id"] for p, _state in own] == [c.id]
    page = client.get(url("promise", c.id))
    assert page.context["fulfil_form"].initial["quantity"] == "30"
    assert page.context["fail_form"] is None  # coordinators close promises, not bob
    key = page.context["fulfil_form"].initial["idempotency_key"]
    data = {"quantity": "10", "idempotency_key": key}
    assert client.post(url("promise-fulfil", c.id), data).status_code == 302
    assert client.post(url("promise-fulfil", c.id), data).status_code == 302  # a double tap
    assert granary_grain(v) == 90_000
    c.refresh_from_db()
    assert (c.quantity_fulfilled, c.fate) == (10_000, "")
    response = client.post(url("promise-fulfil", c.id), {"quantity": "25", "idempotency_key": "b"})
    assert response.status_code == 422
    assert response.context["fulfil_form"].errors["quantity"] == [
        "Only 20 kg remain to be delivered."
    ]
    client.post(url("promise-fulfil", c.id), {"quantity": "20", "idempotency_key": "c"})
    c.refresh_from_db()
    assert c.fate == "kept" and granary_grain(v) == 70_000
    assert "kept" in client.get(url("promise", c.id)).content.decode()


def test_a_bad_promise_is_explained_on_the_need_page(client, needy_village):
    v = needy_village
    client.force_login(v.alice.user)
    response = client.post(
        url("need-promise", v.need_petrovs.id),
        {"pool": v.granary.id, "quantity": "0", "due_on": soon().isoformat()},
    )
    assert response.status_code == 422
    bound = next(f for _m, f in response.context["matches"] if f.is_bound)
    assert bound.errors["quantity"] == ["The quantity must be more than zero."]
    text = response.content.decode()
    assert f'id="id_pool-{v.granary.id}_quantity-error"' in text
    assert f'aria-describedby="id_pool-{v.granary.id}_quantity-error"' in text
    assert not Commitment.objects.exists()


def test_a_need_is_edited_until_matched_and_withdrawn(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    form = client.get(url("need-edit", v.need_petrovs.id)).context["form"]
    assert form.initial["quantity"] == "30"
    response = client.post(
        url("need-edit", v.need_petrovs.id), {"quantity": "25,5", "urgency": "urgent"}
    )
    assert response.status_code == 302
    v.need_petrovs.refresh_from_db()
    assert (v.need_petrovs.quantity, v.need_petrovs.urgency) == (25_500, "urgent")
    assert client.get(url("need-edit", v.need_sidorovs.id)).status_code == 404
    assert client.post(url("need-withdraw", v.need_sidorovs.id)).status_code == 404
    assert client.post(url("need-withdraw", v.need_petrovs.id)).status_code == 302
    v.need_petrovs.refresh_from_db()
    assert v.need_petrovs.withdrawn_at is not None
    assert client.get(url("needs")).context["rows"] == []
    closed = client.get(url("needs") + "?include_closed=1").context["rows"]
    assert [(n["id"], str(state)) for n, state in closed] == [(v.need_petrovs.id, "withdrawn")]


def test_a_matched_need_cannot_be_changed(client, needy_village):
    v = needy_village
    open_round(v)
    client.force_login(v.bob.user)
    response = client.post(
        url("need-edit", v.need_petrovs.id), {"quantity": "20", "urgency": "soon"}
    )
    assert response.status_code == 422
    assert "can no longer be changed" in response.context["form"].non_field_errors()[0]


# Offers


def test_offers_are_posted_seen_by_everyone_and_withdrawn_by_their_household(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    response = client.post(
        url("offer-new"),
        {
            "household": v.petrovs.id,
            "resource": v.labour.id,
            "quantity": "2,5",
            "skill": "carpentry",
            "available_until": soon(10).isoformat(),
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.quantity, offer.skill, offer.household) == (250, "carpentry", v.petrovs)
    client.force_login(v.vera.user)
    page = client.get(url("offers"))
    assert [(o["id"], can) for o, can in page.context["rows"]] == [(offer.id, False)]
    assert "carpentry" in page.content.decode()
    assert client.post(url("offer-withdraw", offer.id)).status_code == 403
    client.force_login(v.bob.user)
    response = client.post(url("offer-edit", offer.id), {"quantity": "3"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.quantity == 300
    assert client.post(url("offer-withdraw", offer.id)).status_code == 302
    assert client.get(url("offers")).context["rows"] == []


def test_a_skill_for_goods_is_refused_on_its_field(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    response = client.post(
        url("offer-new"),
        {"household": v.petrovs.id, "resource": v.grain.id, "quantity": "1", "skill": "baking"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["skill"] == ["Only labour has a skill."]
    assert not Offer.objects.exists()


# Promises


def promise_to_petrovs(v, **kwargs):
    return commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        resource=v.grain,
        quantity=5_000,
        due_on=soon(),
        **({"giver_pool": v.granary} | kwargs),
    )


def test_the_overdue_list_is_for_coordinators_and_the_committee(client, needy_village):
    v = needy_village
    c = promise_to_petrovs(v)
    Commitment.objects.filter(pk=c.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    for who in (v.alice, v.vera):
        client.force_login(who.user)
        assert [p["id"] for p, _s in client.get(url("promises")).context["overdue"]] == [c.id]
    client.force_login(v.bob.user)
    page = client.get(url("promises"))
    assert page.context["overdue"] is None
    assert [(p["id"], str(state)) for p, state in page.context["own"]] == [(c.id, "overdue")]


def test_a_promise_is_private_to_its_households_and_the_coordinators(client, needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=5_000,
        due_on=soon(),
    )
    client.force_login(v.bob.user)
    assert client.get(url("promise", c.id)).status_code == 404
    for who in (v.alice, v.vera):
        client.force_login(who.user)
        assert client.get(url("promise", c.id)).status_code == 200


def test_a_coordinator_marks_a_promise_broken_or_excused_with_a_reason(client, needy_village):
    v = needy_village
    broken, excused = promise_to_petrovs(v), promise_to_petrovs(v)
    client.force_login(v.bob.user)
    assert (
        client.post(url("promise-fail", broken.id), {"excused": "0", "reason": "x"}).status_code
        == 403
    )
    client.force_login(v.alice.user)
    response = client.post(url("promise-fail", broken.id), {"excused": "0", "reason": ""})
    assert response.status_code == 422 and "reason" in response.context["fail_form"].errors
    client.post(url("promise-fail", broken.id), {"excused": "0", "reason": "never came"})
    client.post(url("promise-fail", excused.id), {"excused": "1", "reason": "their barn burnt"})
    broken.refresh_from_db()
    excused.refresh_from_db()
    assert (broken.fate, excused.fate, excused.fate_note) == (
        "broken",
        "excused",
        "their barn burnt",
    )
    page = client.get(url("promise", excused.id))
    assert page.context["fail_form"] is None and page.context["fulfil_form"] is None
    assert "their barn burnt" in page.content.decode()


# Allocation rounds


def test_a_plain_member_is_refused_the_open_round_page(client, needy_village):
    client.force_login(needy_village.bob.user)
    assert client.get(url("round-new")).status_code == 403
    assert client.post(url("round-new"), {}).status_code == 403
    client.force_login(needy_village.vera.user)  # the committee decides; it does not open
    assert client.get(url("round-new")).status_code == 403


def test_a_coordinator_opens_a_round_in_two_steps(client, needy_village):
    v = needy_village
    client.force_login(v.alice.user)
    step1 = client.get(url("round-new"))
    assert step1.status_code == 200 and "quantity" not in step1.content.decode()
    assert set(step1.context["choose"].fields) == {"pool", "resource"}
    step2 = client.get(url("round-new"), {"pool": v.granary.id, "resource": v.grain.id})
    form = step2.context["form"]
    assert form.initial["rule"] == "max_min"  # the bylaws' rule
    assert set(form.initial["needs"]) == {
        v.need_petrovs.id,
        v.need_sidorovs.id,
        v.need_orlovs.id,
    }
    text = step2.content.decode()
    assert "Everyone gets the same share, but never more than they asked" in text
    assert "A flat ration: the same ration for every household" in text
    assert step2.context["stock"] == 100_000 and step2.context["asked"] == 120_000
    response = client.post(
        url("round-new"),
        {
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "60",
            "rule": "max_min",
            "needs": [v.need_petrovs.id, v.need_sidorovs.id, v.need_orlovs.id],
        },
    )
    round_ = AllocationRound.objects.get()
    assert response.status_code == 302 and response["Location"] == url("round", round_.id)
    assert (round_.quantity, round_.rule, round_.status) == (60_000, "max_min", "draft")
    shares = {s.household.name: s.share for s in round_.shares.all()}
    assert shares == {"Petrovs": 25_000, "Sidorovs": 10_000, "Orlovs": 25_000}


def test_a_round_beyond_the_stock_is_refused_on_the_quantity(client, needy_village):
    v = needy_village
    client.force_login(v.alice.user)
    response = client.post(
        url("round-new"),
        {
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "100,001",
            "rule": "proportional",
            "needs": [v.need_petrovs.id],
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["quantity"] == ["Granary holds only 100 kg of grain."]
    response = client.post(
        url("round-new"),
        {"pool": v.granary.id, "resource": v.grain.id, "quantity": "10", "rule": "max_min"},
    )
    assert response.status_code == 422 and "needs" in response.context["form"].errors
    assert not AllocationRound.objects.exists()


def test_the_round_page_shows_bob_only_his_own_share_and_the_committee_all(client, needy_village):
    v = needy_village
    round_ = open_round(v)
    mine = (
        "You asked 30 kg; 3 households shared 60 kg by max-min fairness; everyone's cap was "
        "25 kg; you receive 25 kg."
    )
    client.force_login(v.bob.user)
    page = client.get(url("round", round_.id))
    assert [(s.household.name, sentence) for s, sentence in page.context["shares"]] == [
        ("Petrovs", mine)
    ]
    text = page.content.decode()
    assert escape(mine) in text and "Sidorovs" not in text and "Orlovs" not in text
    assert "max-min fairness" in text.lower() and "120 kg" in text  # the totals, for all
    assert page.context["decide_form"] is None and not page.context["can_execute"]
    client.force_login(v.vera.user)
    page = client.get(url("round", round_.id))
    assert [s.household.name for s, _ in page.context["shares"]] == [
        "Orlovs",
        "Petrovs",
        "Sidorovs",
    ]
    assert page.context["decide_form"] is not None
    client.force_login(v.alice.user)
    assert not client.get(url("round", round_.id)).context["decide_form"]


def test_a_member_without_a_share_sees_the_totals_and_nobody_elses_share(client, needy_village):
    from tests.conftest import enrol, make_user

    v = needy_village
    round_ = open_round(v)
    ivan = enrol(actor=v.olga, community=v.community, user=make_user("ivan"), household=v.ivanovs)
    client.force_login(ivan.user)
    page = client.get(url("round", round_.id))
    assert page.context["shares"] == [] and page.context["totals"]["households"] == 3
    text = page.content.decode()
    assert all(name not in text for name in ("Petrovs", "Sidorovs", "Orlovs"))


def test_approval_and_execution_through_the_pages_move_the_stock(client, needy_village):
    v = needy_village
    round_ = open_round(v)
    client.force_login(v.alice.user)
    assert client.post(url("round-decide", round_.id), {"approve": "1"}).status_code == 403
    response = client.post(url("round-execute", round_.id))
    assert response.status_code == 422
    assert response.context["action_error"] == "The committee has not approved this round yet."
    for who in (v.vera, v.olga):
        client.force_login(who.user)
        assert client.post(url("round-decide", round_.id), {"approve": "1"}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.APPROVED
    client.force_login(v.bob.user)
    assert client.post(url("round-execute", round_.id)).status_code == 403
    client.force_login(v.alice.user)
    assert client.get(url("round", round_.id)).context["can_execute"]
    response = client.post(url("round-execute", round_.id))
    assert response.status_code == 302
    assert granary_grain(v) == 40_000
    events = Event.objects.filter(cause_type="allocation", cause_id=round_.id)
    assert {e.receiver_household_id: e.quantity for e in events} == {
        v.petrovs.id: 25_000,
        v.sidorovs.id: 10_000,
        v.orlovs.id: 25_000,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Carried out: 60 kg of grain handed out from Granary." in page


def test_a_rejection_needs_a_reason_next_to_the_field(client, needy_village):
    v = needy_village
    round_ = open_round(v)
    client.force_login(v.vera.user)
    response = client.post(url("round-decide", round_.id), {"approve": "0", "note": ""})
    assert response.status_code == 422
    assert response.context["decide_form"].errors["note"] == ["Say why you reject it."]
    assert 'id="id_decide_note-error"' in response.content.decode()
    client.post(url("round-decide", round_.id), {"approve": "0", "note": "the Orlovs need more"})
    page = client.get(url("round", round_.id))
    assert page.context["decide_form"] is None and page.context["decided"]


def test_an_edit_makes_a_new_revision_and_keeps_the_history(client, needy_village):
    v = needy_village
    round_ = open_round(v)
    round_decide(actor=v.vera, round=round_, approve=False, note="too little for the Orlovs")
    client.force_login(v.alice.user)
    form = client.get(url("round-edit", round_.id)).context["form"]
    assert form.initial["quantity"] == "60" and form.initial["rule"] == "max_min"
    response = client.post(
        url("round-edit", round_.id),
        {
            "quantity": "60",
            "rule": "proportional",
            "needs": [v.need_petrovs.id, v.need_sidorovs.id, v.need_orlovs.id],
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.revision, round_.rule) == (2, "proportional")
    page = client.get(url("round", round_.id))
    history = page.context["history"]
    assert [(h["revision"], h["rule"], h["shared"]) for h in history] == [
        (2, "shares in proportion to need", "60 kg"),
        (1, "max-min fairness", "60 kg"),
    ]
    assert [(d.member, note) for d, note in history[1]["decisions"]] == [
        (v.vera, "too little for the Orlovs")
    ]
    client.force_login(v.bob.user)  # decisions on the record; their notes for the coordinators
    history = client.get(url("round", round_.id)).context["history"]
    assert [(d.member, note) for d, note in history[1]["decisions"]] == [(v.vera, "")]
    assert client.get(url("round-edit", round_.id)).status_code == 403


def test_a_coordinator_cancels_a_draft(client, needy_village):
    v = needy_village
    round_ = open_round(v)
    client.force_login(v.bob.user)
    assert client.post(url("round-cancel", round_.id)).status_code == 403
    client.force_login(v.alice.user)
    assert client.post(url("round-cancel", round_.id)).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CANCELLED


def test_bob_appeals_his_share_and_the_committee_decides(client, needy_village):
    v = needy_village
    round_ = executed_round(v)
    client.force_login(v.bob.user)
    page = client.get(url("round", round_.id))
    assert page.context["appeal_form"] is not None
    response = client.post(url("round-appeal", round_.id), {"reason": ""})
    assert response.status_code == 422 and "reason" in response.context["appeal_form"].errors
    response = client.post(url("round-appeal", round_.id), {"reason": "we are five now"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.household, appeal.share.household) == (v.petrovs, v.petrovs)
    page = client.get(url("round", round_.id))
    assert page.context["appeal_form"] is None
    assert [a for a, form in page.context["appeals"]] == [appeal]

    client.force_login(v.alice.user)  # a coordinator reads appeals, the committee decides them
    assert client.get(url("round", round_.id)).context["appeals"] == [(appeal, None)]
    decide = url("appeal-decide", round_.id, appeal.id)
    assert client.post(decide, {"upheld": "1", "note": "yes"}).status_code == 403
    client.force_login(v.vera.user)
    response = client.post(decide, {"upheld": "1", "note": ""})
    assert response.status_code == 422
    assert f'id="id_a{appeal.id}_note-error"' in response.content.decode()
    assert client.post(decide, {"upheld": "1", "note": "size updated"}).status_code == 302
    appeal.refresh_from_db()
    assert (appeal.decision, appeal.decided_by) == ("upheld", v.vera)


def test_no_appeal_after_the_window_or_without_a_share(client, needy_village, monkeypatch):
    v = needy_village
    round_ = executed_round(v)
    client.force_login(v.vera.user)  # no household, so no share
    assert client.post(url("round-appeal", round_.id), {"reason": "x"}).status_code == 403
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    client.force_login(v.bob.user)
    assert client.get(url("round", round_.id)).context["appeal_form"] is None
    response = client.post(url("round-appeal", round_.id), {"reason": "too late?"})
    assert response.status_code == 422
    assert "7 days to appeal" in response.context["appeal_form"].non_field_errors()[0]
    assert not Appeal.objects.exists()


def test_everyone_sees_the_list_of_rounds_with_rule_and_totals(client, needy_village):
    v = needy_village
    round_ = open_round(v)
    client.force_login(v.bob.user)
    page = client.get(url("rounds"))
    assert [(r, rule, t["shared_text"]) for r, rule, t in page.context["rows"]] == [
        (round_, "max-min fairness", "60 kg")
    ]
    assert not page.context["can_open"]
    assert "3 households asked 120 kg; 60 kg shared" in page.content.decode()


@pytest.mark.parametrize(
    "name,kwarg",
    [
        ("need", "need_petrovs"),
        ("need-edit", "need_petrovs"),
        ("round", "round"),
        ("round-edit", "round"),
    ],
)
def test_another_communitys_objects_are_not_found(client, needy_village, hamlet, name, kwarg):
    v = needy_village
    v.round = open_round(v)
    client.force_login(hamlet.charlie.user)
    assert client.get(reverse(name, args=["village", getattr(v, kwarg).id])).status_code == 404
    assert client.get(reverse(name, args=["hamlet", getattr(v, kwarg).id])).status_code == 404


def test_the_community_page_links_to_the_aid_pages(client, needy_village):
    client.force_login(needy_village.bob.user)
    text = client.get(url("community")).content.decode()
    for name in ("needs", "offers", "promises", "rounds"):
        assert f'href="{url(name)}"' in text


def test_dates_from_the_phones_picker_are_read_and_shown_in_russian_too(client, needy_village):
    v = needy_village
    client.force_login(v.bob.user)
    # The locale middleware leaves the request's language active in this thread: restore it.
    with translation.override(translation.get_language()):
        response = client.post(
            url("need-new"),
            {
                "household": v.petrovs.id,
                "resource": v.grain.id,
                "quantity": "2",
                "urgency": "soon",
                "needed_by": soon().isoformat(),  # what <input type=date> sends, in any language
            },
            HTTP_ACCEPT_LANGUAGE="ru",
        )
        page = client.get(
            url("need-edit", Need.objects.get(quantity=2_000).id), HTTP_ACCEPT_LANGUAGE="ru"
        )
    assert response.status_code == 302
    assert Need.objects.get(quantity=2_000).needed_by == soon()
    text = page.content.decode()
    assert '<html lang="ru">' in text
    assert f'type="date" name="needed_by" value="{soon().isoformat()}"' in text
