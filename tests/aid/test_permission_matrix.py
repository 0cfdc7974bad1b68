"""Mutual aid in the permission matrix: needs, offers, promises, rounds and appeals, on the
pages and over the API.

Conventions, roles and the runner: tests/matrix.py; the objects (needs, promises, rounds, the
appeal) are built by tests.matrix.build_aid_world.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from tests.matrix import (
    EMPTY,
    VILLAGE,
    Route,
    api,
    everyone,
    field_named,
    form_errors,
    html,
    own_household,
    page,
    permission_matrix,
    pk,
)


def says_what_will_happen(response, w, role):
    """The confirmation names the households' count, the amount, the store; nothing moved."""
    assert "1 household receives 1 kg of grain from Granary" in html(response)
    w.round_approved.refresh_from_db()
    assert w.round_approved.status == "approved"


def aid_web_routes() -> list[Route]:
    need = lambda name: VILLAGE | {"need_id": pk(name)}  # noqa: E731
    offer = lambda name: VILLAGE | {"offer_id": pk(name)}  # noqa: E731
    promise = lambda name: VILLAGE | {"commitment_id": pk(name)}  # noqa: E731
    round_ = lambda name: VILLAGE | {"round_id": pk(name)}  # noqa: E731
    coordinator, committee = ("coordinator",), ("committee",)
    soon = lambda w, role: (timezone.localdate() + timedelta(days=3)).isoformat()  # noqa: E731
    own = own_household
    post405 = lambda name, kwargs: Route(name, everyone(405), kwargs=kwargs, to_login=False)  # noqa: E731
    return [
        # --- needs: private to the household, coordinators and the committee --------------
        Route("needs", page(), kwargs=VILLAGE, check=sidorovs_hidden_from_member),
        Route(
            "needs",
            page(),
            kwargs=VILLAGE,
            data={"resource": pk("grain")},
            variant="filtered",
            check=sidorovs_hidden_from_member,
        ),
        # Only those who see every household's needs choose another household (aid.filters).
        Route(
            "needs",
            page(member=403),
            kwargs=VILLAGE,
            data={"household": pk("sidorovs")},
            variant="filtered by another household",
        ),
        Route("needs", page(422), kwargs=VILLAGE, data={"state": "lost"}, variant="bad filter"),
        Route("need-new", page(committee=403), kwargs=VILLAGE),  # vera has no household
        Route(
            "need-new",
            page(302, committee=403),
            kwargs=VILLAGE,
            method="POST",
            data={"household": own, "resource": pk("grain"), "quantity": "2,5", "urgency": "soon"},
        ),
        Route(
            "need-new",
            page(302, member=422, committee=403),
            kwargs=VILLAGE,
            method="POST",
            data={
                "household": pk("sidorovs"),
                "resource": pk("grain"),
                "quantity": "1",
                "urgency": "soon",
            },
            variant="for another household",
            check=form_errors,
        ),
        Route(
            "need-new",
            page(422, committee=403),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("need", page(), kwargs=need("need_petrovs"), variant="bob's own"),
        Route("need", page(member=404), kwargs=need("need_sidorovs"), variant="another's"),
        Route("need", page(404), kwargs=need("hamlet_need"), variant="another community's"),
        Route("need-edit", page(committee=403), kwargs=need("need_petrovs")),
        Route(
            "need-edit",
            page(member=404, committee=403),
            kwargs=need("need_sidorovs"),
            variant="another's",
        ),
        Route(
            "need-edit",
            page(302, committee=403),
            kwargs=need("need_petrovs"),
            method="POST",
            data={"quantity": "3", "urgency": "urgent"},
        ),
        Route(
            "need-edit",
            page(422, committee=403),
            kwargs=need("need_petrovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route(
            "need-edit",
            page(422, member=404, committee=403),
            kwargs=need("need_sidorovs"),
            method="POST",
            data={"quantity": "3", "urgency": "urgent"},
            variant="already promised",
            check=form_errors,
        ),
        post405("need-withdraw", need("need_petrovs")),
        Route(
            "need-withdraw", page(302, committee=403), kwargs=need("need_petrovs"), method="POST"
        ),
        Route(
            "need-withdraw",
            page(302, member=404, committee=403),
            kwargs=need("need_sidorovs"),
            method="POST",
            variant="another's",
        ),
        Route(
            "need-withdraw",
            page(404),
            kwargs=need("hamlet_need"),
            method="POST",
            variant="another community's",
        ),
        post405("need-promise", need("need_petrovs")),
        Route(
            "need-promise",
            page(302, allowed=coordinator),
            kwargs=need("need_petrovs"),
            method="POST",
            data={"pool": pk("granary"), "quantity": "1", "due_on": soon},
        ),
        Route(
            "need-promise",
            page(404),
            kwargs=need("need_petrovs"),
            method="POST",
            data={"pool": pk("store"), "quantity": "1", "due_on": soon},
            variant="from another community's pool",
        ),
        Route(
            "need-promise",
            page(422, allowed=coordinator),
            kwargs=need("need_petrovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        # --- offers: the whole community sees them ------------------------------------------
        Route("offers", page(), kwargs=VILLAGE),
        Route(
            "offers",
            page(),
            kwargs=VILLAGE,
            data={"resource": pk("labour"), "skill": "CARP"},
            variant="filtered",
        ),
        Route("offer-new", page(committee=403), kwargs=VILLAGE),
        Route(
            "offer-new",
            page(302, committee=403),
            kwargs=VILLAGE,
            method="POST",
            data={"household": own, "resource": pk("labour"), "quantity": "1"},
        ),
        Route(
            "offer-new",
            page(422, committee=403),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("offer-edit", page(committee=403), kwargs=offer("offer_petrovs")),
        Route(
            "offer-edit",
            page(302, committee=403),
            kwargs=offer("offer_petrovs"),
            method="POST",
            data={"quantity": "3"},
        ),
        Route(
            "offer-edit",
            page(422, committee=403),
            kwargs=offer("offer_petrovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        post405("offer-withdraw", offer("offer_petrovs")),
        Route(
            "offer-withdraw",
            page(302, committee=403),
            kwargs=offer("offer_petrovs"),
            method="POST",
        ),
        # --- promises: private to their two households, coordinators and the committee -----
        Route("promises", page(), kwargs=VILLAGE),
        Route("promise", page(), kwargs=promise("promise_petrovs"), variant="to bob"),
        Route(
            "promise",
            page(member=404),
            kwargs=promise("promise_sidorovs"),
            variant="to another household",
        ),
        post405("promise-fulfil", promise("promise_petrovs")),
        Route(
            "promise-fulfil",
            page(302, committee=403),  # the receiving household or a coordinator confirms
            kwargs=promise("promise_petrovs"),
            method="POST",
            data=lambda w, role: {"quantity": "0.5", "idempotency_key": uuid.uuid4().hex},
        ),
        Route(
            "promise-fulfil",
            page(422, committee=403),
            kwargs=promise("promise_petrovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        # A proposed promise: the giver household (bob) answers; a coordinator may withdraw it.
        post405("promise-accept", promise("promise_proposed")),
        Route(
            "promise-accept",
            page(302, allowed=("member",)),
            kwargs=promise("promise_proposed"),
            method="POST",
        ),
        post405("promise-decline", promise("promise_proposed")),
        Route(
            "promise-decline",
            page(302, allowed=("member", "coordinator")),
            kwargs=promise("promise_proposed"),
            method="POST",
            data={"reason": "away that week"},
        ),
        post405("promise-fail", promise("promise_petrovs")),
        Route(
            "promise-fail",
            page(302, allowed=coordinator),
            kwargs=promise("promise_petrovs"),
            method="POST",
            data={"excused": "1", "reason": "the giver fell ill"},
        ),
        Route(
            "promise-fail",
            page(422, allowed=coordinator),
            kwargs=promise("promise_petrovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        # --- rounds: totals for all, shares by share.view -----------------------------------
        Route("rounds", page(), kwargs=VILLAGE),
        Route("rounds", page(), kwargs=VILLAGE, data={"state": "draft"}, variant="filtered"),
        Route("round-new", page(allowed=coordinator), kwargs=VILLAGE),
        Route(
            "round-new",
            page(allowed=coordinator),
            kwargs=VILLAGE,
            data={"pool": pk("granary"), "resource": pk("grain")},
            variant="step 2",
        ),
        Route(
            "round-new",
            page(302, allowed=coordinator),
            kwargs=VILLAGE,
            method="POST",
            data={
                "pool": pk("granary"),
                "resource": pk("grain"),
                "quantity": "1",
                "rule": "max_min",
                "needs": pk("need_petrovs"),
            },
        ),
        Route(
            "round-new",
            page(422, allowed=coordinator),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route("round", page(), kwargs=round_("round"), check=shares_by_policy),
        Route("round", page(404), kwargs=VILLAGE | {"round_id": 999_999}, variant="no such"),
        Route("round-edit", page(allowed=coordinator), kwargs=round_("round")),
        Route(
            "round-edit",
            page(302, allowed=coordinator),
            kwargs=round_("round"),
            method="POST",
            data={"quantity": "1", "rule": "proportional", "needs": pk("need_sidorovs")},
        ),
        Route(
            "round-edit",
            page(422, allowed=coordinator),
            kwargs=round_("round"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        post405("round-decide", round_("round")),
        Route(
            "round-decide",
            page(302, allowed=committee),
            kwargs=round_("round"),
            method="POST",
            data={"approve": "1"},
        ),
        Route(
            "round-decide",
            page(422, allowed=committee),
            kwargs=round_("round"),
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        # The confirmation: what carrying it out will do, before anything is done.
        Route(
            "round-execute",
            page(allowed=coordinator),
            kwargs=round_("round_approved"),
            check=says_what_will_happen,
        ),
        Route(
            "round-execute",
            page(422, allowed=coordinator),
            kwargs=round_("round"),
            variant="not approved",
        ),
        Route(
            "round-execute",
            page(302, allowed=coordinator),
            kwargs=round_("round_approved"),
            method="POST",
        ),
        Route(
            "round-execute",
            page(422, allowed=coordinator),
            kwargs=round_("round"),
            method="POST",
            variant="not approved",
        ),
        post405("round-cancel", round_("round")),
        Route(
            "round-cancel", page(302, allowed=coordinator), kwargs=round_("round"), method="POST"
        ),
        Route(
            "round-cancel",
            page(422, allowed=coordinator),
            kwargs=round_("round_done"),
            method="POST",
            variant="carried out",
        ),
        post405("round-appeal", round_("round_done")),
        # Each household its own share: bob appeals; the Ivanovs (alice) already did; vera has
        # no household, so no share.
        Route(
            "round-appeal",
            page(302, coordinator=422, committee=403),
            kwargs=round_("round_done"),
            method="POST",
            data={"reason": "we are five now"},
        ),
        Route(
            "round-appeal",
            page(422, coordinator=422, committee=403),
            kwargs=round_("round_done"),
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route(
            "round-appeal",
            page(403),
            kwargs=round_("round"),
            method="POST",
            data={"reason": "no share of ours"},
            variant="a round without our share",
        ),
        post405("appeal-decide", round_("round_done") | {"appeal_id": pk("appeal")}),
        Route(
            "appeal-decide",
            page(302, allowed=committee),
            kwargs=round_("round_done") | {"appeal_id": pk("appeal")},
            method="POST",
            data={"upheld": "1", "note": "six it is"},
        ),
        Route(
            "appeal-decide",
            page(422, allowed=committee),
            kwargs=round_("round_done") | {"appeal_id": pk("appeal")},
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route(
            "appeal-decide",
            page(404),
            kwargs=round_("round") | {"appeal_id": pk("appeal")},
            method="POST",
            data={"upheld": "1", "note": "wrong round"},
            variant="of another round",
        ),
    ]


def sidorovs_hidden_from_member(response, w, role):
    households = {n["household_name"] for n, _state in response.context["rows"]}
    assert households == (
        {"Petrovs"} if role == "member" else {"Petrovs", "Sidorovs", "Orlovs", "Ivanovs"}
    )


def shares_by_policy(response, w, role):
    """The draft round shares among the Sidorovs and the Orlovs: bob sees no share, and no
    name; coordinators and the committee see both."""
    names = [s.household.name for s, _sentence in response.context["shares"]]
    if role == "member":
        assert names == [] and "Sidorovs" not in html(response)
    else:
        assert names == ["Orlovs", "Sidorovs"]


NAMES_OF_OTHERS = ("Sidorovs", "Orlovs", "Ivanovs")


def api_needs_by_policy(response, w, role):
    """Bob lists his household's needs only; coordinators and the committee see every one."""
    needs = {n["id"]: n for n in response.json()}
    assert w.hamlet_need.id not in needs
    if role == "member":
        assert {n["household"] for n in needs.values()} == {w.petrovs.id}
        assert w.need_petrovs.id in needs
        assert not any(name in html(response) for name in NAMES_OF_OTHERS)
    else:
        assert {w.need_petrovs.id, w.need_sidorovs.id} <= set(needs)
        assert "Sidorovs" in {n["household_name"] for n in needs.values()}


def api_commitments_by_policy(response, w, role):
    """Bob lists the promises his household gives or receives (and the one asked of it); the
    others see every one."""
    found = {c["id"]: c for c in response.json()}
    if role == "member":
        assert set(found) == {w.promise_petrovs.id, w.promise_proposed.id}
        for c in found.values():
            assert w.petrovs.id in (c["receiver_household"], c["giver_household"])
    else:
        assert {w.promise_petrovs.id, w.promise_sidorovs.id} <= set(found)


def api_rounds_totals_only(response, w, role):
    """The list of rounds: totals for all; the note (it names the Sidorovs) only for those who
    see the shares; no household's name for bob."""
    rounds = {r["id"]: r for r in response.json()}
    assert {w.round.id, w.round_approved.id, w.round_done.id} <= set(rounds)
    assert rounds[w.round.id]["totals"]["households"] == 2
    if role == "member":
        assert rounds[w.round.id]["note"] == ""
        assert not any(name in html(response) for name in NAMES_OF_OTHERS)
    else:
        assert "Sidorovs" in rounds[w.round.id]["note"]


def api_round_shares(households: dict[str, tuple[str, ...]]):
    """A round's shares: `households` maps "member" and "others" to the names each sees."""

    def check(response, w, role):
        body = response.json()
        names = tuple(s["household_name"] for s in body["shares"])
        assert names == households["member" if role == "member" else "others"], (role, names)
        if role == "member":
            assert body["note"] == ""
            assert all(s["appeal"] is None for s in body["shares"])
            assert not any(name in html(response) for name in NAMES_OF_OTHERS)
        elif "Ivanovs" in names:  # the Ivanovs' appeal, for those who see household data
            ivanovs = next(s for s in body["shares"] if s["household_name"] == "Ivanovs")
            assert ivanovs["appeal"]["reason"] == "we are six now"

    return check


def aid_api_routes() -> list[Route]:
    grain, labour = pk("grain"), pk("labour")
    need = lambda name: VILLAGE | {"need_id": pk(name)}  # noqa: E731
    offer = lambda name: VILLAGE | {"offer_id": pk(name)}  # noqa: E731
    promise = lambda name: VILLAGE | {"commitment_id": pk(name)}  # noqa: E731
    round_ = lambda name: VILLAGE | {"round_id": pk(name)}  # noqa: E731
    share = lambda name: VILLAGE | {"share_id": pk(name)}  # noqa: E731
    coordinator, committee = ("coordinator",), ("committee",)
    soon = lambda w, role: (timezone.localdate() + timedelta(days=3)).isoformat()  # noqa: E731
    own = own_household
    ids = lambda *names: lambda w, role: [getattr(w, n).id for n in names]  # noqa: E731

    def act(name, expect, kwargs=VILLAGE, body=None, variant="", method="POST", check=None):
        data = {} if body is None else body
        return Route(
            f"api-v1:{name}",
            expect,
            kwargs=kwargs,
            method=method,
            data=data,
            variant=variant,
            check=check,
        )

    # An empty body fails validation before the community is looked up (see api_routes).
    empty = api(422, outsider=422)
    need_body = {"resource": grain, "quantity": "2.5", "urgency": "soon"}
    offer_body = {"resource": labour, "quantity": "1", "skill": "carpentry"}
    promise_body = {"resource": grain, "quantity": "1", "due_on": soon}
    round_body = {"pool": pk("granary"), "resource": grain, "quantity": "1", "rule": "max_min"}
    return [
        # --- needs: private to the household, coordinators and the committee ----------------
        act("list_needs", api(), method="GET", check=api_needs_by_policy),
        act(
            "list_needs",
            api(),
            body={"include_closed": "true"},
            method="GET",
            variant="closed too",
            check=api_needs_by_policy,
        ),
        act(
            "list_needs",
            api(),
            body={"resource": grain, "state": "open"},
            method="GET",
            variant="filtered",
            check=api_needs_by_policy,
        ),
        act(
            "list_needs",
            api(member=403),
            body={"household": pk("sidorovs")},
            method="GET",
            variant="filtered by another household",
        ),
        act(
            "list_needs",
            api(422),
            body={"resource": pk("hamlet_grain")},
            method="GET",
            variant="another community's resource",
            check=field_named("resource"),
        ),
        act("post_need", api(201, committee=403), body=need_body | {"household": own}),
        # Left out, the household is the caller's own; vera has none.
        act(
            "post_need",
            api(201, committee=422),
            body=need_body,
            variant="no household named",
            check=field_named("household"),
        ),
        act(
            "post_need",
            api(201, member=403, committee=403),
            body=need_body | {"household": pk("sidorovs")},
            variant="for another household",
        ),
        act(
            "post_need",
            api(422),
            body=need_body | {"household": pk("kuznetsovs")},
            variant="for another community's household",
            check=field_named("household"),
        ),
        act("post_need", empty, variant="empty"),
        act("get_need", api(), need("need_petrovs"), method="GET", variant="bob's own"),
        act("get_need", api(member=404), need("need_sidorovs"), method="GET", variant="another's"),
        act("get_need", api(404), need("hamlet_need"), method="GET", variant="another community's"),
        act(
            "edit_need",
            api(committee=403),
            need("need_petrovs"),
            body={"quantity": "3", "urgency": "urgent"},
            method="PATCH",
            variant="bob's own",
        ),
        act(
            "edit_need",
            api(409, member=404, committee=403),
            need("need_sidorovs"),
            body={"quantity": "3"},
            method="PATCH",
            variant="already promised",
        ),
        act(
            "edit_need",
            api(404),
            need("hamlet_need"),
            body={"quantity": "3"},
            method="PATCH",
            variant="another community's",
        ),
        act("withdraw_need", api(committee=403), need("need_petrovs"), variant="bob's own"),
        act(
            "withdraw_need",
            api(member=404, committee=403),
            need("need_sidorovs"),
            variant="another's",
        ),
        act("withdraw_need", api(404), need("hamlet_need"), variant="another community's"),
        act("list_matches", api(), need("need_petrovs"), method="GET", variant="bob's own"),
        act(
            "list_matches",
            api(member=404),
            need("need_sidorovs"),
            method="GET",
            variant="another's",
        ),
        act(
            "list_matches",
            api(404),
            need("hamlet_need"),
            method="GET",
            variant="another community's",
        ),
        # --- offers: the whole community sees them ------------------------------------------
        act("list_offers", api(), method="GET"),
        act(
            "list_offers",
            api(),
            body={"resource": labour, "skill": "CARP"},
            method="GET",
            variant="filtered",
        ),
        act("post_offer", api(201, committee=403), body=offer_body | {"household": own}),
        act(
            "post_offer",
            api(201, committee=422),
            body=offer_body,
            variant="no household named",
            check=field_named("household"),
        ),
        act(
            "post_offer",
            api(201, member=403, committee=403),
            body=offer_body | {"household": pk("sidorovs")},
            variant="for another household",
        ),
        act("post_offer", empty, variant="empty"),
        act("withdraw_offer", api(committee=403), offer("offer_petrovs"), variant="bob's"),
        # --- commitments: private to their two households, coordinators and the committee ---
        act("list_commitments", api(), method="GET", check=api_commitments_by_policy),
        act(
            "make_commitment",
            api(201, allowed=coordinator),
            body=promise_body
            | {"receiver": pk("petrovs"), "giver_pool": pk("granary"), "need": pk("need_petrovs")},
            variant="from the Granary",
        ),
        # The bylaws leave promises between households to coordinators (by default).
        act(
            "make_commitment",
            api(201, allowed=coordinator),
            body=promise_body | {"receiver": pk("sidorovs"), "giver_household": own},
            variant="from own household",
        ),
        act(
            "make_commitment",
            api(422),
            body=promise_body | {"receiver": pk("kuznetsovs"), "giver_pool": pk("granary")},
            variant="to another community's household",
            check=field_named("receiver"),
        ),
        act("make_commitment", empty, variant="empty"),
        act(
            "post_fulfilment",
            api(201, committee=403),  # the receiving household or a coordinator confirms
            promise("promise_petrovs"),
            body={"quantity": "0.5"},
            variant="to bob",
        ),
        # bob may not see the Sidorovs' promise: it is not found, as if it did not exist.
        act(
            "post_fulfilment",
            api(201, member=404, committee=403),
            promise("promise_sidorovs"),
            body={"quantity": "0.5"},
            variant="to another household",
        ),
        act("post_fulfilment", empty, promise("promise_petrovs"), variant="empty"),
        act(
            "fail_commitment",
            api(allowed=coordinator),
            promise("promise_petrovs"),
            body={"excused": True, "reason": "the giver fell ill"},
        ),
        act("fail_commitment", empty, promise("promise_petrovs"), variant="empty"),
        act("accept_commitment", api(allowed=("member",)), promise("promise_proposed")),
        act(
            "decline_commitment",
            api(allowed=("member", "coordinator")),
            promise("promise_proposed"),
            body={"reason": "away that week"},
        ),
        act(
            "decline_commitment",
            api(404, coordinator=409, committee=403),
            promise("promise_sidorovs"),
            body={"reason": "x"},
            variant="a promise from a store",
        ),
        # --- rounds: totals for all, shares by share.view -----------------------------------
        act("list_rounds", api(), method="GET", check=api_rounds_totals_only),
        act("list_rounds", api(), body={"state": "draft"}, method="GET", variant="filtered"),
        act("list_rounds", empty, body={"state": "lost"}, method="GET", variant="bad filter"),
        act(
            "open_round",
            api(201, allowed=coordinator),
            body=round_body | {"needs": ids("need_petrovs")},
        ),
        # Who may not open a round learns nothing of the needs named.
        act(
            "open_round",
            api(403, coordinator=422),
            body=round_body | {"needs": ids("hamlet_need")},
            variant="another community's need",
            check=field_named("needs"),
        ),
        act("open_round", empty, variant="empty"),
        act(
            "get_round",
            api(),
            round_("round"),
            method="GET",
            variant="draft, among the Sidorovs and the Orlovs",
            check=api_round_shares({"member": (), "others": ("Orlovs", "Sidorovs")}),
        ),
        act(
            "get_round",
            api(),
            round_("round_done"),
            method="GET",
            variant="carried out, among the Petrovs and the Ivanovs",
            check=api_round_shares({"member": ("Petrovs",), "others": ("Ivanovs", "Petrovs")}),
        ),
        act(
            "get_round",
            api(404),
            VILLAGE | {"round_id": 999_999},
            method="GET",
            variant="no such",
        ),
        act(
            "post_decision",
            api(201, allowed=committee),
            round_("round"),
            body={"decision": "approve"},
        ),
        act(
            "post_decision",
            api(409, allowed=committee),
            round_("round_done"),
            body={"decision": "approve"},
            variant="carried out",
        ),
        act("post_decision", empty, round_("round"), variant="empty"),
        act(
            "post_revision",
            api(201, allowed=coordinator),
            round_("round"),
            body={"rule": "proportional"},
        ),
        act(
            "post_revision",
            api(409, allowed=coordinator),
            round_("round_done"),
            body={"rule": "proportional"},
            variant="carried out",
        ),
        act("execute_round", api(allowed=coordinator), round_("round_approved")),
        act(
            "execute_round",
            api(409, allowed=coordinator),
            round_("round"),
            variant="not approved",
        ),
        act("cancel_round", api(allowed=coordinator), round_("round")),
        act(
            "cancel_round",
            api(409, allowed=coordinator),
            round_("round_done"),
            variant="carried out",
        ),
        # --- appeals: each household its own share; the committee decides ------------------
        act(
            "post_appeal",
            api(201, committee=403),
            share("share_petrovs"),
            body={"reason": "we are five now"},
            variant="the Petrovs' share",
        ),
        act(
            "post_appeal",
            api(409, member=403, committee=403),
            share("share_ivanovs"),
            body={"reason": "we are seven now"},
            variant="the Ivanovs' share, already appealed",
        ),
        act(
            "post_appeal",
            api(409, member=403, committee=403),
            share("share_sidorovs"),
            body={"reason": "not handed out yet"},
            variant="a share of a draft",
        ),
        act("post_appeal", empty, share("share_petrovs"), variant="empty"),
        act(
            "decide_appeal",
            api(allowed=committee),
            VILLAGE | {"appeal_id": pk("appeal")},
            body={"upheld": True, "note": "six it is"},
        ),
        act("decide_appeal", empty, VILLAGE | {"appeal_id": pk("appeal")}, variant="empty"),
    ]


ROUTES = aid_web_routes() + aid_api_routes()


test_permission_matrix = permission_matrix(ROUTES)
