"""One presenter per object: what each role sees of it, field by field, and every door uses it.

The objects are the Sidorovs' (a need, an offer, a promise from the granary, aid they received,
the household itself, the membership of dasha who lives there, a notification to her). The roles:
olga (founder, coordinator and committee, the Orlovs), alice (coordinator, the Ivanovs), bob
(plain member of another household, the Petrovs), dasha (plain member of the object's own
household), vera (committee only, no household), charlie (another community's coordinator).
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from ninja.renderers import NinjaJSONEncoder

from pomochi.aid.api import (
    CommitmentOut,
    MatchOut,
    NeedOut,
    OfferOut,
    commitment_out,
    need_out,
    offer_out,
)
from pomochi.aid.presenters import commitment_view, match_view, need_view, offer_view
from pomochi.aid.selectors import matches_for_need
from pomochi.aid.services import commitment_make, need_post, offer_post
from pomochi.communities.api import HouseholdOut, household_out
from pomochi.communities.models import Membership
from pomochi.communities.presenters import household_view, membership_view
from pomochi.ledger import exports
from pomochi.ledger.api import EventOut, event_out
from pomochi.ledger.presenters import event_view
from pomochi.ledger.services import event_distribute
from pomochi.notify.models import Notification
from pomochi.notify.presenters import notification_view
from tests.api.conftest import ApiClient
from tests.conftest import enrol, make_user

ROLES = ("olga", "alice", "bob", "dasha", "vera", "charlie")
SIDOROVS_AND_COORDINATION = {"olga", "alice", "dasha", "vera"}
VILLAGE = {"olga", "alice", "bob", "dasha", "vera"}


@pytest.fixture
def world(stocked_village, hamlet):
    v = stocked_village
    v.charlie = hamlet.charlie
    v.dasha = enrol(
        actor=v.olga, community=v.community, user=make_user("dasha"), household=v.sidorovs
    )
    v.need = need_post(
        actor=v.alice,
        community=v.community,
        household=v.sidorovs,
        resource=v.grain,
        quantity=3_000,
        note="the grandmother's medicine",
    )
    v.offer = offer_post(
        actor=v.alice,
        community=v.community,
        household=v.sidorovs,
        resource=v.grain,
        quantity=500,
        note="after the harvest",
    )
    v.promise = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,
        due_on=timezone.localdate() + timedelta(days=3),
        need=v.need,
    )
    v.event = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=2_000,
        note="for the medicine month",
    )
    v.notification = Notification.objects.get(recipient=v.dasha, kind="commitment.made")
    return v


def actor(w, role) -> Membership:
    return getattr(w, role)


def fresh(w, name):
    """The object as a door reads it from the database."""
    obj = getattr(w, name)
    return type(obj).objects.get(pk=obj.pk)


NEED = {
    "id",
    "household",
    "household_name",
    "resource",
    "resource_name",
    "quantity",
    "amount",
    "urgency",
    "urgency_name",
    "needed_by",
    "quantity_met",
    "met",
    "remaining",
    "state",
    "created_at",
    "created_by",
    "withdrawn_at",
    "note",
}
OFFER = {
    "id",
    "household",
    "household_name",
    "resource",
    "resource_name",
    "quantity",
    "amount",
    "skill",
    "available_from",
    "available_until",
    "note",
    "quantity_committed",
    "remaining",
    "remaining_amount",
    "state",
    "created_at",
    "withdrawn_at",
}
COMMITMENT = {
    "id",
    "need",
    "offer",
    "giver_household",
    "giver_household_name",
    "giver_pool",
    "giver_pool_name",
    "receiver_household",
    "receiver_household_name",
    "resource",
    "resource_name",
    "quantity",
    "amount",
    "quantity_fulfilled",
    "fulfilled",
    "remaining",
    "due_on",
    "state",
    "fate",
    "fate_at",
    "fate_note",
    "created_at",
    "created_by",
}
EVENT_PUBLIC = {
    "id",
    "action",
    "action_name",
    "resource",
    "resource_name",
    "unit",
    "quantity",
    "amount",
    "correction",
    "provider_pool",
    "provider_pool_name",
    "receiver_pool",
    "receiver_pool_name",
    "hidden",
    "occurred_at",
    "recorded_at",
    "cause_type",
    "cause_id",
    "reverses",
    "reversed_by",
    "provider_household",
    "provider_household_name",
}
EVENT_RECEIVER = {"receiver_household", "receiver_household_name"}
EVENT_RECORDING = {"recorded_by", "recorded_by_name", "note"}
EVENT = EVENT_PUBLIC | EVENT_RECEIVER | EVENT_RECORDING
HOUSEHOLD_PUBLIC = {"id", "name", "size", "archived", "merged_into"}
HOUSEHOLD = HOUSEHOLD_PUBLIC | {"has_children", "has_elderly", "has_ill_or_disabled"}
MEMBERSHIP_PUBLIC = {"id", "name", "household", "household_name", "roles", "active"}
MEMBERSHIP = MEMBERSHIP_PUBLIC | {"joined_at", "left_at", "removed_at", "removal_reason"}
NOTIFICATION = {"id", "kind", "text", "link", "created_at", "read"}


def sees(readers: set[str], full: set[str], partial: set[str] | None = None) -> dict:
    """role → the fields it sees: `full` for readers, `partial` (or nothing) for other village
    members, nothing for charlie."""
    return {
        role: full if role in readers else (partial or set()) if role in VILLAGE else set()
        for role in ROLES
    }


# (object, presenter, role → exactly the fields seen)
PRESENTERS = {
    "need": (need_view, sees(SIDOROVS_AND_COORDINATION, NEED)),
    "offer": (offer_view, sees(VILLAGE, OFFER)),
    "promise": (commitment_view, sees(SIDOROVS_AND_COORDINATION, COMMITMENT)),
    # bob sees that a household received 2 kg from the granary, not which, nor the note.
    "event": (event_view, sees(SIDOROVS_AND_COORDINATION, EVENT, EVENT_PUBLIC)),
    "sidorovs": (household_view, sees(SIDOROVS_AND_COORDINATION, HOUSEHOLD, HOUSEHOLD_PUBLIC)),
    "dasha": (membership_view, sees(SIDOROVS_AND_COORDINATION, MEMBERSHIP, MEMBERSHIP_PUBLIC)),
    "notification": (notification_view, sees({"dasha"}, NOTIFICATION)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PRESENTERS))
def test_each_role_sees_exactly_its_fields(world, name, role):
    present, expected = PRESENTERS[name]
    view = present(actor=actor(world, role), obj=fresh(world, name))
    assert set(view) == expected[role]


def test_what_a_plain_member_sees_of_aid_to_another_household(world):
    view = event_view(actor=world.bob, obj=fresh(world, "event"))
    assert view["hidden"] == ["receiver_household"]
    assert (view["amount"], view["provider_pool_name"]) == ("2 kg", "Granary")
    assert "medicine" not in json.dumps(view, default=str)


def test_a_need_opened_to_all_by_the_bylaws_keeps_its_note_to_its_household(world):
    from pomochi.communities.bylaws import default_rules
    from pomochi.communities.services import bylaws_change

    rules = default_rules()
    rules["privacy"]["needs_visible_to_members"] = True
    bylaws_change(actor=world.vera, community=world.community, rules=rules, reason="openness")
    seen = need_view(actor=world.bob, obj=fresh(world, "need"))
    assert set(seen) == NEED - {"note"}
    assert need_view(actor=world.dasha, obj=fresh(world, "need"))["note"] == (
        "the grandmother's medicine"
    )


def test_a_needs_page_lists_only_the_promises_its_reader_may_see(world, client):
    from pomochi.communities.bylaws import default_rules
    from pomochi.communities.services import bylaws_change

    rules = default_rules()
    rules["privacy"]["needs_visible_to_members"] = True
    bylaws_change(actor=world.vera, community=world.community, rules=rules, reason="openness")
    client.force_login(world.bob.user)
    page = client.get(f"/c/village/needs/{world.need.id}/")
    assert page.status_code == 200 and page.context["promises"] == []
    assert "medicine" not in page.content.decode()
    client.force_login(world.dasha.user)
    page = client.get(f"/c/village/needs/{world.need.id}/")
    assert [c["id"] for c, _state in page.context["promises"]] == [world.promise.id]


# ---------------------------------------------------------------------------------------------
# Every door is made from its presenter
# ---------------------------------------------------------------------------------------------


def as_json(value) -> object:
    """What the API would send for this value (the same encoder as django-ninja's)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    return json.loads(json.dumps(value, cls=NinjaJSONEncoder))


# name → (the API's *_out, its schema, presenter)
API_OUTS = {
    "need": (lambda o, a: need_out(o, actor=a), NeedOut, need_view),
    "offer": (lambda o, a: offer_out(o, actor=a), OfferOut, offer_view),
    "promise": (lambda o, a: commitment_out(o, actor=a), CommitmentOut, commitment_view),
    "event": (lambda o, a: event_out(o, actor=a), EventOut, event_view),
    "sidorovs": (lambda o, a: household_out(a, o), HouseholdOut, household_view),
}


@pytest.mark.parametrize("role", sorted(VILLAGE))
@pytest.mark.parametrize("name", sorted(API_OUTS))
def test_each_api_output_is_its_presenters_view(world, name, role):
    out, schema, present = API_OUTS[name]
    obj, who = fresh(world, name), actor(world, role)
    view = present(actor=who, obj=obj)
    if not view:
        return  # the endpoint refuses first (tests below)
    assert set(view) <= set(schema.model_fields)
    assert as_json(out(obj, who)) == as_json(schema(**view))


# name → (paths to GET: one object, or a list with it inside)
ENDPOINTS = {
    "need": ["/communities/village/needs/{id}", "/communities/village/needs"],
    "offer": ["/communities/village/offers"],
    "promise": ["/communities/village/commitments"],
    "event": ["/communities/village/events/{id}", "/communities/village/events"],
    "sidorovs": ["/communities/village/households/{id}", "/communities/village/households"],
}


def _found(body, obj_id):
    if isinstance(body, dict) and "items" in body:
        body = body["items"]
    if isinstance(body, list):
        return next((item for item in body if item["id"] == obj_id), None)
    return body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_the_api_sends_what_the_presenter_shows(world, name, role):
    _out, schema, present = API_OUTS[name]
    obj, who = fresh(world, name), actor(world, role)
    view = present(actor=who, obj=obj)
    client = ApiClient(who.user)
    for path in ENDPOINTS[name]:
        response = client.get(path.format(id=obj.id))
        if role == "charlie":
            assert response.status_code == 404
            continue
        found = _found(response.json(), obj.id) if response.status_code == 200 else None
        if not view:
            assert found is None, f"{path}: {role} may not see it"
        else:
            assert found == as_json(schema(**view)), path


# The columns of the CSV export that carry a field of event_view or household_view.
EVENT_COLUMNS = {
    "receiver_household": "receiver_household_name",
    "note": "note",
    "recorded_by": "recorded_by_name",
}
FLAG_COLUMNS = {
    "children": "has_children",
    "elderly": "has_elderly",
    "ill_or_disabled": "has_ill_or_disabled",
}


@pytest.mark.parametrize("role", sorted(VILLAGE))
def test_the_exports_write_what_the_presenters_show(world, role):
    who = actor(world, role)
    event = event_view(actor=who, obj=fresh(world, "event"))
    row = next(
        r
        for r in exports.event_rows(community=world.community, viewer=who)
        if r["id"] == event["id"]
    )
    for column, field in EVENT_COLUMNS.items():
        assert row[column] == event.get(field, ""), column
    assert row["hidden"] == " ".join(event["hidden"])
    household = household_view(actor=who, obj=fresh(world, "sidorovs"))
    line = next(
        r
        for r in exports.household_rows(community=world.community, viewer=who)
        if r["name"] == "Sidorovs"
    )
    for column, field in FLAG_COLUMNS.items():
        expected = "" if field not in household else ("yes" if household[field] else "no")
        assert line[column] == expected, column
    document = exports.valueflows_document(community=world.community, viewer=who)
    node = next(n for n in document["@graph"] if n["@id"].endswith(f":event:{event['id']}"))
    assert node.get("vf:note") == event.get("note")
    receiver = f"urn:pomochi:village:household:{world.sidorovs.id}"
    assert (node.get("vf:receiver") == receiver) == ("receiver_household" in event)
    sidorovs = next(n for n in document["@graph"] if n.get("vf:name") == "Sidorovs")
    assert ("pomochi:hasIllOrDisabled" in sidorovs) == ("has_ill_or_disabled" in household)


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_render_the_presented_objects(world, role):
    """The pages receive the presenter's dict, never the model: a template cannot reach a
    field the presenter left out."""
    who = actor(world, role)
    client = Client()
    client.force_login(who.user)
    pages = {
        f"/c/village/needs/{world.need.id}/": ("need", need_view),
        f"/c/village/promises/{world.promise.id}/": ("c", commitment_view),
        f"/c/village/events/{world.event.id}/": ("event", event_view),
    }
    for path, (key, present) in pages.items():
        response = client.get(path)
        if response.status_code != 200:
            assert role == "charlie" or not present(actor=who, obj=_model_of(world, key))
            continue
        assert response.context[key] == present(actor=who, obj=_model_of(world, key)), path


def _model_of(w, key):
    return {"need": fresh(w, "need"), "c": fresh(w, "promise"), "event": fresh(w, "event")}[key]


MATCH = {
    "source", "offer", "household", "pool", "name", "skill",
    "available", "available_amount", "covers", "covers_amount", "reason",
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_a_needs_matches_are_one_view_on_the_page_and_in_the_api(world, role):
    """Who may see the need sees its matches (the granary's grain here), the page and the API
    alike; the API's amounts are for machines ("2 kg" → "2 kg" plain, never localised)."""
    who, need = actor(world, role), fresh(world, "need")
    matches = matches_for_need(need=need)
    assert [m.holding.pool_id for m in matches] == [world.granary.id]
    views = [match_view(actor=who, need=need, obj=m) for m in matches]
    assert all(set(v) == (MATCH if role in SIDOROVS_AND_COORDINATION else set()) for v in views)
    response = ApiClient(who.user).get(f"/communities/village/needs/{need.id}/matches")
    page = _client(who).get(f"/c/village/needs/{need.id}/")
    if role not in SIDOROVS_AND_COORDINATION:
        assert response.status_code == 404 and page.status_code in (403, 404)
        return
    machine = [match_view(actor=who, need=need, obj=m, machine=True) for m in matches]
    assert response.json() == [as_json(MatchOut(**v)) for v in machine]
    assert [v for v, _form in page.context["matches"]] == views


def _client(who) -> Client:
    client = Client()
    client.force_login(who.user)
    return client
