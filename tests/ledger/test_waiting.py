"""Mutual checks: a plain member's contribution waits for a coordinator to confirm it arrived
(ledger.waiting, the bylaws' members_contributions_wait, on by default)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.inputs import contribution_record
from pomochi.ledger.models import Event, Holding, PendingContribution, WaitingState
from pomochi.ledger.services import IdempotencyConflict
from pomochi.ledger.waiting import contribution_confirm, contribution_decline, contribution_submit
from pomochi.notify.models import Notification
from tests.api.conftest import ApiClient
from tests.conftest import bylaws_with


def stock(v) -> int:
    holding = Holding.objects.filter(pool=v.granary, resource=v.grain).first()
    return holding.quantity if holding else 0


def brought(v, quantity=3_000, **more) -> PendingContribution:
    return contribution_submit(
        actor=v.bob,
        household=v.petrovs,
        pool=v.granary,
        resource=v.grain,
        quantity=quantity,
        **more,
    )


def values(v, household=None, quantity=Decimal("3")):
    return {
        "household": household or v.petrovs,
        "pool": v.granary,
        "resource": v.grain,
        "quantity": int(quantity * 1000),
        "note": "two sacks",
        "occurred_at": None,
    }


def test_a_plain_members_contribution_waits_and_is_not_in_the_ledger(village):
    v = village
    record = contribution_record(actor=v.bob, values=values(v), idempotency_key=None)
    assert isinstance(record, PendingContribution)
    assert (record.state, record.quantity, record.note) == (
        WaitingState.WAITING,
        3_000,
        "two sacks",
    )
    assert not Event.objects.filter(community=v.community).exists()
    assert stock(v) == 0
    entry = AuditEntry.objects.filter(community=v.community).latest("seq")
    assert (entry.verb, entry.object_id, entry.household_id) == (
        "contribution.submit",
        record.id,
        v.petrovs.id,
    )


def test_a_coordinators_contribution_never_waits(village):
    v = village
    event = contribution_record(
        actor=v.alice, values=values(v, household=v.sidorovs), idempotency_key=None
    )
    assert isinstance(event, Event) and event.action == "contribute"
    assert stock(v) == 3_000
    assert not PendingContribution.objects.exists()


def test_where_the_bylaws_trust_members_their_contribution_is_recorded_at_once(village):
    v = village
    bylaws_with(v, members_contributions_wait=False)
    event = contribution_record(actor=v.bob, values=values(v), idempotency_key=None)
    assert isinstance(event, Event) and stock(v) == 3_000
    assert not PendingContribution.objects.exists()


def test_confirming_records_the_contribution_with_the_record_as_its_cause(village):
    v = village
    record = brought(v, note="by the back door")
    event = contribution_confirm(actor=v.alice, record=record)
    record.refresh_from_db()
    assert (record.state, record.event_id, record.decided_by_id) == (
        WaitingState.CONFIRMED,
        event.id,
        v.alice.id,
    )
    assert (event.provider_household_id, event.receiver_pool_id, event.quantity) == (
        v.petrovs.id,
        v.granary.id,
        3_000,
    )
    assert (event.cause_type, event.cause_id, event.note) == (
        "pendingcontribution",
        record.id,
        "by the back door",
    )
    assert event.recorded_by_id == v.alice.id and stock(v) == 3_000
    told = Notification.objects.get(recipient=v.bob, kind="contribution.confirmed")
    assert told.params["resource"] == "grain" and told.params["pool"] == "Granary"
    assert verify_community(v.community.id).ok


def test_a_record_is_decided_once(village):
    v = village
    record = brought(v)
    contribution_confirm(actor=v.alice, record=record)
    with pytest.raises(Conflict, match="already confirmed"):
        contribution_confirm(actor=v.olga, record=PendingContribution.objects.get(pk=record.pk))
    with pytest.raises(Conflict, match="already confirmed"):
        contribution_decline(actor=v.olga, record=record, reason="no")
    assert Event.objects.filter(cause_type="pendingcontribution").count() == 1
    assert stock(v) == 3_000


def test_declining_needs_a_reason_and_tells_the_member_why(village):
    v = village
    record = brought(v)
    entries = AuditEntry.objects.count()
    for reason in ("", "   "):
        with pytest.raises(InvalidInput) as refused:
            contribution_decline(actor=v.alice, record=record, reason=reason)
        assert refused.value.field == "reason"
    assert AuditEntry.objects.count() == entries
    record.refresh_from_db()
    assert record.state == WaitingState.WAITING
    contribution_decline(actor=v.alice, record=record, reason="only one sack came")
    record.refresh_from_db()
    assert (record.state, record.decline_reason) == (WaitingState.DECLINED, "only one sack came")
    told = Notification.objects.get(recipient=v.bob, kind="contribution.declined")
    assert told.params["reason"] == "only one sack came"
    assert not Event.objects.filter(community=v.community).exists() and stock(v) == 0
    with pytest.raises(Conflict, match="already declined"):
        contribution_confirm(actor=v.alice, record=record)


def test_only_coordinators_decide_and_only_the_household_submits(village):
    v = village
    record = brought(v)
    for who in (v.bob, v.vera):
        with pytest.raises(NotAllowed):
            contribution_confirm(actor=who, record=record)
        with pytest.raises(NotAllowed):
            contribution_decline(actor=who, record=record, reason="no")
    with pytest.raises(NotAllowed):  # never in another household's name
        contribution_submit(
            actor=v.bob, household=v.sidorovs, pool=v.granary, resource=v.grain, quantity=1
        )
    assert PendingContribution.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"note": "sack\x00"}, "note"),
        ({"occurred_at": datetime(2999, 1, 1, tzinfo=UTC)}, "occurred_at"),
        ({"occurred_at": datetime(2026, 1, 1)}, "occurred_at"),  # no time zone
    ],
)
def test_a_submission_the_ledger_would_refuse_is_refused_and_writes_nothing(village, change, field):
    v = village
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        brought(v, **change)
    assert refused.value.field == field
    assert not PendingContribution.objects.exists() and AuditEntry.objects.count() == entries


def test_labour_is_not_brought_to_a_store(village):
    v = village
    with pytest.raises(InvalidInput):
        contribution_submit(
            actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.labour, quantity=60
        )
    assert not PendingContribution.objects.exists()


def test_a_retried_submission_answers_the_first_record(village):
    v = village
    first = brought(v, idempotency_key="k-1")
    assert brought(v, idempotency_key="k-1") == first
    with pytest.raises(IdempotencyConflict):
        brought(v, quantity=4_000, idempotency_key="k-1")
    assert PendingContribution.objects.count() == 1


# Pages


def test_the_member_sends_it_from_the_record_page_and_sees_it_waiting_at_home(village, client):
    v = village
    client.force_login(v.bob.user)
    url = reverse("record", kwargs={"slug": "village", "action": "contribute"})
    form = client.get(url)
    assert "A coordinator will confirm it when it arrives" in form.content.decode()
    response = client.post(
        url,
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "3",
            "note": "",
            "idempotency_key": "page-1",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Sent: 3 kg of grain" in text
    assert "Your records waiting for confirmation" in text
    assert PendingContribution.objects.get().state == WaitingState.WAITING
    assert not Event.objects.filter(community=v.community).exists()


def test_coordinators_see_it_needs_attention_and_confirm_it(village, client):
    v = village
    record = brought(v)
    client.force_login(v.alice.user)
    home = client.get(reverse("community", kwargs={"slug": "village"})).content.decode()
    listing = reverse("waiting-records", kwargs={"slug": "village"})
    assert "1 record waiting for confirmation" in home and f'href="{listing}"' in home
    page = client.get(listing)
    assert [r["id"] for r in page.context["records"]] == [record.id]
    confirm = reverse("waiting-confirm", kwargs={"slug": "village", "record_id": record.id})
    done = client.post(confirm, follow=True).content.decode()
    assert "Confirmed: 3 kg of grain is in the ledger." in done
    assert "No records wait for confirmation." in done
    assert stock(v) == 3_000
    again = client.post(confirm, follow=True).content.decode()
    assert "This record was already confirmed." in again and stock(v) == 3_000


def test_a_decline_without_a_reason_is_refused_on_the_page(village, client):
    v = village
    record = brought(v)
    client.force_login(v.alice.user)
    decline = reverse("waiting-decline", kwargs={"slug": "village", "record_id": record.id})
    refused = client.post(decline, {"reason": ""})
    assert refused.status_code == 422
    record.refresh_from_db()
    assert record.state == WaitingState.WAITING
    client.post(decline, {"reason": "nothing came"})
    record.refresh_from_db()
    assert (record.state, record.decline_reason) == (WaitingState.DECLINED, "nothing came")
    client.force_login(v.olga.user)  # another coordinator sees what alice decided, and why
    listing = client.get(reverse("waiting-records", kwargs={"slug": "village"}))
    assert listing.context["records"] == []
    assert [r["id"] for r in listing.context["decided"]] == [record.id]
    assert "Declined: nothing came" in listing.content.decode()
    client.force_login(v.bob.user)
    home = client.get(reverse("community", kwargs={"slug": "village"})).content.decode()
    assert "Declined: nothing came" in home


def test_another_member_never_sees_the_record(village, client):
    """Dasha (a plain member of the Sidorovs) sees no one else's waiting record."""
    from tests.conftest import enrol, make_user

    v = village
    brought(v, note="the Petrovs' two sacks")
    dasha = enrol(
        actor=v.alice, community=v.community, user=make_user("dasha"), household=v.sidorovs
    )
    client.force_login(dasha.user)
    home = client.get(reverse("community", kwargs={"slug": "village"})).content.decode()
    assert "two sacks" not in home and "waiting for confirmation" not in home
    listing = client.get(reverse("waiting-records", kwargs={"slug": "village"}))
    assert listing.status_code == 403


# API


def test_the_api_answers_202_with_the_waiting_record_and_confirms_it(village):
    v = village
    body = {"household": v.petrovs.id, "pool": v.granary.id, "resource": v.grain.id}
    sent = ApiClient(v.bob.user).post(
        "/communities/village/contributions", body | {"quantity": "3"}
    )
    assert sent.status_code == 202
    waiting = sent.json()
    assert (waiting["state"], waiting["amount"], waiting["event"]) == ("waiting", "3 kg", None)
    alice = ApiClient(v.alice.user)
    listed = alice.get("/communities/village/waiting-records").json()
    assert [r["id"] for r in listed] == [waiting["id"]]
    confirmed = alice.post(f"/communities/village/waiting-records/{waiting['id']}/confirm", {})
    assert confirmed.status_code == 201
    assert confirmed.json()["action"] == "contribute" and stock(v) == 3_000
    assert alice.get("/communities/village/waiting-records").json() == []
    again = alice.post(f"/communities/village/waiting-records/{waiting['id']}/confirm", {})
    assert again.status_code == 409 and stock(v) == 3_000


def test_the_api_declines_with_a_reason(village):
    v = village
    record = brought(v)
    alice = ApiClient(v.alice.user)
    url = f"/communities/village/waiting-records/{record.id}/decline"
    assert alice.post(url, {"reason": ""}).status_code == 422
    declined = alice.post(url, {"reason": "only one sack came"})
    assert declined.status_code == 200
    assert (declined.json()["state"], declined.json()["decline_reason"]) == (
        "declined",
        "only one sack came",
    )
