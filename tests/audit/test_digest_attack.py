"""The attack the salt stops: a plain member guessing hidden payloads from their public digests.

Bob, a plain member, reads everything his role lets him read through the API (the chain's
digests, the events with their hidden ends, the households, the resources and pools) and then
tries every household and every membership as the unknowns of each hidden entry. Against entries
written in format version 1 (unsalted, as the chain was before) the search finds who received
each distribution and the vulnerability flags of every household, so this test can fail; against
version 2 entries it finds nothing, and no salt of a hidden entry appears in anything he can read.
"""

import json
from datetime import datetime, timedelta

import pytest

from pomochi.audit import services as audit_services
from pomochi.audit.chain import digest, entry_payload, iso
from pomochi.audit.verify import verify_community
from pomochi.communities.services import household_create
from pomochi.ledger.services import event_contribute, event_distribute, event_transfer
from tests.api.conftest import ApiClient
from tests.conftest import build_village


@pytest.fixture
def api_as():
    return ApiClient


def unsalted(monkeypatch):
    """Write entries as pomochi wrote them before the salt: format version 1."""
    monkeypatch.setattr(audit_services, "CURRENT_VERSION", 1)
    monkeypatch.setattr(audit_services, "new_salt", lambda: "")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Attacker:
    """What a plain member can read, and a search over the small unknowns of hidden entries."""

    def __init__(self, api, slug: str):
        self.api, self.slug = api, slug

    def read(self, path: str, **params):
        response = self.api.get(f"/communities/{self.slug}{path}", **params)
        assert response.status_code == 200, (path, response.content[:200])
        self.seen.append(response.content.decode())
        return response.json()

    def gather(self):
        self.seen: list[str] = []
        self.entries = self.read("/audit/entries", per_page=1000)["items"]
        self.events = {e["id"]: e for e in self.read("/events", per_page=200)["items"]}
        self.households = {h["id"]: h for h in self.read("/households")}
        self.read("/resources")
        self.read("/pools")
        # Membership ids are dense: those seen in readable events and payloads, and a few
        # either side, cover a village's members.
        seen = {e["recorded_by"] for e in self.events.values() if e["recorded_by"]}
        seen |= {json.loads(e["payload"])["actor"] for e in self.entries if e["payload"]}
        seen.discard(None)
        self.memberships = list(range(max(1, min(seen) - 4), max(seen) + 5))

    def hidden(self, verb: str):
        return [e for e in self.entries if e["verb"] == verb and e["payload"] is None]

    def receiver_of(self, entry) -> int | None:
        """The receiving household of a hidden movement, if its digest gives it away."""
        object_id = next(i for i, ev in self.events.items() if self._is_entry_of(ev, entry))
        event = self.events[object_id]
        for household, recorder, at in self._tries(self.households, entry):
            data = {
                "action": event["action"],
                "resource": event["resource"],
                "quantity": event["quantity"],
                "provider_household": event["provider_household"],
                "provider_pool": event["provider_pool"],
                "receiver_household": household,
                "receiver_pool": event["receiver_pool"],
                "occurred_at": iso(at),
                "recorded_at": iso(at),
                "recorded_by": recorder,
                "cause": [event["cause_type"], event["cause_id"]],
                "reverses": event["reverses"],
                "note": "",
            }
            if self._matches(entry, "event", object_id, recorder, household, at, data):
                return household
        return None

    def flags_of(self, entry, households: list[int]) -> dict | None:
        """A household's vulnerability flags, from its hidden creation entry (name and size
        are public)."""
        for household, actor, at in self._tries(households, entry):
            known = self.households[household]
            for flags in range(8):
                data = {
                    "name": known["name"],
                    "size": known["size"],
                    "children": bool(flags & 1),
                    "elderly": bool(flags & 2),
                    "ill_or_disabled": bool(flags & 4),
                }
                if self._matches(entry, "household", household, actor, household, at, data):
                    return data
        return None

    def _tries(self, households, entry):
        """Every (household, actor, moment): the API gives moments to the millisecond, so each
        microsecond of it is tried."""
        shown = moment(entry["at"])
        for household in households:
            for actor in self.memberships:
                for micro in range(1000):
                    yield household, actor, shown + timedelta(microseconds=micro)

    def _is_entry_of(self, event, entry) -> bool:
        return event["recorded_at"] == entry["at"]

    def _matches(self, entry, object_type, object_id, actor, household, at, data) -> bool:
        payload = entry_payload(
            verb=entry["verb"],
            object_type=object_type,
            object_id=object_id,
            actor_id=actor,
            household_id=household,
            at=at,
            data=data,
        )
        return digest(payload) == entry["payload_digest"]


@pytest.fixture
def aid_given(stocked_village):
    """Aid handed out to the Sidorovs (a distribution) and a gift to the Orlovs."""
    v = stocked_village
    v.to_sidorovs = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=5_000
    )
    v.gift = event_transfer(
        actor=v.alice,
        from_household=v.ivanovs,
        to_household=v.orlovs,
        resource=v.potatoes,
        quantity=30,
    )
    return v


def household_fields(household) -> dict:
    return {
        "name": household.name,
        "size": household.size,
        "children": household.has_children,
        "elderly": household.has_elderly,
        "ill_or_disabled": household.has_ill_or_disabled,
    }


def test_the_search_finds_who_received_aid_in_unsalted_entries(db, api_as, monkeypatch):
    unsalted(monkeypatch)  # a community whose chain began before the salt
    v = build_village()
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=9_000
    )
    given = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=5_000
    )
    hidden_household = household_create(
        actor=v.olga, community=v.community, name="Kotovs", size=5, has_children=True
    )
    monkeypatch.undo()
    later = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=1_000
    )
    attacker = Attacker(api_as(v.bob.user), v.community.slug)
    attacker.gather()
    [old, new] = attacker.hidden("event.distribute")
    assert (old["version"], new["version"]) == (1, 2)
    assert attacker.receiver_of(old) == given.receiver_household_id == v.sidorovs.id
    assert attacker.receiver_of(new) is None
    assert later.receiver_household_id == v.sidorovs.id
    [created] = [e for e in attacker.hidden("household.create") if e["seq"] == old["seq"] + 1]
    assert attacker.flags_of(created, [hidden_household.id]) == household_fields(hidden_household)
    # The unsalted entries still verify, with the salted ones after them.
    assert verify_community(v.community.id).ok


def test_the_search_finds_nothing_in_salted_entries(aid_given, api_as):
    v = aid_given
    attacker = Attacker(api_as(v.bob.user), v.community.slug)
    attacker.gather()
    hidden_moves = attacker.hidden("event.distribute") + attacker.hidden("event.transfer")
    assert len(hidden_moves) == 2
    assert {e["version"] for e in attacker.entries} == {2}
    assert [attacker.receiver_of(e) for e in hidden_moves] == [None, None]
    created = attacker.hidden("household.create")
    assert len(created) == 3  # every household but bob's own
    # Even told which household each entry creates, the search finds no flags.
    truth = [v.orlovs.id, v.ivanovs.id, v.sidorovs.id]
    assert [attacker.flags_of(e, [h]) for e, h in zip(created, truth, strict=True)] == [None] * 3


def test_no_salt_of_a_hidden_entry_reaches_a_plain_member(aid_given, api_as, client):
    from pomochi.audit.models import AuditEntry

    v = aid_given
    attacker = Attacker(api_as(v.bob.user), v.community.slug)
    attacker.gather()
    client.force_login(v.bob.user)
    for page in ("", "audit/", "audit/?page=2", f"households/{v.petrovs.id}/"):
        response = client.get(f"/c/{v.community.slug}/{page}")
        assert response.status_code == 200, page
        attacker.seen.append(response.content.decode())
    readable = "\n".join(attacker.seen)
    hidden_seqs = {e["seq"] for e in attacker.entries if e["payload"] is None}
    assert hidden_seqs
    for entry in AuditEntry.objects.filter(community=v.community):
        assert len(entry.salt) == 32
        assert (entry.salt in readable) == (entry.seq not in hidden_seqs), entry.seq
    # …while the salt of what he may read lets him check it himself.
    own = next(e for e in attacker.entries if e["payload"] and "Petrovs" in e["payload"])
    assert digest(own["salt"] + own["payload"]) == own["payload_digest"]
    assert json.loads(own["payload"])["verb"] == "household.create"
