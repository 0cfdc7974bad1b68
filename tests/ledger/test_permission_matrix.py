"""The ledger in the permission matrix: pools, households' histories, events, reversals,
the record forms, and the same over the API.

Conventions, roles and the runner: tests/matrix.py.
"""

import uuid
from collections.abc import Callable

from tests.matrix import (
    EMPTY,
    VILLAGE,
    Route,
    api,
    field_named,
    form_errors,
    html,
    own_household,
    page,
    permission_matrix,
    pk,
    receivers_hidden_in_lists,
    resolve,
)


def receiver_hidden_on_event_page(response, w, role):
    text = html(response)
    if role == "member":
        assert set(response.context["event"]["hidden"]) == {"receiver_household"}
        # Neither who received it, nor the note, nor who recorded it (alice).
        assert "Sidorovs" not in text and "grandmother" not in text and "alice" not in text
    else:
        assert response.context["event"]["hidden"] == []
        assert "Sidorovs" in text and "grandmother" in text


def giver_hidden_on_reversal_page(response, w, role):
    if role == "member":
        assert set(response.context["event"]["hidden"]) == {"provider_household"}
        assert "Sidorovs" not in html(response)
    else:
        assert response.context["event"]["hidden"] == [] and "Sidorovs" in html(response)


def own_receipt_shown(response, w, role):
    assert "Petrovs" in html(response)


def api_receivers(response, w, role):
    items = {e["id"]: e for e in response.json()["items"]}
    assert w.hamlet_event.id not in items
    sidorovs, petrovs = items[w.to_sidorovs.id], items[w.to_petrovs.id]
    assert petrovs["receiver_household"] == w.petrovs.id
    if role == "member":
        assert sidorovs["receiver_household"] is None and sidorovs["recorded_by"] is None
        assert sidorovs["hidden"] == ["receiver_household"] and sidorovs["note"] is None
    else:
        assert sidorovs["receiver_household"] == w.sidorovs.id and sidorovs["hidden"] == []


def api_reversal_giver(response, w, role):
    body = response.json()
    assert body["reverses"] is not None and body["receiver_pool"] == w.granary.id
    if role == "member":
        assert body["provider_household"] is None and body["hidden"] == ["provider_household"]
    else:
        assert body["provider_household"] == w.sidorovs.id


def api_event_receiver(response, w, role):
    body = response.json()
    if role == "member":
        assert body["receiver_household"] is None and body["note"] is None
        assert body["recorded_by"] is None
    else:
        assert body["receiver_household"] == w.sidorovs.id


def listed_ids(response) -> set[int]:
    if response["Content-Type"].startswith("application/json"):
        return {e["id"] for e in response.json()["items"]}
    return {e["id"] for e in response.context["events"]}


def sidorovs_only_as_seen(response, w, role):
    """Filtering by the Sidorovs: a plain member gets only what they see the Sidorovs give
    (nothing here: the reversal's giver is hidden), never what they received."""
    ids = listed_ids(response)
    if role == "member":
        assert ids == set()
    else:
        assert {w.to_sidorovs.id, w.reversal.id} <= ids and w.to_petrovs.id not in ids
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["meta"]["count"] == len(ids)


def hidden_note_not_found(response, w, role):
    """Words of a note are sought only in the notes the caller reads."""
    ids = listed_ids(response)
    assert ids == (set() if role == "member" else {w.to_sidorovs.id})


def filter_refused(name: str):
    def check(response, w, role):
        if response.status_code == 422:
            assert name in response.context["filters"].errors

    return check


def only_distributions(response, w, role):
    actions = {e["action"] for e in response.context["events"]}
    assert actions == {"distribute"}


def waiting_listed(response, w, role):
    """The coordinator's list of records waiting names bob's, with its amount."""
    if response["Content-Type"].startswith("application/json"):
        records = response.json()
        assert [(r["id"], r["amount"]) for r in records] == [(w.waiting.id, "3 kg")]
    else:
        assert [r["id"] for r in response.context["records"]] == [w.waiting.id]
        assert "Petrovs" in html(response) and "3 kg" in html(response)


def ids(*names: str) -> Callable:
    """A list of objects' ids in a body, resolved when the cell runs."""
    return lambda w, role: [getattr(w, name).id for name in names]


def record_data(**fields) -> Callable:
    """A record form's data; a fresh idempotency key per request."""

    def data(w, role):
        values = {"idempotency_key": uuid.uuid4().hex, "note": ""} | fields
        return resolve(values, w, role)

    return data


def web_routes() -> list[Route]:
    household = lambda name: VILLAGE | {"household_id": pk(name)}  # noqa: E731
    event = lambda name: VILLAGE | {"event_id": pk(name)}  # noqa: E731
    record = lambda action: VILLAGE | {"action": action}  # noqa: E731
    grain, hamlet_grain = pk("grain"), pk("hamlet_grain")
    return [
        Route("movements", page(), kwargs=VILLAGE, check=receivers_hidden_in_lists),
        Route(
            "movements",
            page(),
            kwargs=VILLAGE,
            data={"household": pk("sidorovs")},
            variant="of the Sidorovs (nobody's)",
            check=sidorovs_only_as_seen,
        ),
        Route(
            "movements",
            page(),
            kwargs=VILLAGE,
            data={"note": "grandmother"},
            variant="words of a note about the Sidorovs",
            check=hidden_note_not_found,
        ),
        Route(
            "movements",
            page(422),
            kwargs=VILLAGE,
            data={"household": pk("kuznetsovs")},
            variant="of another community's household",
            check=filter_refused("household"),
        ),
        Route(
            "pool",
            page(),
            kwargs=VILLAGE | {"pool_id": pk("granary")},
            data={"action": "distribute", "resource": grain},
            variant="distributions of grain",
            check=only_distributions,
        ),
        Route(
            "pool",
            page(422),
            kwargs=VILLAGE | {"pool_id": pk("granary")},
            data={"resource": hamlet_grain},
            variant="another community's resource",
            check=filter_refused("resource"),
        ),
        Route(
            "pool",
            page(),
            kwargs=VILLAGE | {"pool_id": pk("granary")},
            check=receivers_hidden_in_lists,
        ),
        Route(
            "pool",
            page(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            variant="another community's pool",
        ),
        # A household's page is its need: the household itself, coordinators, the committee.
        Route(
            "household",
            page(),
            kwargs=household("petrovs"),
            variant="Petrovs (bob's own)",
            check=own_receipt_shown,
        ),
        Route(
            "household",
            page(member=403),
            kwargs=household("ivanovs"),
            variant="Ivanovs (alice's own)",
        ),
        Route(
            "household",
            page(member=403),
            kwargs=household("sidorovs"),
            variant="Sidorovs (nobody's)",
        ),
        Route(
            "household",
            page(404),
            kwargs=household("kuznetsovs"),
            variant="another community's household",
        ),
        Route(
            "event",
            page(),
            kwargs=event("to_sidorovs"),
            variant="aid to another household",
            check=receiver_hidden_on_event_page,
        ),
        Route(
            "event",
            page(),
            kwargs=event("to_petrovs"),
            variant="aid to bob's household",
            check=own_receipt_shown,
        ),
        Route(
            "event",
            page(),
            kwargs=event("reversal"),
            variant="reversal of aid to another household",
            check=giver_hidden_on_reversal_page,
        ),
        Route(
            "event", page(404), kwargs=event("hamlet_event"), variant="another community's event"
        ),
        # A reversal cannot itself be reversed: the form explains it (422), nothing breaks.
        Route(
            "event-reverse",
            page(422, member=403),
            kwargs=event("reversal"),
            method="POST",
            data=record_data(reason="undo the undo"),
            variant="a reversal",
            check=form_errors,
        ),
        Route("event-reverse", page(member=403), kwargs=event("to_sidorovs")),
        Route(
            "event-reverse",
            page(302, member=403),
            kwargs=event("to_sidorovs"),
            method="POST",
            data=record_data(reason="wrong household"),
        ),
        Route(
            "event-reverse",
            page(422, member=403),
            kwargs=event("to_sidorovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route(
            "event-reverse",
            page(404),
            kwargs=event("hamlet_event"),
            variant="another community's event",
        ),
        Route(
            "event-reverse",
            page(404),
            kwargs=event("hamlet_event"),
            method="POST",
            data=record_data(reason="not ours"),
            variant="another community's event",
        ),
        # Recording. Forms are offered by role; the service then checks the household chosen.
        Route("record", page(committee=403), kwargs=record("contribute")),
        Route(
            "waiting-records", page(allowed=("coordinator",)), kwargs=VILLAGE, check=waiting_listed
        ),
        Route(
            "waiting-confirm",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"record_id": pk("waiting")},
            method="POST",
            data=EMPTY,
        ),
        Route(
            "waiting-decline",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"record_id": pk("waiting")},
            method="POST",
            data={"reason": "nothing came"},
        ),
        Route(
            "waiting-decline",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE | {"record_id": pk("waiting")},
            method="POST",
            data=EMPTY,
            variant="without a reason",
        ),
        Route(
            "record",
            page(302, committee=403),
            kwargs=record("contribute"),
            method="POST",
            data=record_data(
                household=own_household, pool=pk("granary"), resource=grain, quantity="2"
            ),
            variant="from own household",
        ),
        Route(
            "record",
            page(302, member=422, committee=403),
            kwargs=record("contribute"),
            method="POST",
            data=record_data(
                household=pk("sidorovs"), pool=pk("granary"), resource=grain, quantity="2"
            ),
            variant="from another household",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, committee=403),
            kwargs=record("contribute"),
            method="POST",
            data=record_data(
                household=own_household, pool=pk("store"), resource=grain, quantity="2"
            ),
            variant="into another community's pool",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, committee=403),
            kwargs=record("contribute"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("record", page(allowed=("coordinator",)), kwargs=record("distribute")),
        Route(
            "record",
            page(302, allowed=("coordinator",)),
            kwargs=record("distribute"),
            method="POST",
            data=record_data(
                pool=pk("granary"), household=pk("sidorovs"), resource=grain, quantity="1.5"
            ),
        ),
        Route(
            "record",
            page(422, allowed=("coordinator",)),
            kwargs=record("distribute"),
            method="POST",
            data=record_data(
                pool=pk("granary"), household=pk("kuznetsovs"), resource=grain, quantity="1"
            ),
            variant="to another community's household",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, allowed=("coordinator",)),
            kwargs=record("distribute"),
            method="POST",
            data=record_data(
                pool=pk("granary"), household=pk("sidorovs"), resource=hamlet_grain, quantity="1"
            ),
            variant="another community's resource",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, allowed=("coordinator",)),
            kwargs=record("distribute"),
            method="POST",
            data=record_data(
                pool=pk("granary"), household=pk("sidorovs"), resource=grain, quantity="1e999999"
            ),
            variant="an absurd quantity",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, allowed=("coordinator",)),
            kwargs=record("distribute"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("record", page(committee=403), kwargs=record("transfer")),
        Route(
            "record",
            page(302, committee=403),
            kwargs=record("transfer"),
            method="POST",
            data=record_data(
                from_household=own_household,
                to_household=pk("sidorovs"),
                resource=grain,
                quantity="1",
            ),
            variant="from own household",
        ),
        Route(
            "record",
            page(302, member=422, committee=403),
            kwargs=record("transfer"),
            method="POST",
            data=record_data(
                from_household=pk("sidorovs"),
                to_household=pk("orlovs"),
                resource=grain,
                quantity="1",
            ),
            variant="from another household",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, committee=403),
            kwargs=record("transfer"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("record", page(committee=403), kwargs=record("work")),
        Route(
            "record",
            page(302, committee=403),
            kwargs=record("work"),
            method="POST",
            data=record_data(
                worker=pk("orlovs"), beneficiary=own_household, resource=pk("labour"), quantity="3"
            ),
            variant="for own household",
        ),
        # The household that received the work confirms it; a worker cannot credit themselves.
        Route(
            "record",
            page(302, member=422, committee=403),
            kwargs=record("work"),
            method="POST",
            data=record_data(
                worker=pk("petrovs"),
                beneficiary=pk("sidorovs"),
                resource=pk("labour"),
                quantity="3",
            ),
            variant="for another household",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, committee=403),
            kwargs=record("work"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("record", page(allowed=("committee",)), kwargs=record("adjust")),
        Route(
            "record",
            page(302, allowed=("committee",)),
            kwargs=record("adjust"),
            method="POST",
            data=record_data(pool=pk("granary"), resource=grain, change="-1", reason="mice"),
        ),
        Route(
            "record",
            page(422, allowed=("committee",)),
            kwargs=record("adjust"),
            method="POST",
            data=record_data(pool=pk("store"), resource=grain, change="-1", reason="mice"),
            variant="another community's pool",
            check=form_errors,
        ),
        Route(
            "record",
            page(422, allowed=("committee",)),
            kwargs=record("adjust"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        # Stores and what they keep: every member reads; coordinators create, edit, archive.
        Route("pools", page(), kwargs=VILLAGE),
        Route("pool-add", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "pool-add",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "Kitchen", "kind": "kitchen", "resources": ids("grain")},
        ),
        Route(
            "pool-add",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route(
            "pool-add",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "Kitchen", "kind": "kitchen", "resources": ids("hamlet_grain")},
            variant="keeping another community's resource",
            check=form_errors,
        ),
        Route(
            "pool-edit", page(allowed=("coordinator",)), kwargs=VILLAGE | {"pool_id": pk("tools")}
        ),
        Route(
            "pool-edit",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"pool_id": pk("tools")},
            method="POST",
            data={"name": "Tool shed", "kind": "tool_library", "resources": ids("plough")},
        ),
        Route(
            "pool-edit",
            page(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            variant="another community's pool",
        ),
        # The granary holds stock: refused, said on the stores page it redirects to.
        Route(
            "pool-archive",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"pool_id": pk("granary")},
            method="POST",
            data=EMPTY,
        ),
        Route(
            "pool-archive",
            page(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            method="POST",
            data=EMPTY,
            variant="another community's pool",
        ),
        Route("resources", page(), kwargs=VILLAGE),
        Route("resource-add", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "resource-add",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "salt", "unit": "kg", "kind": "consumable", "decimal_places": "1"},
        ),
        Route(
            "resource-add",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route(
            "resource-edit",
            page(allowed=("coordinator",)),
            kwargs=VILLAGE | {"resource_id": grain},
        ),
        Route(
            "resource-edit",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"resource_id": grain},
            method="POST",
            data={
                "name": "rye",
                "unit": "kg",
                "kind": "consumable",
                "decimal_places": "3",
                "pools": ids("granary"),
            },
        ),
        Route(
            "resource-edit",
            page(404),
            kwargs=VILLAGE | {"resource_id": hamlet_grain},
            variant="another community's resource",
        ),
        # An action the ledger has no form for is refused as a permission (403), not a 404.
        Route("record", page(403), kwargs=record("lend"), variant="no such form"),
    ]


def api_routes() -> list[Route]:
    grain, hamlet_grain, labour = pk("grain"), pk("hamlet_grain"), pk("labour")

    def post(name, expect, body, variant="", check=None, **extra):
        return Route(
            f"api-v1:{name}",
            expect,
            kwargs=VILLAGE,
            method="POST",
            data=body,
            variant=variant,
            check=check,
            **extra,
        )

    def api_cover_of_the_granary(response, w, role):
        data = response.json()
        assert data["pool"] == w.granary.id
        assert [r["resource_name"] for r in data["resources"]] == ["grain"]

    # With an empty body the request fails validation (422) before the community is looked up,
    # so the outsider learns nothing either way.
    empty = api(422, outsider=422)
    contribution = {"pool": pk("granary"), "resource": grain, "quantity": "2"}
    return [
        Route("api-v1:list_pools", api(), kwargs=VILLAGE),
        Route("api-v1:get_pool", api(), kwargs=VILLAGE | {"pool_id": pk("granary")}),
        Route(
            "api-v1:get_pool",
            api(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            variant="another community's pool",
        ),
        # A store's cover is an aggregate: every member reads it, as the store's page.
        Route(
            "api-v1:get_pool_cover",
            api(),
            kwargs=VILLAGE | {"pool_id": pk("granary")},
            check=api_cover_of_the_granary,
        ),
        Route(
            "api-v1:get_pool_cover",
            api(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            variant="another community's pool",
        ),
        post(
            "create_pool",
            api(201, allowed=("coordinator",)),
            {"name": "Kitchen", "kind": "kitchen", "resources": ids("grain")},
        ),
        post(
            "create_pool",
            api(422, member=403, committee=403),
            {"name": "Kitchen", "resources": ids("hamlet_grain")},
            "keeping another community's resource",
            check=field_named("resources"),
        ),
        post("create_pool", empty, {}, "empty"),
        Route(
            "api-v1:edit_pool",
            api(allowed=("coordinator",)),
            kwargs=VILLAGE | {"pool_id": pk("tools")},
            method="PATCH",
            data={"name": "Tool shed"},
        ),
        Route(
            "api-v1:edit_pool",
            api(422, member=403, committee=403),
            kwargs=VILLAGE | {"pool_id": pk("tools")},
            method="PATCH",
            data={"resources": ids("hamlet_grain")},
            variant="keeping another community's resource",
            check=field_named("resources"),
        ),
        Route(
            "api-v1:edit_pool",
            api(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            method="PATCH",
            data={"name": "Ours now"},
            variant="another community's pool",
        ),
        Route(
            "api-v1:archive_pool",
            api(409, allowed=("coordinator",)),
            kwargs=VILLAGE | {"pool_id": pk("granary")},
            method="POST",
            data={},
            variant="holding stock",
        ),
        Route(
            "api-v1:archive_pool",
            api(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            method="POST",
            data={},
            variant="another community's pool",
        ),
        Route("api-v1:list_events", api(), kwargs=VILLAGE, check=api_receivers),
        Route(
            "api-v1:list_events",
            api(),
            kwargs=VILLAGE,
            data={"household": pk("petrovs")},
            variant="of the Petrovs (bob's own)",
        ),
        # Another household's: only what the caller sees it named in (ledger.filters).
        Route(
            "api-v1:list_events",
            api(),
            kwargs=VILLAGE,
            data={"household": pk("sidorovs")},
            variant="of the Sidorovs (nobody's)",
            check=sidorovs_only_as_seen,
        ),
        Route(
            "api-v1:list_events",
            api(),
            kwargs=VILLAGE,
            data={"note": "grandmother"},
            variant="words of a note about the Sidorovs",
            check=hidden_note_not_found,
        ),
        Route(
            "api-v1:list_events",
            api(422, outsider=422),  # the query's own type, checked before the caller
            kwargs=VILLAGE,
            data={"action": "theft"},
            variant="no such kind",
            check=field_named("action"),
        ),
        Route(
            "api-v1:list_events",
            api(422),
            kwargs=VILLAGE,
            data={"household": pk("kuznetsovs")},
            variant="of another community's household",
            check=field_named("household"),
        ),
        Route(
            "api-v1:get_event",
            api(),
            kwargs=VILLAGE | {"event_id": pk("to_sidorovs")},
            variant="aid to another household",
            check=api_event_receiver,
        ),
        Route(
            "api-v1:get_event",
            api(),
            kwargs=VILLAGE | {"event_id": pk("reversal")},
            variant="reversal of aid to another household",
            check=api_reversal_giver,
        ),
        Route(
            "api-v1:get_event",
            api(404),
            kwargs=VILLAGE | {"event_id": pk("hamlet_event")},
            variant="another community's event",
        ),
        # Contributions: from one's own household, or any household for a coordinator.
        post(
            "post_contribution",
            api(201, member=202, committee=403),  # a plain member's waits (mutual checks)
            contribution | {"household": own_household},
            "from own household",
        ),
        # Mutual checks: the records waiting for a coordinator, confirmed or declined.
        Route(
            "api-v1:list_waiting_records",
            api(allowed=("coordinator",)),
            kwargs=VILLAGE,
            check=waiting_listed,
        ),
        Route(
            "api-v1:confirm_waiting_record",
            api(201, allowed=("coordinator",)),
            kwargs=VILLAGE | {"record_id": pk("waiting")},
            method="POST",
            data={},
        ),
        Route(
            "api-v1:decline_waiting_record",
            api(allowed=("coordinator",)),
            kwargs=VILLAGE | {"record_id": pk("waiting")},
            method="POST",
            data={"reason": "nothing came"},
        ),
        Route(
            "api-v1:decline_waiting_record",
            api(422, outsider=422, member=422, committee=422),
            kwargs=VILLAGE | {"record_id": pk("waiting")},
            method="POST",
            data={},
            variant="without a reason",
        ),
        post(
            "post_contribution",
            api(201, member=403, committee=403),
            contribution | {"household": pk("sidorovs")},
            "from another household",
        ),
        post(
            "post_contribution",
            api(422),
            contribution | {"household": own_household, "pool": pk("store")},
            "into another community's pool",
            check=field_named("pool"),
        ),
        post(
            "post_contribution",
            api(422),
            contribution | {"household": pk("kuznetsovs")},
            "from another community's household",
            check=field_named("household"),
        ),
        post(
            "post_contribution",
            api(422),
            contribution | {"household": own_household, "resource": hamlet_grain},
            "another community's resource",
            check=field_named("resource"),
        ),
        post("post_contribution", empty, {}, "empty"),
        post(
            "post_distribution",
            api(201, allowed=("coordinator",)),
            {"pool": pk("granary"), "household": pk("sidorovs"), "resource": grain, "quantity": 1},
        ),
        post(
            "post_distribution",
            api(422),
            {
                "pool": pk("granary"),
                "household": pk("kuznetsovs"),
                "resource": grain,
                "quantity": 1,
            },
            "to another community's household",
            check=field_named("household"),
        ),
        post(
            "post_distribution",
            api(422),
            {"pool": pk("store"), "household": pk("sidorovs"), "resource": grain, "quantity": 1},
            "from another community's pool",
            check=field_named("pool"),
        ),
        post("post_distribution", empty, {}, "empty"),
        post(
            "post_transfer",
            api(201, committee=403),
            {
                "from_household": own_household,
                "to_household": pk("sidorovs"),
                "resource": grain,
                "quantity": "0.5",
            },
            "from own household",
        ),
        post(
            "post_transfer",
            api(201, member=403, committee=403),
            {
                "from_household": pk("sidorovs"),
                "to_household": pk("orlovs"),
                "resource": grain,
                "quantity": "0.5",
            },
            "from another household",
        ),
        post(
            "post_transfer",
            api(422),
            {
                "from_household": own_household,
                "to_household": pk("kuznetsovs"),
                "resource": grain,
                "quantity": "0.5",
            },
            "to another community's household",
            check=field_named("to_household"),
        ),
        post("post_transfer", empty, {}, "empty"),
        post(
            "post_work",
            api(201, committee=403),
            {
                "worker": pk("orlovs"),
                "beneficiary": own_household,
                "resource": labour,
                "quantity": 2,
            },
            "for own household",
        ),
        post(
            "post_work",
            api(201, member=403, committee=403),
            {
                "worker": pk("petrovs"),
                "beneficiary": pk("sidorovs"),
                "resource": labour,
                "quantity": 2,
            },
            "for another household",
        ),
        post(
            "post_work",
            api(422),
            {
                "worker": pk("kuznetsovs"),
                "beneficiary": own_household,
                "resource": labour,
                "quantity": 2,
            },
            "by another community's household",
            check=field_named("worker"),
        ),
        post("post_work", empty, {}, "empty"),
        post(
            "post_adjustment",
            api(201, allowed=("committee",)),
            {"pool": pk("granary"), "resource": grain, "change": "-1", "reason": "mice"},
        ),
        post(
            "post_adjustment",
            api(422),
            {"pool": pk("store"), "resource": grain, "change": "-1", "reason": "mice"},
            "another community's pool",
            check=field_named("pool"),
        ),
        post("post_adjustment", empty, {}, "empty"),
        post(
            "post_reversal",
            api(201, member=403),
            {"event": pk("to_sidorovs"), "reason": "wrong household"},
        ),
        post(
            "post_reversal",
            api(409, member=403),
            {"event": pk("reversal"), "reason": "undo the undo"},
            "a reversal",
        ),
        post(
            "post_reversal",
            api(422),
            {"event": pk("hamlet_event"), "reason": "not ours"},
            "another community's event",
            check=field_named("event"),
        ),
        post("post_reversal", empty, {}, "empty"),
    ]


ROUTES = web_routes() + api_routes()


test_permission_matrix = permission_matrix(ROUTES)
