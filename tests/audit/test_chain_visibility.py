import json

import pytest

from pomochi.audit.selectors import audit_chain_for, chain_links_verify
from pomochi.errors import NotAllowed
from pomochi.ledger.services import event_distribute


def visible(links):
    return {link.seq: json.loads(link.payload) for link in links if link.payload is not None}


@pytest.fixture
def aided_village(stocked_village):
    v = stocked_village
    v.to_sidorovs = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=5_000
    )
    v.to_petrovs = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=5_000
    )
    return v


def payload_about(links, event):
    for payload in visible(links).values():
        if payload["object"] == ["event", event.id]:
            return payload
    return None


def test_a_member_sees_every_digest_and_verifies_the_chain(aided_village):
    v = aided_village
    _, links = audit_chain_for(actor=v.bob, community=v.community, per_page=1000)
    assert [link.seq for link in links] == list(range(1, len(links) + 1))
    assert chain_links_verify(links) is None


def test_a_member_reads_what_is_about_their_household_not_who_else_got_aid(aided_village):
    v = aided_village
    _, links = audit_chain_for(actor=v.bob, community=v.community, per_page=1000)
    assert payload_about(links, v.to_petrovs)["data"]["quantity"] == 5_000
    assert payload_about(links, v.to_sidorovs) is None
    # the Sidorovs' vulnerability flags are not readable by bob either
    household_entries = [p for p in visible(links).values() if p["verb"] == "household.create"]
    assert {p["data"]["name"] for p in household_entries} == {"Petrovs"}


def test_the_committee_reads_every_payload(aided_village):
    v = aided_village
    _, links = audit_chain_for(actor=v.vera, community=v.community, per_page=1000)
    assert all(link.payload is not None for link in links)
    assert payload_about(links, v.to_sidorovs)["household"] == v.sidorovs.id


def test_a_tampered_digest_is_caught_from_digests_alone(aided_village):
    v = aided_village
    _, links = audit_chain_for(actor=v.bob, community=v.community, per_page=1000)
    bad = links[4]
    links[4] = type(bad)(**{**bad.__dict__, "payload_digest": "f" * 64})
    assert chain_links_verify(links) == bad.seq


def test_outsiders_cannot_read_the_chain(aided_village, hamlet):
    with pytest.raises(NotAllowed):
        audit_chain_for(actor=hamlet.charlie, community=aided_village.community)
