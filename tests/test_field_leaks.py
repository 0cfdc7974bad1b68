"""Private fields reach only those who may read them: the matrix's leak check, field by field.

The world of the permission matrix (tests/matrix.py) gets a distinct marker string in every private
field; then, for each role, everything that role can fetch is searched for every marker: every GET
page and API endpoint of every app's matrix rows (whatever the status: a refusal must not carry the
field either), the detail pages and endpoints of the marked objects, every page of the audit chain
and every audit entry of the API (payloads included), and the exports (`pomochi export --as USER`;
the default export, the public view, stands for anonymous). A marker found where `PRIVATE` does not
name the role as a reader is a leak. The vulnerability flags are booleans, not strings: they are
looked for as flag fields with a value in any JSON object (API bodies, audit payloads, the JSON-LD
export) or CSV row that names the Sidorovs.
"""

import csv
import html
import json
import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from pomochi.aid.rounds import appeal_decide, appeal_file, round_decide, round_execute, round_open
from pomochi.aid.services import commitment_decline, commitment_fail, commitment_make, need_post
from pomochi.communities.invitations import invitation_create
from pomochi.ledger.services import event_distribute
from pomochi.ledger.waiting import contribution_decline, contribution_submit
from tests.matrix import ROLES, VILLAGE, Route, app_routes, build_world, membership_of, pk, request

COORDINATION = ("coordinator", "committee")
WITH_BOB = ("member", "coordinator", "committee")  # bob's household is the Petrovs


@dataclass(frozen=True)
class Private:
    """A private field, the marker written into it in the world, and the roles that may read it."""

    field: str
    marker: str
    readers: tuple[str, ...]
    why: str


# Who may read what (DESIGN, "Transparent, not exposed": what a household needs is seen only by
# that household, coordinators and the committee). Nobody of the Sidorovs is online, so their
# fields have no reader among the roles but coordinators and the committee; the Orlovs are olga's
# (no role here).
PRIVATE = (
    Private("need.note", "priv-need-note-7f3a", COORDINATION, "the Sidorovs' need"),
    Private("need.note (own)", "priv-own-need-note-1c2e", WITH_BOB, "the Petrovs' need"),
    Private("round.note", "priv-round-note-5b9d", COORDINATION, "names households"),
    Private("decision.note", "priv-decision-note-8e41", COORDINATION, "an approval's reasons"),
    Private("decision.note (reject)", "priv-reject-note-2d7c", COORDINATION, "a rejection's"),
    Private("appeal.reason", "priv-appeal-reason-6a0f", COORDINATION, "the Orlovs' appeal"),
    Private("appeal.reason (own)", "priv-own-appeal-reason-9f13", WITH_BOB, "the Petrovs' appeal"),
    Private("appeal.decision_note", "priv-appeal-decision-4c88", COORDINATION, "to the Orlovs"),
    Private("commitment.fate_note", "priv-fate-note-3e5a", COORDINATION, "to the Sidorovs"),
    Private("commitment.fate_note (own)", "priv-own-fate-note-7b21", WITH_BOB, "to the Petrovs"),
    Private("commitment.decline reason", "priv-decline-reason-0d6e", WITH_BOB, "Petrovs→Sidorovs"),
    Private("event.note", "priv-distribution-note-5f70", COORDINATION, "aid to the Sidorovs"),
    Private("event.note (own)", "priv-own-distribution-note-a4b9", WITH_BOB, "aid to the Petrovs"),
    Private("waiting.note (own)", "priv-own-waiting-note-61d2", WITH_BOB, "the Petrovs' record"),
    Private("waiting.reason (own)", "priv-own-waiting-why-c37e", WITH_BOB, "declined to them"),
    Private("invitation.email", "priv-invite-7f3a@example.org", COORDINATION, "whom one invites"),
)
MARKER = {p.field: p.marker for p in PRIVATE}
# The Sidorovs' vulnerability flags (has_ill_or_disabled is true): their household, coordinators
# and the committee.
FLAGS_READERS = COORDINATION

# Readers to whom a field is shown nowhere, and why (the check asserts every other reader finds
# every field somewhere, so that it looks where the fields are).
NOT_SHOWN = {
    ("invitation.email", "committee"): "invitations are the coordinators' page; the chain records "
    "only whether one was sent by e-mail, not the address",
}


def build_marked_world(v, h):
    """The matrix's world, and in it one object per private field with its marker."""
    w = build_world(v, h)
    due = timezone.localdate() + timedelta(days=3)

    def need(actor, household, note=""):
        return need_post(
            actor=actor,
            community=w.community,
            household=household,
            resource=w.grain,
            quantity=1_000,
            note=note,
        )

    w.marked_need = need(w.alice, w.sidorovs, MARKER["need.note"])
    w.marked_own_need = need(w.bob, w.petrovs, MARKER["need.note (own)"])
    w.marked_round = round_open(
        actor=w.alice,
        pool=w.granary,
        resource=w.grain,
        quantity=2_000,
        needs=[w.marked_need, need(w.olga, w.orlovs)],
        note=MARKER["round.note"],
    )
    round_decide(actor=w.vera, round=w.marked_round, approve=True, note=MARKER["decision.note"])
    round_decide(actor=w.olga, round=w.marked_round, approve=True)
    w.marked_round = round_execute(actor=w.alice, round=w.marked_round)
    w.marked_appeal = appeal_file(
        actor=w.olga,
        share=w.marked_round.shares.get(household=w.orlovs),
        reason=MARKER["appeal.reason"],
    )
    appeal_decide(
        actor=w.vera, appeal=w.marked_appeal, upheld=False, note=MARKER["appeal.decision_note"]
    )
    appeal_file(actor=w.bob, share=w.share_petrovs, reason=MARKER["appeal.reason (own)"])
    # The draft round among the Sidorovs and the Orlovs, rejected by vera with her reasons.
    round_decide(actor=w.vera, round=w.round, approve=False, note=MARKER["decision.note (reject)"])
    w.marked_promise = commitment_make(
        actor=w.alice,
        community=w.community,
        receiver=w.sidorovs,
        giver_pool=w.granary,
        resource=w.grain,
        quantity=500,
        due_on=due,
    )
    commitment_fail(
        actor=w.alice,
        commitment=w.marked_promise,
        excused=True,
        reason=MARKER["commitment.fate_note"],
    )
    commitment_fail(
        actor=w.alice,
        commitment=w.promise_petrovs,
        excused=False,
        reason=MARKER["commitment.fate_note (own)"],
    )
    commitment_decline(
        actor=w.bob, commitment=w.promise_proposed, reason=MARKER["commitment.decline reason"]
    )
    w.marked_event, w.marked_own_event = (
        event_distribute(
            actor=w.alice,
            pool=w.granary,
            household=household,
            resource=w.grain,
            quantity=500,
            note=MARKER[field],
        )
        for household, field in ((w.sidorovs, "event.note"), (w.petrovs, "event.note (own)"))
    )
    # bob's household's records waiting for confirmation: one with a note, one declined.
    w.marked_waiting = contribution_submit(
        actor=w.bob,
        household=w.petrovs,
        pool=w.granary,
        resource=w.grain,
        quantity=700,
        note=MARKER["waiting.note (own)"],
    )
    contribution_decline(
        actor=w.alice,
        record=contribution_submit(
            actor=w.bob, household=w.petrovs, pool=w.granary, resource=w.grain, quantity=800
        ),
        reason=MARKER["waiting.reason (own)"],
    )
    w.marked_invitation = invitation_create(
        actor=w.alice, community=w.community, email=MARKER["invitation.email"]
    )
    return w


@pytest.fixture
def marked_world(stocked_village, hamlet, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_marked_world(stocked_village, hamlet)


# ---------------------------------------------------------------------------------------------
# Where a role looks
# ---------------------------------------------------------------------------------------------


def get(name: str, variant: str, data=None, in_community=True, **kwargs) -> Route:
    """A GET of a marked object; the status does not matter here, only what the body holds."""
    kwargs = (VILLAGE if in_community else {}) | kwargs
    return Route(name, {}, kwargs=kwargs, data=data, variant=variant)


MARKED_OBJECTS = [
    get("need", "marked", need_id=pk("marked_need")),
    get("need", "marked, own", need_id=pk("marked_own_need")),
    get("api-v1:get_need", "marked", need_id=pk("marked_need")),
    get("api-v1:get_need", "marked, own", need_id=pk("marked_own_need")),
    get("round", "marked", round_id=pk("marked_round")),
    get("round", "the rejected draft", round_id=pk("round")),
    get("round", "with bob's appeal", round_id=pk("round_done")),
    get("api-v1:get_round", "marked", round_id=pk("marked_round")),
    get("api-v1:get_round", "the rejected draft", round_id=pk("round")),
    get("api-v1:get_round", "with bob's appeal", round_id=pk("round_done")),
    get("promise", "failed", commitment_id=pk("marked_promise")),
    get("promise", "failed, own", commitment_id=pk("promise_petrovs")),
    get("promise", "declined", commitment_id=pk("promise_proposed")),
    get("event", "marked", event_id=pk("marked_event")),
    get("event", "marked, own", event_id=pk("marked_own_event")),
    get("api-v1:get_event", "marked", event_id=pk("marked_event")),
    get("api-v1:get_event", "marked, own", event_id=pk("marked_own_event")),
    get("api-v1:list_needs", "closed too", data={"include_closed": "true"}),
    get("api-v1:list_offers", "closed too", data={"include_closed": "true"}),
    get("api-v1:list_entries", "all at once", data={"per_page": 1000}),
    get("invite", "by e-mail", in_community=False, code=lambda w, role: w.marked_invitation.code),
]


def looked_at(w, role: str) -> list[tuple[str, str]]:
    """(where, what) for everything `role` can fetch: bodies of pages and API responses, audit
    pages, exports."""
    found = []
    rows = [r for routes in app_routes().values() for r in routes if r.method == "GET"]
    for route in rows + MARKED_OBJECTS:
        response = request(w, route, role)
        found.append((f"GET {response.url_asked} ({response.status_code})", response.content))
        if route.name == "audit" and response.status_code == 200:
            for number in response.context["page"].paginator.page_range[1:]:
                more = request(w, get("audit", "a later page", data={"page": number}), role)
                found.append(
                    (f"GET {more.url_asked}?page={number} ({more.status_code})", more.content)
                )
    found.extend(exported(w, role))
    return [(where, body.decode() if isinstance(body, bytes) else body) for where, body in found]


def exported(w, role: str) -> list[tuple[str, str]]:
    """The CSV files and the JSON-LD document `pomochi export` writes for this role."""
    if role == "outsider":
        with pytest.raises(CommandError, match="is not a member"):
            call_command("export", community="village", format="json", viewer="charlie")
        return []
    viewer = {} if role == "anonymous" else {"viewer": membership_of(w, role).user.username}
    out = StringIO()
    call_command("export", community="village", format="json", stdout=out, **viewer)
    files = [(f"export --format json {viewer}", out.getvalue())]
    with tempfile.TemporaryDirectory() as folder:
        call_command(
            "export", community="village", format="csv", out=folder, stdout=StringIO(), **viewer
        )
        for path in sorted(Path(folder).iterdir()):
            files.append(
                (f"export --format csv {viewer}: {path.name}", path.read_text("utf-8-sig"))
            )
    return files


# ---------------------------------------------------------------------------------------------
# The flags, which are booleans
# ---------------------------------------------------------------------------------------------


def _is_flag(key: str) -> bool:
    """has_ill_or_disabled (API), ill_or_disabled (audit payloads), pomochi:hasIllOrDisabled…"""
    name = key.lower().replace("_", "").removeprefix("pomochi:").removeprefix("has")
    return name in ("children", "elderly", "illordisabled")


def _flags_of_sidorovs(value, sidorovs_id: int) -> bool:
    """Whether a JSON value holds an object naming the Sidorovs with a flag that has a value."""
    if isinstance(value, list):
        return any(_flags_of_sidorovs(v, sidorovs_id) for v in value)
    if isinstance(value, str) and value.startswith("{"):  # an audit payload: JSON inside JSON
        try:
            return _flags_of_sidorovs(json.loads(value), sidorovs_id)
        except ValueError:
            return False
    if not isinstance(value, dict):
        return False
    names_them = "Sidorovs" in value.values() or value.get("id") == sidorovs_id
    if names_them and any(_is_flag(k) and v not in (None, "") for k, v in value.items()):
        return True
    return any(_flags_of_sidorovs(v, sidorovs_id) for v in value.values())


# A payload as the audit page prints it: canonical JSON, one flat object.
PAYLOAD_OF_SIDOROVS = re.compile(r'\{[^{}]*"name":\s*"Sidorovs"[^{}]*\}')


def shows_sidorovs_flags(where: str, body: str, sidorovs_id: int) -> bool:
    if where.startswith("GET /c/"):
        payloads = PAYLOAD_OF_SIDOROVS.findall(html.unescape(body))
        return any('"ill_or_disabled"' in payload for payload in payloads)
    if where.startswith("export --format csv") and where.endswith("households.csv"):
        rows = csv.DictReader(StringIO(body))
        return any(r["name"] == "Sidorovs" and r["ill_or_disabled"] for r in rows)
    if "/api/v1/" in where or where.startswith("export --format json"):
        try:
            data = json.loads(body)
        except ValueError:
            return False
        return _flags_of_sidorovs(data, sidorovs_id)
    return False


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


def seen_by(w, role: str) -> dict[str, list[str]]:
    """Field → the places where `role` saw it."""
    seen: dict[str, list[str]] = {}
    for where, body in looked_at(w, role):
        for private in PRIVATE:
            if private.marker in body:
                seen.setdefault(private.field, []).append(where)
        if shows_sidorovs_flags(where, body, w.sidorovs.id):
            seen.setdefault("household flags", []).append(where)
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_no_private_field_reaches_a_role_that_may_not_read_it(marked_world, role):
    seen = seen_by(marked_world, role)
    readers = {p.field: p.readers for p in PRIVATE} | {"household flags": FLAGS_READERS}
    leaks = {
        f"{field}, readable by {', '.join(readers[field])} only": places
        for field, places in seen.items()
        if role not in readers[field]
    }
    assert not leaks, f"{role} reads what is not theirs: {json.dumps(leaks, indent=1)}"
    # And the check looks where the fields are: every reader among the roles finds each one.
    shown = {f for f, r in readers.items() if role in r and (f, role) not in NOT_SHOWN}
    unseen = sorted(shown - set(seen))
    assert not unseen, f"{role} may read these fields but found them nowhere: {unseen}"
