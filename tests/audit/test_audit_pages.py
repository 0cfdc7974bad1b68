"""The audit page a member can use: newest first, filtered, in sentences; checking a noted head."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.ledger.services import event_contribute, event_distribute


@pytest.fixture
def moved(village):
    v = village
    event_contribute(
        actor=v.alice, pool=v.granary, household=v.ivanovs, resource=v.grain, quantity=57_500
    )
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=2_000
    )
    return v


def audit_page(client, who, **query):
    client.force_login(who.user)
    return client.get("/c/village/audit/", query)


def test_it_opens_at_the_newest_entry(client, moved):
    rows = audit_page(client, moved.alice).context["rows"]
    seqs = [link.seq for link, _ in rows]
    assert seqs == sorted(seqs, reverse=True)
    assert seqs[0] == AuditHead.objects.get(community=moved.community).seq


def test_it_writes_entries_as_sentences_with_amounts_in_their_units(client, moved):
    sentences = [s for _, s in audit_page(client, moved.vera).context["rows"]]  # the committee
    assert sentences[0] == (
        "alice: recorded a distribution of 2 kg of grain from Granary to Sidorovs"
    )
    assert (
        sentences[1] == "alice: recorded a contribution of 57.5 kg of grain by Ivanovs into Granary"
    )


def test_a_member_reads_only_the_kind_of_an_entry_about_another_household(client, moved):
    response = audit_page(client, moved.bob)
    sentences = [s for _, s in response.context["rows"]]
    assert sentences[:2] == ["A distribution was recorded", "A contribution was recorded"]
    assert "Sidorovs" not in response.content.decode()
    # the Ivanovs' own member reads their contribution, not the Sidorovs' receipt
    sentences = [s for _, s in audit_page(client, moved.alice).context["rows"]]
    assert sentences[0] == "A distribution was recorded"
    assert sentences[1].endswith(
        "recorded a contribution of 57.5 kg of grain by Ivanovs into Granary"
    )


def test_it_filters_by_kind_of_entry(client, moved):
    rows = audit_page(client, moved.bob, kind="stock").context["rows"]
    verbs = {link.verb for link, _ in rows}
    assert verbs and all(v.startswith(("event.", "pool.")) for v in verbs)
    people = {link.verb for link, _ in audit_page(client, moved.bob, kind="people").context["rows"]}
    assert people and all(
        v.startswith(("household.", "membership.", "invitation.")) for v in people
    )


def test_it_filters_by_date(client, moved):
    everything = AuditEntry.objects.filter(community=moved.community).count()
    today = timezone.localdate(timezone=moved.community.zone)  # the page's days are its days
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)

    def shown(**dates) -> int:
        return audit_page(client, moved.bob, **dates).context["page"].paginator.count

    assert shown(since=today.isoformat(), until=today.isoformat()) == everything
    assert shown(until=yesterday.isoformat()) == 0
    empty = audit_page(client, moved.bob, since=tomorrow.isoformat())
    assert empty.context["rows"] == []
    assert "No entries match." in empty.content.decode()


def test_it_refuses_a_date_range_backwards_and_shows_everything(client, moved):
    response = audit_page(client, moved.bob, since="2026-12-05", until="2026-12-01")
    assert "must not be after" in response.content.decode()
    assert (
        response.context["page"].paginator.count
        == AuditEntry.objects.filter(community=moved.community).count()
    )


def check(client, who, head):
    client.force_login(who.user)
    return client.get("/c/village/audit/check/", {"head": head})


def test_a_member_finds_a_head_they_noted(client, moved):
    noted = AuditEntry.objects.get(community=moved.community, verb="event.contribute")
    response = check(client, moved.bob, f"  {noted.hash[:32].upper()}\n{noted.hash[32:]} ")
    result = response.context["result"]
    assert (result.seq, result.links_hold) == (noted.seq, True)
    assert f"this head is entry {noted.seq} of" in response.content.decode()


def test_a_head_not_in_the_chain_is_said_to_be_not_found(client, moved):
    response = check(client, moved.bob, "ab" * 32)
    assert response.context["result"].seq is None
    page = response.content.decode()
    assert "Not found: this head is not in the chain." in page
    assert "Every link of the chain holds" in page  # the chain itself is fine


def test_a_mistyped_head_is_explained_not_searched(client, moved):
    response = check(client, moved.bob, "ab" * 31)
    assert response.context["result"] is None
    assert "a head is 64 characters" in response.content.decode()


def test_a_rewritten_record_is_told_where_the_links_break(client, moved):
    from tests.audit.test_tampering import tamper

    entries = AuditEntry.objects.filter(community=moved.community)
    noted = entries.get(verb="event.distribute")
    changed = entries.get(verb="event.contribute")
    tamper(
        "audit_auditentry",
        "UPDATE audit_auditentry SET payload_digest = %s WHERE id = %s",
        ["0" * 64, changed.id],
    )
    response = check(client, moved.bob, noted.hash)
    result = response.context["result"]
    assert (result.seq, result.links_hold, result.broken_at) == (noted.seq, False, changed.seq)
    assert f"The chain is broken at entry {changed.seq}." in response.content.decode()


def test_a_page_reads_only_the_rows_its_sentences_name(client, moved):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pomochi.communities.models import Household

    Household.objects.bulk_create(  # a town's households, none named on the first page
        Household(community=moved.community, name=f"Household {n}") for n in range(300)
    )
    client.force_login(moved.vera.user)
    with CaptureQueriesContext(connection) as seen:
        response = client.get("/c/village/audit/")
    sentences = [s for _, s in response.context["rows"]]
    assert "to Sidorovs" in sentences[0]
    households = [q["sql"] for q in seen if 'FROM "communities_household"' in q["sql"]]
    assert len(households) == 1, households  # one query for every household the page names,
    assert " IN (" in households[0]  # by id, not the whole table
