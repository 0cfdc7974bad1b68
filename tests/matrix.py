"""The permission matrix's harness: roles, the world every cell starts from, the runner.

Every role × every page and API endpoint: allowed or refused, with the exact status. Each app owns
its rows, in tests/<app>/test_permission_matrix.py: a list ROUTES and the checks its rows name,
run by `test_permission_matrix = permission_matrix(ROUTES)`. tests/test_matrix_routes.py gathers
every app's ROUTES and fails naming any URL pattern that no app lists.

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
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pomochi.accounts.tokens import token_create
from pomochi.aid.rounds import appeal_file, round_decide, round_execute, round_open
from pomochi.aid.services import commitment_make, need_post, offer_post
from pomochi.communities.invitations import invitation_create
from pomochi.ledger.services import event_contribute, event_distribute, event_reverse
from pomochi.ledger.waiting import contribution_submit
from tests.api.conftest import ApiClient

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
    # bob's household brought grain: his record waits for a coordinator (mutual checks)
    v.waiting = contribution_submit(
        actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=3_000
    )
    v.bob_token, _secret = token_create(user=v.bob.user, name="bob's phone")
    v.charlie_token, _secret = token_create(user=h.charlie.user, name="charlie's phone")
    v.invited = invitation_create(actor=v.alice, community=v.community, household=v.sidorovs)
    v.invitation = v.invited.invitation
    v.hamlet_invitation = invitation_create(actor=h.charlie, community=h.community).invitation
    return build_aid_world(v, h)


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
    return next(set(e["hidden"]) for e in response.context["events"] if e["id"] == event.id)


def receivers_hidden_in_lists(response, w, role):
    """Movements lists: a plain member sees their own receipts, not another household's."""
    assert hidden_of(response, w.to_petrovs) == set()
    if role == "member":
        assert hidden_of(response, w.to_sidorovs) == {"receiver_household"}
        assert "Sidorovs" not in html(response)
    else:
        assert hidden_of(response, w.to_sidorovs) == set()
        assert "Sidorovs" in html(response)


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


# Mutual aid: needs, offers, promises, rounds and appeals


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


# ---------------------------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------------------------


def cell_id(route: Route, role: str) -> str:
    action = route.kwargs.get("action") if isinstance(route.kwargs, dict) else None
    variant = ", ".join(v for v in (action, route.variant) if v)
    return f"{route.name}{f'[{variant}]' if variant else ''}-{route.method}-{role}"


def cells(routes: list[Route]) -> list:
    return [
        pytest.param(route, role, id=cell_id(route, role)) for route in routes for role in ROLES
    ]


def client_for(w, route: Route, role: str):
    """A test client logged in as `role` (the API's with a token), or None for anonymous."""
    user = membership_of(w, role).user if role != "anonymous" else None
    if route.is_api:
        return ApiClient(user)
    client = Client()
    if user is not None:
        client.force_login(user)  # before the data: a reset link depends on the last log-in
    return client


def request(w, route: Route, role: str):
    """Make `route`'s request as `role`; the response, with its URL in `response.url_asked`."""
    client = client_for(w, route, role)
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
    response.url_asked = url
    return response


def run_cell(w, route: Route, role: str) -> None:
    """One cell: the exact status, where an anonymous visitor is sent, the API's error shape, and
    the row's own check."""
    response = request(w, route, role)
    url = response.url_asked
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


def permission_matrix(routes: list[Route]):
    """An app's matrix test: every row of `routes` × every role, each on a fresh world."""

    @pytest.mark.parametrize(("route", "role"), cells(routes))
    def test_permission_matrix(stocked_village, hamlet, settings, route: Route, role: str):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        run_cell(build_world(stocked_village, hamlet), route, role)

    return test_permission_matrix


def app_routes() -> dict[str, list]:
    """Each app's rows (ROUTES of tests/<app>/test_permission_matrix.py), by the app's folder."""
    found = {}
    for path in sorted(Path(__file__).parent.glob("*/test_permission_matrix.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.test_permission_matrix")
        found[path.parent.name] = module.ROUTES
    return found
