"""Every role × every page and API endpoint: allowed or refused, with the exact status.

Roles (tests/conftest.py):
    anonymous    not logged in; on the API, no token
    outsider     hamlet.charlie, coordinator of another community
    member       village.bob, plain member, household Petrovs
    coordinator  village.alice, household Ivanovs
    committee    village.vera, committee only, no household

Objects named in a URL or a body come in variants: the caller's own household, another household
of the same community (the Sidorovs have no member online), and another community's object
(hamlet's Kuznetsovs, its Store, its event).

Web pages: anonymous → 302 to the log-in page; outsider → 404 (a community is invisible to
non-members); refused by role → 403; allowed GET → 200; allowed POST of valid data → 302; a form
POSTed empty by an allowed role → 422 (or 200 with errors), never 500.
API: no token → 401; outsider → 404; refused by role → 403; allowed → 200/201; another community's
object named in a body → 422 naming the field, in a path → 404.

The matrix is data (ROUTES); one parametrized test runs every cell on a fresh village, and
`test_every_route_is_in_the_matrix` fails naming any URL pattern the matrix forgets.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pomochi.accounts.tokens import token_create
from pomochi.aid.rounds import appeal_file, round_decide, round_execute, round_open
from pomochi.aid.services import commitment_make, need_post, offer_post
from pomochi.communities.bylaws import default_rules
from pomochi.communities.invitations import invitation_create
from pomochi.ledger.services import event_contribute, event_distribute, event_reverse
from tests.api.conftest import ApiClient
from tests.conftest import make_user

ROLES = ("anonymous", "outsider", "member", "coordinator", "committee")
MEMBERS = ("member", "coordinator", "committee")
PASSWORD_NEW = "Harvest-moon-over-the-mill-2026"

# ---------------------------------------------------------------------------------------------
# The world every cell starts from: a stocked village, the hamlet, and a few movements.
# ---------------------------------------------------------------------------------------------


def build_world(v: SimpleNamespace, h: SimpleNamespace) -> SimpleNamespace:
    """The stocked village and the hamlet (tests/conftest.py), with one event each of what the
    cells look at: aid received by the Sidorovs (private to them, coordinators and the
    committee), aid received by the Petrovs (bob's own), the reversal of aid to the Sidorovs,
    an event of the hamlet; and a token each for bob and charlie."""
    v.to_sidorovs = event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=2_000,
        note="for the grandmother's medicine",
    )
    v.to_petrovs = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1_000
    )
    mistaken = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=500
    )
    # A reversal runs the other way: its giver is the household that received the aid.
    v.reversal = event_reverse(actor=v.alice, event=mistaken, reason="wrong household")
    v.charlie, v.kuznetsovs, v.store, v.hamlet_grain = h.charlie, h.kuznetsovs, h.store, h.grain
    v.hamlet_event = event_contribute(
        actor=h.charlie, household=h.kuznetsovs, pool=h.store, resource=h.grain, quantity=5
    )
    v.bob_token, _secret = token_create(user=v.bob.user, name="bob's phone")
    v.charlie_token, _secret = token_create(user=h.charlie.user, name="charlie's phone")
    v.invited = invitation_create(actor=v.alice, community=v.community, household=v.sidorovs)
    v.invitation = v.invited.invitation
    v.hamlet_invitation = invitation_create(actor=h.charlie, community=h.community).invitation
    return build_aid_world(v, h)


@pytest.fixture
def world(stocked_village, hamlet):
    return build_world(stocked_village, hamlet)


def membership_of(w, role):
    return {"outsider": w.charlie, "member": w.bob, "coordinator": w.alice, "committee": w.vera}[
        role
    ]


# Values in kwargs and data may be functions of (world, role), resolved when the cell runs.
Value = Callable[[SimpleNamespace, str], object]


def pk(name: str) -> Value:
    return lambda w, role: getattr(w, name).id


# "Own household" for each role; vera has none, so hers is bob's (someone else's).
OWN = {"anonymous": "petrovs", "outsider": "kuznetsovs", "member": "petrovs"}
OWN |= {"coordinator": "ivanovs", "committee": "petrovs"}


def own_household(w, role):
    return getattr(w, OWN[role]).id


def resolve(value, w, role):
    if callable(value):
        return value(w, role)
    if isinstance(value, dict):
        return {k: resolve(v, w, role) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# Expected statuses
# ---------------------------------------------------------------------------------------------


def page(ok: int = 200, allowed=MEMBERS, **override) -> dict[str, int]:
    """A community page: log-in for anonymous, 404 for the outsider, 403 to roles not allowed."""
    expect = {"anonymous": 302, "outsider": 404}
    expect |= {role: ok if role in allowed else 403 for role in MEMBERS}
    return expect | override


def api(ok: int = 200, allowed=MEMBERS, **override) -> dict[str, int]:
    """An API endpoint of a community: 401 without a token, 404 for the outsider, 403 to roles
    not allowed."""
    expect = {"anonymous": 401, "outsider": 404}
    expect |= {role: ok if role in allowed else 403 for role in MEMBERS}
    return expect | override


def everyone(status: int, **override) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | override


def logged_in(status: int, **override) -> dict[str, int]:
    """Pages for any logged-in person, in no community: anonymous goes to log in."""
    return everyone(status, anonymous=302) | override


# ---------------------------------------------------------------------------------------------
# Checks that data does not leak, beyond the status
# ---------------------------------------------------------------------------------------------

SEES_PRIVATE = ("coordinator", "committee")


def html(response) -> str:
    return response.content.decode()


def hidden_of(response, event) -> set[str]:
    return next(hidden for e, hidden in response.context["events"] if e.id == event.id)


def receivers_hidden_in_lists(response, w, role):
    """Movements lists: a plain member sees their own receipts, not another household's."""
    assert hidden_of(response, w.to_petrovs) == set()
    if role == "member":
        assert hidden_of(response, w.to_sidorovs) == {"receiver_household"}
        assert "Sidorovs" not in html(response)
    else:
        assert hidden_of(response, w.to_sidorovs) == set()
        assert "Sidorovs" in html(response)


def receiver_hidden_on_event_page(response, w, role):
    text = html(response)
    if role == "member":
        assert response.context["hidden"] == {"receiver_household"}
        # Neither who received it, nor the note, nor who recorded it (alice).
        assert "Sidorovs" not in text and "grandmother" not in text and "alice" not in text
    else:
        assert response.context["hidden"] == set()
        assert "Sidorovs" in text and "grandmother" in text


def giver_hidden_on_reversal_page(response, w, role):
    if role == "member":
        assert response.context["hidden"] == {"provider_household"}
        assert "Sidorovs" not in html(response)
    else:
        assert response.context["hidden"] == set() and "Sidorovs" in html(response)


def own_receipt_shown(response, w, role):
    assert "Petrovs" in html(response)


def household_links_only_for_coordinators(response, w, role):
    link = reverse("household", args=["village", w.sidorovs.id])
    assert (link in html(response)) == (role in SEES_PRIVATE)


def audit_payloads_by_policy(response, w, role):
    links = response.context["links"]
    hidden = [link for link in links if link.payload is None]
    # The committee reads every payload; others only those about no household or their own.
    assert bool(hidden) == (role != "committee")
    for link in links:
        if link.payload is not None and role != "committee":
            assert f'"receiver_household":{w.sidorovs.id}' not in link.payload


def api_audit_payloads_by_policy(response, w, role):
    items = response.json()["items"]
    hidden = [i for i in items if i["payload"] is None]
    assert bool(hidden) == (role != "committee")
    assert all(i["payload_digest"] for i in items)  # digests are for every member
    for item in items:
        if item["payload"] is not None and role != "committee":
            assert f'"receiver_household":{w.sidorovs.id}' not in item["payload"]


FLAGS = ("has_children", "has_elderly", "has_ill_or_disabled")


def flags(visible_to: tuple[str, ...]):
    """The vulnerability flags of one household: values for those who may see them, else null."""

    def check(response, w, role):
        body = response.json()
        if role in visible_to:
            assert all(isinstance(body[f], bool) for f in FLAGS), body
        else:
            assert all(body[f] is None for f in FLAGS), body

    return check


def household_list_flags(response, w, role):
    for h in response.json():
        visible = role in SEES_PRIVATE or (role == "member" and h["id"] == w.petrovs.id)
        assert all((h[f] is not None) == visible for f in FLAGS), (role, h)
    assert w.kuznetsovs.id not in {h["id"] for h in response.json()}


def api_receivers(response, w, role):
    items = {e["id"]: e for e in response.json()["items"]}
    assert w.hamlet_event.id not in items
    sidorovs, petrovs = items[w.to_sidorovs.id], items[w.to_petrovs.id]
    assert petrovs["receiver_household"] == w.petrovs.id
    if role == "member":
        assert sidorovs["receiver_household"] is None and sidorovs["recorded_by"] is None
        assert sidorovs["hidden"] == ["receiver_household"] and sidorovs["note"] == ""
    else:
        assert sidorovs["receiver_household"] == w.sidorovs.id and sidorovs["hidden"] == []


def api_reversal_giver(response, w, role):
    body = response.json()
    assert body["reverses"] is not None and body["receiver_pool"] == w.granary.id
    if role == "member":
        assert body["provider_household"] is None and body["hidden"] == ["provider_household"]
    else:
        assert body["provider_household"] == w.sidorovs.id


def login_stays_on_site(response, w, role):
    """Logging in, or already logged in: never sent on to another site."""
    assert response["Location"] == reverse("home")


def api_event_receiver(response, w, role):
    body = response.json()
    if role == "member":
        assert body["receiver_household"] is None and body["note"] == ""
        assert body["recorded_by"] is None
    else:
        assert body["receiver_household"] == w.sidorovs.id


def only_own_communities(response, w, role):
    slugs = [c["slug"] for c in response.json()]
    assert slugs == (["hamlet"] if role == "outsider" else ["village"])


def field_named(name: str):
    def check(response, w, role):
        if response.status_code == 422:
            assert name in response.json()["fields"], response.json()

    return check


def form_errors(response, w, role):
    """A form sent back, not a redirect: it says what is wrong."""
    posted = response.request["REQUEST_METHOD"] == "POST"
    if posted and response.context and "form" in response.context:
        assert response.context["form"].errors


def drill_ran(response, w, role):
    """The village's own stores, nothing of the hamlet's."""
    assert [report.name for report, _chart in response.context["rows"]] == ["grain"]
    assert "Kuznetsovs" not in html(response)


def drill_names_the_short(response, w, role):
    ((report, _chart),) = response.context["rows"]
    names = {short.name for short in report.short_first}
    assert names == {"Ivanovs", "Orlovs", "Petrovs", "Sidorovs"}
    assert "Sidorovs" in html(response) and "Kuznetsovs" not in html(response)


def api_drill_names_the_short(response, w, role):
    (grain,) = response.json()["resources"]
    assert grain["resource"] == "grain"
    names = {short["household"] for short in grain["short_first"]}
    assert names == {"Ivanovs", "Orlovs", "Petrovs", "Sidorovs"}


def api_drill_only_own(response, w, role):
    """The outsider drills its own hamlet: its Kuznetsovs, nobody of the village."""
    data = response.json()
    assert data["community"] == "hamlet"
    assert "Sidorovs" not in response.content.decode()


def drill_refused_weeks(response, w, role):
    assert list(response.context["form"].errors) == ["weeks"]
    assert response.context["rows"] == []


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One request, made by every role: `expect` maps each role to the exact status."""

    name: str  # URL name, with namespace for the API ("api-v1:list_events")
    expect: dict[str, int]
    kwargs: dict = field(default_factory=dict)
    method: str = "GET"
    data: dict | Callable | None = None
    variant: str = ""
    check: Callable | None = None  # more assertions on a response…
    check_on: tuple[int, ...] = (200, 201, 422)  # …with one of these statuses
    to_login: bool = True  # an anonymous 302 must lead to the log-in page

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api-v1:")


VILLAGE = {"slug": "village"}
# A form sent with nothing filled in: a browser still sends the CSRF token (which the test client
# does not check), so the view sees a bound form, not a first visit.
EMPTY = {"csrfmiddlewaretoken": "unchecked"}


def record_data(**fields) -> Callable:
    """A record form's data; a fresh idempotency key per request."""

    def data(w, role):
        values = {"idempotency_key": uuid.uuid4().hex, "note": ""} | fields
        return resolve(values, w, role)

    return data


def bylaws_data(w, role):
    rules = default_rules()
    values = {k: v for k, v in rules.items() if k != "privacy"} | rules["privacy"]
    data = {k: ("on" if v else "") if isinstance(v, bool) else v for k, v in values.items()}
    return {k: v for k, v in data.items() if v != ""} | {"reason": "harvest came early"}


def password_change_data(w, role):
    username = membership_of(w, role).user.username if role != "anonymous" else "bob"
    return {
        "old_password": f"{username}-pass-2026",
        "new_password1": PASSWORD_NEW,
        "new_password2": PASSWORD_NEW,
    }


def csv_upload(text: str) -> Callable:
    return lambda w, role: {"file": SimpleUploadedFile("households.csv", text.encode())}


def import_payload(signer: str) -> Callable:
    """A signed preview of one household, as the upload page gives it to `signer`."""

    def data(w, role):
        from pomochi.communities import imports

        actor = {
            "self": membership_of(w, role) if role != "anonymous" else w.alice,
            "olga": w.olga,
            "charlie": w.charlie,
        }[signer]
        row = imports.HouseholdRow(line=2, name="Belovs", size=3)
        return {"payload": imports.rows_sign(rows=[row], community=actor.community, actor=actor)}

    return data


def reset_link_kwargs(valid: bool) -> Callable:
    def kwargs(w, role):
        user = w.bob.user
        token = default_token_generator.make_token(user) if valid else "bad-token"
        return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}

    return kwargs


# Mutual aid: needs, offers, promises, rounds, notifications


def invitation_code(w, role) -> str:
    return w.invited.code


def build_aid_world(v, h):
    """Needs, an offer, promises and rounds of every kind a page looks at.

    need_petrovs   bob's own, nothing promised or allotted yet (so it can still be changed)
    need_sidorovs  nobody's online; a promise from the Granary answers it; in the draft round
    offer_petrovs  bob's: two hours of carpentry
    promise_petrovs, promise_sidorovs   1 kg from the Granary each
    round          a draft of 2 kg among the Sidorovs and the Orlovs, with a note naming the
                   Sidorovs (for coordinators and the committee only)
    round_approved approved by vera and olga, not yet carried out
    round_done     carried out among the Petrovs and the Ivanovs; the Ivanovs appealed
    share_petrovs, share_ivanovs   their shares in round_done (only the Ivanovs' appealed)
    hamlet_need    of the hamlet, for the 404s
    """
    grain, due = v.grain, timezone.localdate() + timedelta(days=3)

    def need(actor, household, quantity=2_000):
        return need_post(
            actor=actor,
            community=v.community,
            household=household,
            resource=grain,
            quantity=quantity,
        )

    v.need_petrovs = need(v.bob, v.petrovs)
    v.need_sidorovs = need(v.alice, v.sidorovs)
    need_orlovs = need(v.olga, v.orlovs)
    v.offer_petrovs = offer_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.labour,
        quantity=200,
        skill="carpentry",
    )
    v.promise_petrovs, v.promise_sidorovs = (
        commitment_make(
            actor=v.alice,
            community=v.community,
            receiver=household,
            giver_pool=v.granary,
            resource=grain,
            quantity=1_000,
            due_on=due,
            need=need_,
        )
        for household, need_ in ((v.petrovs, None), (v.sidorovs, v.need_sidorovs))
    )
    # alice asks the Petrovs (bob) to give the Sidorovs an hour: proposed, owed only if accepted
    v.promise_proposed = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_household=v.petrovs,
        resource=v.labour,
        quantity=100,
        due_on=due,
    )
    v.round = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=grain,
        quantity=2_000,
        needs=[v.need_sidorovs, need_orlovs],
        note="the Sidorovs first: their roof fell in",
    )
    v.round_approved = round_open(
        actor=v.alice, pool=v.granary, resource=grain, quantity=1_000, needs=[need_orlovs]
    )
    for member in (v.vera, v.olga):
        round_decide(actor=member, round=v.round_approved, approve=True)
    v.round_done = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=grain,
        quantity=2_000,
        needs=[need(v.bob, v.petrovs, 1_000), need(v.alice, v.ivanovs, 1_000)],
    )
    for member in (v.vera, v.olga):
        round_decide(actor=member, round=v.round_done, approve=True)
    v.round_done = round_execute(actor=v.alice, round=v.round_done)
    v.share_petrovs = v.round_done.shares.get(household=v.petrovs)
    v.share_ivanovs = v.round_done.shares.get(household=v.ivanovs)
    v.share_sidorovs = v.round.shares.get(household=v.sidorovs)  # of the draft: not handed out
    v.appeal = appeal_file(actor=v.alice, share=v.share_ivanovs, reason="we are six now")
    v.hamlet_need = need_post(
        actor=h.charlie,
        community=h.community,
        household=h.kuznetsovs,
        resource=h.grain,
        quantity=1_000,
    )
    return v


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
        Route("need", page(member=403), kwargs=need("need_sidorovs"), variant="another's"),
        Route("need", page(404), kwargs=need("hamlet_need"), variant="another community's"),
        Route("need-edit", page(committee=403), kwargs=need("need_petrovs")),
        Route(
            "need-edit",
            page(member=403, committee=403),
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
            page(422, member=403, committee=403),
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
            page(302, member=403, committee=403),
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
            page(member=403),
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
        post405("round-execute", round_("round_approved")),
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
        # --- notifications: one's own --------------------------------------------------------
        Route("notifications", page(), kwargs=VILLAGE, check=own_notifications),
    ]


def sidorovs_hidden_from_member(response, w, role):
    households = {n.household.name for n, _state in response.context["rows"]}
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


def own_notifications(response, w, role):
    member = membership_of(w, role)
    assert all(n.recipient_id == member.id for n, *_rest in response.context["rows"])


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
        act("get_need", api(member=403), need("need_sidorovs"), method="GET", variant="another's"),
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
            api(409, member=403, committee=403),
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
            api(member=403, committee=403),
            need("need_sidorovs"),
            variant="another's",
        ),
        act("withdraw_need", api(404), need("hamlet_need"), variant="another community's"),
        act("list_matches", api(), need("need_petrovs"), method="GET", variant="bob's own"),
        act(
            "list_matches",
            api(member=403),
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


def web_routes() -> list[Route]:
    household = lambda name: VILLAGE | {"household_id": pk(name)}  # noqa: E731
    event = lambda name: VILLAGE | {"event_id": pk(name)}  # noqa: E731
    record = lambda action: VILLAGE | {"action": action}  # noqa: E731
    grain, hamlet_grain = pk("grain"), pk("hamlet_grain")
    routes = [
        # --- outside any community ------------------------------------------------------
        Route("home", logged_in(302)),  # one community each: straight into it
        Route("login", logged_in(302, anonymous=200), to_login=False),
        Route(
            "login",
            logged_in(302),
            method="POST",
            data={"username": "bob", "password": "bob-pass-2026"},
            to_login=False,
        ),
        Route(
            "login",
            logged_in(302, anonymous=200),
            method="POST",
            data=EMPTY,
            variant="empty",
            to_login=False,
        ),
        Route("logout", everyone(405), to_login=False),  # GET never logs out
        Route("logout", everyone(302), method="POST", to_login=False),
        Route("tokens", logged_in(200)),
        # A new token is shown once, on the page itself: 200, not a redirect.
        Route("tokens", logged_in(200), method="POST", data={"name": "laptop"}),
        Route(
            "tokens", logged_in(200), method="POST", data=EMPTY, variant="empty", check=form_errors
        ),
        Route("token-revoke", everyone(405), kwargs={"token_id": pk("bob_token")}),
        Route(
            "token-revoke",
            logged_in(404, member=302),
            kwargs={"token_id": pk("bob_token")},
            method="POST",
            variant="bob's token",
        ),
        Route(
            "token-revoke",
            logged_in(404, outsider=302),
            kwargs={"token_id": pk("charlie_token")},
            method="POST",
            variant="another community's user's token",
        ),
        Route("password-change", logged_in(200)),
        Route("password-change", logged_in(302), method="POST", data=password_change_data),
        Route(
            "password-change",
            logged_in(200),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("password-changed", logged_in(200)),
        Route("password-reset", everyone(200), to_login=False),
        Route(
            "password-reset",
            everyone(302),
            method="POST",
            data={"email": "bob@example.org"},
            to_login=False,
        ),
        Route(
            "password-reset",
            everyone(200),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
            to_login=False,
        ),
        Route("password-reset-sent", everyone(200), to_login=False),
        Route(
            "password_reset_confirm",
            everyone(302),  # to the set-password step, the token moved into the session
            kwargs=reset_link_kwargs(valid=True),
            variant="valid link",
            to_login=False,
        ),
        Route(
            "password_reset_confirm",
            everyone(200),  # "the link is no longer valid"
            kwargs=reset_link_kwargs(valid=False),
            variant="bad link",
            to_login=False,
        ),
        Route("password-reset-complete", everyone(200), to_login=False),
        # --- a community's pages ------------------------------------------------------------
        Route("community", page(), kwargs=VILLAGE, check=receivers_hidden_in_lists),
        Route(
            "community",
            page(404, outsider=200),
            kwargs={"slug": "hamlet"},
            variant="another community",
        ),
        Route("community", page(404), kwargs={"slug": "nowhere"}, variant="no such community"),
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
        # An action the ledger has no form for is refused as a permission (403), not a 404.
        Route("record", page(403), kwargs=record("lend"), variant="no such form"),
        # Members, households, bylaws, audit.
        Route("members", page(), kwargs=VILLAGE, check=household_links_only_for_coordinators),
        # Invitations: coordinators make and withdraw them; anyone with the code opens one.
        Route("invitations", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "invitations",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"household": pk("sidorovs"), "email": ""},
        ),
        Route(
            "invitations",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"household": pk("kuznetsovs")},
            variant="into another community's household",
            check=form_errors,
        ),
        Route(
            "invitations",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"email": "not an address"},
            variant="bad e-mail",
            check=form_errors,
        ),
        Route(
            "invitation-revoke",
            everyone(405),
            kwargs=VILLAGE | {"invitation_id": pk("invitation")},
            to_login=False,
        ),
        Route(
            "invitation-revoke",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"invitation_id": pk("invitation")},
            method="POST",
        ),
        Route(
            "invitation-revoke",
            page(404),
            kwargs=VILLAGE | {"invitation_id": pk("hamlet_invitation")},
            method="POST",
            variant="another community's invitation",
        ),
        Route("invite", everyone(200), kwargs={"code": invitation_code}, to_login=False),
        Route(
            "invite",
            everyone(404),
            kwargs={"code": "2222-3333-4444"},
            variant="unknown code",
            to_login=False,
        ),
        # Accepting: charlie (of another community) joins; members already are (told so).
        Route(
            "invite",
            everyone(200, anonymous=422, outsider=302),
            kwargs={"code": invitation_code},
            method="POST",
            data=EMPTY,
            to_login=False,
        ),
        Route("invite-code", everyone(200), to_login=False),
        Route(
            "invite-code",
            everyone(302),
            data={"code": invitation_code},
            variant="a code typed in",
            to_login=False,
        ),
        # Roles: POST only. Nobody changes their own; only the committee grants committee.
        Route(
            "member-roles",
            everyone(405),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            to_login=False,
        ),
        Route(
            "member-roles",
            page(302, member=403),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
            data={"role": "coordinator", "grant": "1"},
            variant="make bob coordinator",
        ),
        Route(
            "member-roles",
            page(302, allowed=("committee",)),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
            data={"role": "committee", "grant": "1"},
            variant="elect bob to the committee",
        ),
        # bob: not his to change; alice: her own; vera (committee) may.
        Route(
            "member-roles",
            page(302, member=403, coordinator=403),
            kwargs=VILLAGE | {"membership_id": pk("alice")},
            method="POST",
            data={"role": "coordinator", "grant": "0"},
            variant="withdraw alice's coordinator role",
        ),
        Route(
            "member-roles",
            page(404),
            kwargs=VILLAGE | {"membership_id": pk("charlie")},
            method="POST",
            data={"role": "coordinator", "grant": "0"},
            variant="another community's member",
        ),
        # An unknown role is explained with a message on the members page, for everyone.
        Route(
            "member-roles",
            page(302),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route("household-add", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "household-add",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "Belovs", "size": "3", "has_children": "on"},
        ),
        Route(
            "household-add",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("households-import", page(allowed=("coordinator",)), kwargs=VILLAGE),
        # The upload shows a preview (200) and creates nothing yet.
        Route(
            "households-import",
            page(200, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=csv_upload("name,size\nBelovs,3\n"),
        ),
        Route(
            "households-import",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route("households-import-confirm", everyone(405), kwargs=VILLAGE, to_login=False),
        Route(
            "households-import-confirm",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=import_payload("self"),
        ),
        # A preview is bound to who made it and where: anyone else's is a bad request.
        Route(
            "households-import-confirm",
            page(400, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=import_payload("olga"),
            variant="another coordinator's preview",
        ),
        Route(
            "households-import-confirm",
            page(400, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=import_payload("charlie"),
            variant="another community's preview",
        ),
        Route(
            "households-import-confirm",
            page(400, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route("bylaws", page(), kwargs=VILLAGE),
        Route("bylaws-version", page(), kwargs=VILLAGE | {"version": 1}),
        Route("bylaws-version", page(404), kwargs=VILLAGE | {"version": 99}, variant="no such one"),
        Route("bylaws-change", page(allowed=("committee",)), kwargs=VILLAGE),
        Route(
            "bylaws-change",
            page(302, allowed=("committee",)),
            kwargs=VILLAGE,
            method="POST",
            data=bylaws_data,
        ),
        Route(
            "bylaws-change",
            page(422, allowed=("committee",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("audit", page(), kwargs=VILLAGE, check=audit_payloads_by_policy),
        # A drill names the households that would run short: coordinators and the committee.
        Route("drill", page(allowed=SEES_PRIVATE), kwargs=VILLAGE, check=drill_ran),
        Route(
            "drill",
            page(allowed=SEES_PRIVATE),
            kwargs=VILLAGE,
            data=lambda w, role: {"inflow_loss": "100", "weeks": "8", f"ration_{w.grain.id}": "10"},
            variant="a blockade",
            check=drill_names_the_short,
        ),
        Route(
            "drill",
            page(422, allowed=SEES_PRIVATE),
            kwargs=VILLAGE,
            data={"weeks": "0"},
            variant="no weeks",
            check=drill_refused_weeks,
        ),
        Route("drill", page(404, outsider=200), kwargs={"slug": "hamlet"}, variant="another's"),
    ]
    return routes + aid_web_routes()


def api_routes() -> list[Route]:
    grain, hamlet_grain, labour = pk("grain"), pk("hamlet_grain"), pk("labour")
    household = lambda name: VILLAGE | {"household_id": pk(name)}  # noqa: E731

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

    # With an empty body the request fails validation (422) before the community is looked up,
    # so the outsider learns nothing either way.
    empty = api(422, outsider=422)
    contribution = {"pool": pk("granary"), "resource": grain, "quantity": "2"}
    routes = [
        Route(
            "api-v1:list_communities",
            everyone(200, anonymous=401),
            check=only_own_communities,
        ),
        Route("api-v1:get_community", api(), kwargs=VILLAGE),
        Route(
            "api-v1:get_community",
            api(404, outsider=200),
            kwargs={"slug": "hamlet"},
            variant="another community",
        ),
        Route("api-v1:get_community", api(404), kwargs={"slug": "nowhere"}, variant="none such"),
        Route("api-v1:list_households", api(), kwargs=VILLAGE, check=household_list_flags),
        Route(
            "api-v1:get_household",
            api(),
            kwargs=household("petrovs"),
            variant="Petrovs (bob's own)",
            check=flags(visible_to=MEMBERS),
        ),
        Route(
            "api-v1:get_household",
            api(),
            kwargs=household("ivanovs"),
            variant="Ivanovs (alice's own)",
            check=flags(visible_to=SEES_PRIVATE),
        ),
        Route(
            "api-v1:get_household",
            api(),
            kwargs=household("sidorovs"),
            variant="Sidorovs (nobody's)",
            check=flags(visible_to=SEES_PRIVATE),
        ),
        Route(
            "api-v1:get_household",
            api(404),
            kwargs=household("kuznetsovs"),
            variant="another community's household",
        ),
        Route("api-v1:list_resources", api(), kwargs=VILLAGE),
        Route("api-v1:list_pools", api(), kwargs=VILLAGE),
        Route("api-v1:get_pool", api(), kwargs=VILLAGE | {"pool_id": pk("granary")}),
        Route(
            "api-v1:get_pool",
            api(404),
            kwargs=VILLAGE | {"pool_id": pk("store")},
            variant="another community's pool",
        ),
        Route("api-v1:list_events", api(), kwargs=VILLAGE, check=api_receivers),
        # A household's events are its history: the same rule as its page.
        Route(
            "api-v1:list_events",
            api(),
            kwargs=VILLAGE,
            data={"household": pk("petrovs")},
            variant="of the Petrovs (bob's own)",
        ),
        Route(
            "api-v1:list_events",
            api(member=403),
            kwargs=VILLAGE,
            data={"household": pk("sidorovs")},
            variant="of the Sidorovs (nobody's)",
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
            api(201, committee=403),
            contribution | {"household": own_household},
            "from own household",
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
        Route("api-v1:get_head", api(), kwargs=VILLAGE),
        Route(
            "api-v1:list_entries",
            api(),
            kwargs=VILLAGE,
            check=api_audit_payloads_by_policy,
        ),
        # A drill names the households that would run short: coordinators and the committee.
        Route(
            "api-v1:get_drill",
            api(allowed=SEES_PRIVATE),
            kwargs=VILLAGE,
            data={"inflow_loss": "1", "weeks": "8", "ration": "grain=10"},
            check=api_drill_names_the_short,
        ),
        # A bad question fails validation before the community is looked up, as an empty body.
        Route(
            "api-v1:get_drill",
            api(422, outsider=422),
            kwargs=VILLAGE,
            data={"weeks": "0"},
            variant="no weeks",
        ),
        Route(
            "api-v1:get_drill",
            api(404, outsider=200),
            kwargs={"slug": "hamlet"},
            variant="another's",
            check=api_drill_only_own,
        ),
        # django-ninja's root: it exists only so the API can reverse its own prefix.
        Route("api-v1:api-root", everyone(404)),
    ]
    return routes + aid_api_routes()


ROUTES = web_routes() + api_routes()


def cell_id(route: Route, role: str) -> str:
    action = route.kwargs.get("action") if isinstance(route.kwargs, dict) else None
    variant = ", ".join(v for v in (action, route.variant) if v)
    return f"{route.name}{f'[{variant}]' if variant else ''}-{route.method}-{role}"


CELLS = [
    pytest.param(
        route,
        role,
        id=cell_id(route, role),
    )
    for route in ROUTES
    for role in ROLES
]


@pytest.fixture
def quiet_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize(("route", "role"), CELLS)
def test_permission_matrix(world, quiet_mail, route: Route, role: str):
    w = world
    user = membership_of(w, role).user if role != "anonymous" else None
    if route.is_api:
        client = ApiClient(user)
    else:
        client = Client()
        if user is not None:
            client.force_login(user)  # before the data: a reset link depends on the last log-in
    url = reverse(route.name, kwargs=resolve(route.kwargs, w, role))
    data = resolve(route.data, w, role) if route.data is not None else {}

    if route.is_api and route.method == "GET":
        response = client.client.get(url, data, headers=client.headers)
    elif route.is_api:
        send = getattr(client.client, route.method.lower())  # POST or PATCH, a JSON body
        response = send(url, data, content_type="application/json", headers=client.headers)
    elif route.method == "GET":
        response = client.get(url, data)
    else:
        response = client.post(url, data)

    expected = route.expect[role]
    assert response.status_code == expected, (
        f"{route.method} {url} as {role}: {response.status_code}, expected {expected}\n"
        f"{response.content[:500]!r}"
    )
    if role == "anonymous" and expected == 302 and route.to_login and not route.is_api:
        assert response["Location"].startswith(reverse("login") + "?next="), response["Location"]
    if route.is_api and response.status_code >= 400 and route.name != "api-v1:api-root":
        body = response.json()
        assert body["message"] and isinstance(body["fields"], dict), body
    if route.check is not None and response.status_code in route.check_on:
        route.check(response, w, role)


def test_every_cell_names_every_role():
    assert all(set(route.expect) == set(ROLES) for route in ROUTES)
    assert len({cell_id(r, role) for r in ROUTES for role in ROLES}) == len(ROUTES) * len(ROLES)


# ---------------------------------------------------------------------------------------------
# Every route is in the matrix
# ---------------------------------------------------------------------------------------------


def _routes(patterns, namespace: str = "", prefix: str = ""):
    """(full name or, for an unnamed pattern, its path; the pattern) for every URL pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _routes(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            if p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p
            else:
                yield f"(unnamed) {prefix}{p.pattern}", p


def _excluded(name: str, pattern: URLPattern) -> bool:
    # Django's admin site: its own permission system; see test_the_admin_* below.
    if name.startswith("admin:") or name.startswith("(unnamed) admin/"):
        return True
    # Switching language is for everyone, in no community: test_set_language_works_for_anonymous.
    if name == "set_language":
        return True
    # The OpenAPI document and its docs page describe the API and are public:
    # test_the_openapi_document_is_served.
    if name in {"api-v1:openapi-json", "api-v1:openapi-view"}:
        return True
    # Static files (only when something serves them through Django): no data, no permissions.
    module = getattr(pattern.callback, "__module__", "") or ""
    return module.startswith(("django.contrib.staticfiles", "django.views.static"))


def test_every_route_is_in_the_matrix():
    in_matrix = {route.name for route in ROUTES}
    routes = dict(_routes(get_resolver().url_patterns))
    missing = sorted(
        name for name, p in routes.items() if name not in in_matrix and not _excluded(name, p)
    )
    assert not missing, f"routes missing from the permission matrix: {missing}"
    unknown = sorted(in_matrix - set(routes))
    assert not unknown, f"the matrix names routes that do not exist: {unknown}"


# ---------------------------------------------------------------------------------------------
# What the matrix leaves out, tested here
# ---------------------------------------------------------------------------------------------


def test_the_admin_refuses_anonymous_and_members(village, client):
    w = village
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(w.olga.user)  # founder, coordinator and committee: still no staff
    response = client.get("/admin/ledger/event/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_shows_events_to_a_superuser_read_only(world, client):
    w = world
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    changelist = client.get(reverse("admin:ledger_event_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:ledger_event_add") not in changelist.content.decode()
    assert not changelist.context["has_add_permission"]
    change_url = reverse("admin:ledger_event_change", args=[w.to_sidorovs.id])
    change = client.get(change_url)
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert not change.context["has_change_permission"]
    assert client.post(change_url, {"quantity": 1}).status_code == 403
    assert client.get(reverse("admin:ledger_event_add")).status_code == 403
    delete_url = reverse("admin:ledger_event_delete", args=[w.to_sidorovs.id])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403


def test_set_language_works_for_anonymous(db, client):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "ru"
    assert client.get("/login/").headers["Content-Language"] == "ru"
    elsewhere = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert elsewhere.status_code == 302 and elsewhere["Location"] == "/"


def test_the_openapi_document_is_served(db, client):
    response = client.get(reverse("api-v1:openapi-json"))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/communities/{slug}/events" in document["paths"]
    assert client.get(reverse("api-v1:openapi-view")).status_code == 200
