"""The committee's notes on a round are for coordinators and the committee, at every door.

A rejection note that named a household and its situation used to be read by every member
through the API's round detail and the round's audit payload, while the page hid it. The rule is
now one permission (round.view_notes) that the page, the API and the chain all follow: who
decided what stays public; the note is a private entry of its own.
"""

import json

import pytest
from django.urls import reverse

from pomochi.aid.rounds import round_decide, round_edit, round_open
from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from tests.api.conftest import ApiClient

MARKER = "PRIVATE-NOTE-Sidorovs-cannot-pay-the-doctor"


@pytest.fixture
def rejected(needy_village):
    v = needy_village
    v.round = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=30_000,
        needs=[v.need_petrovs, v.need_sidorovs],
        note=f"round note {MARKER}",
    )
    round_decide(actor=v.vera, round=v.round, approve=False, note=f"rejected: {MARKER}")
    return v


def everything_readable_by(v, who) -> str:
    membership = getattr(v, who)
    api = ApiClient(membership.user)
    texts = []
    for path in (
        f"/communities/village/rounds/{v.round.id}",
        "/communities/village/rounds",
        "/communities/village/audit/entries?per_page=1000",
    ):
        response = api.get(path)
        assert response.status_code == 200, path
        texts.append(response.content.decode())
    from django.test import Client

    client = Client()
    client.force_login(membership.user)
    for url in (reverse("round", args=["village", v.round.id]), reverse("audit", args=["village"])):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    return "\n".join(texts)


@pytest.mark.parametrize(("who", "sees"), [("bob", False), ("alice", True), ("vera", True)])
def test_decision_and_round_notes_reach_only_coordinators_and_the_committee(rejected, who, sees):
    assert (MARKER in everything_readable_by(rejected, who)) is sees


def test_who_decided_stays_public_in_the_chain_and_the_note_is_a_private_entry(rejected):
    v = rejected
    entries = AuditEntry.objects.filter(community=v.community, object_id=v.round.id)
    decision = entries.get(verb="round.reject")
    note = entries.get(verb="round.decision_note")
    assert not decision.private and MARKER not in decision.payload
    assert json.loads(decision.payload)["actor"] == v.vera.id
    assert note.private and MARKER in note.payload
    assert verify_community(v.community.id).ok


def test_a_decision_without_a_note_writes_no_note_entry(rejected):
    v = rejected
    round_edit(actor=v.alice, round=v.round, quantity=20_000)
    round_decide(actor=v.olga, round=v.round, approve=True)
    notes = AuditEntry.objects.filter(community=v.community, verb="round.decision_note")
    assert notes.count() == 1


def test_the_shares_digest_is_not_in_a_payload_every_member_reads(rejected):
    """A digest of need ids, household ids and amounts can be recovered by trying them all: it
    is in a private entry, for coordinators and the committee, who see the shares anyway."""
    from pomochi.audit.selectors import audit_chain_for

    v = rejected
    opened = AuditEntry.objects.get(verb="round.open", object_id=v.round.id)
    assert "shares_digest" not in opened.payload and '"households":2' in opened.payload
    shares = AuditEntry.objects.get(verb="round.shares", object_id=v.round.id)
    assert shares.private and "shares_digest" in shares.payload
    for who, reads in (("bob", False), ("alice", True), ("vera", True)):
        _, links = audit_chain_for(actor=getattr(v, who), community=v.community, per_page=1000)
        [link] = [link for link in links if link.seq == shares.seq]
        assert (link.payload is not None) is reads, who
