"""Which door shows a quantity to whom: people read it in their language ("12,5 кг",
"1 234,5 kg"); the API, the exports and the drill's JSON keep "12.5 kg" in every language."""

import csv
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from pomochi.aid.services import commitment_make, need_post
from pomochi.communities.services import resource_create
from pomochi.errors import DomainError
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute, event_distribute, pool_update
from pomochi.notify.messages import render
from pomochi.notify.models import Notification
from tests.api.conftest import ApiClient

NBSP = "\u00a0"
RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


@pytest.fixture
def big_village(stocked_village):
    """The stocked village with 1 234.5 kg of grain in the granary."""
    v = stocked_village
    event_contribute(
        actor=v.alice,
        household=v.ivanovs,
        pool=v.granary,
        resource=v.grain,
        quantity=1_134_500,
    )
    return v


def test_a_russian_page_records_a_contribution_that_shows_12_5_kg(client, village):
    v = village
    zerno = resource_create(
        actor=v.olga,
        community=v.community,
        name="зерно",
        unit="кг",
        kind="consumable",
        decimal_places=3,
    )
    pool_update(actor=v.olga, pool=v.granary, resources=[v.grain, v.potatoes, zerno])
    client.force_login(v.alice.user)
    url = reverse("record", args=["village", "contribute"])
    key = client.get(url, **RU).context["form"].initial["idempotency_key"]
    response = client.post(
        url,
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": zerno.id,
            "quantity": "12,5",
            "note": "",
            "idempotency_key": key,
        },
        **RU,
    )
    assert response.status_code == 302, response.content.decode()
    assert Holding.objects.get(pool=v.granary, resource=zerno).quantity == 12_500
    page = client.get(response["Location"], **RU).content.decode()
    assert "12,5 кг" in page
    assert "12.5 кг" not in page


def test_a_russian_form_tolerates_grouping_spaces(client, village):
    v = village
    client.force_login(v.alice.user)
    url = reverse("record", args=["village", "contribute"])
    key = client.get(url, **RU).context["form"].initial["idempotency_key"]
    response = client.post(
        url,
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": f"1{NBSP}234,5 kg",
            "note": "",
            "idempotency_key": key,
        },
        **RU,
    )
    assert response.status_code == 302, response.content.decode()
    assert Event.objects.get().quantity == 1_234_500


def test_a_bad_amount_typed_in_russian_is_refused_and_nothing_changes(client, village):
    v = village
    client.force_login(v.alice.user)
    response = client.post(
        reverse("record", args=["village", "contribute"]),
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "12,5555",
            "note": "",
            "idempotency_key": "k",
        },
        **RU,
    )
    assert response.status_code == 422
    assert "12,5555" in response.context["form"].errors["quantity"][0]
    assert not Event.objects.exists()


def test_the_stores_are_grouped_in_the_readers_language(client, big_village):
    client.force_login(big_village.bob.user)
    russian = client.get(reverse("community", args=["village"]), **RU).content.decode()
    assert f"1{NBSP}234,5 kg" in russian
    english = client.get(
        reverse("community", args=["village"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "1,234.5 kg" in english


def test_the_api_keeps_plain_amounts_whatever_the_language(big_village):
    api = ApiClient(big_village.alice.user)
    api.headers["Accept-Language"] = "ru"
    pools = api.get("/communities/village/pools").json()
    granary = next(p for p in pools if p["id"] == big_village.granary.id)
    grain = next(h for h in granary["holdings"] if h["resource"] == big_village.grain.id)
    assert (grain["quantity"], grain["amount"]) == (1_234_500, "1234.5 kg")


def test_every_presented_object_is_plain_in_the_api_and_the_readers_on_the_page(
    client, big_village
):
    """Presenters serve both doors: the same need and event, "1134.5 kg" to the API and
    "1 134,5 kg" to a Russian page."""
    v = big_village
    need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=1_134_500,
        urgency="soon",
    )
    api = ApiClient(v.alice.user)
    api.headers["Accept-Language"] = "ru"
    events = api.get("/communities/village/events").json()["items"]
    assert [e["amount"] for e in events if e["quantity"] == 1_134_500] == ["1134.5 kg"]
    needs = api.get("/communities/village/needs").json()
    assert [n["amount"] for n in needs] == ["1134.5 kg"]
    client.force_login(v.alice.user)
    page = client.get(reverse("needs", args=["village"]), **RU).content.decode()
    assert f"1{NBSP}134,5 kg" in page


def test_the_exports_keep_plain_amounts_whatever_the_language(big_village, tmp_path):
    with translation.override("ru"):
        call_command(
            "export", community="village", format="csv", out=str(tmp_path), stdout=StringIO()
        )
    with (tmp_path / "events.csv").open(encoding="utf-8-sig", newline="") as f:
        amounts = [row["amount"] for row in csv.DictReader(f)]
    assert "1134.5" in amounts
    assert not any("," in a or NBSP in a for a in amounts)


def test_an_error_a_person_reads_is_in_their_language(big_village):
    v = big_village
    with translation.override("ru"), pytest.raises(DomainError) as info:
        event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=2_000_000
        )
    assert f"1{NBSP}234,5 kg" in info.value.message
    assert f"2{NBSP}000 kg" in info.value.message
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 1_234_500


def test_a_promise_is_told_in_the_readers_language(client, big_village):
    v = big_village
    need = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=1_500_000,
        urgency="soon",
    )
    commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        resource=v.grain,
        quantity=1_200_500,
        due_on=timezone.localdate() + timedelta(days=7),
        giver_pool=v.granary,
        need=need,
    )
    told = Notification.objects.get(recipient=v.bob, kind="commitment.made")
    # Stored as facts, the same whoever wrote them: the number and its unit.
    assert (told.params["quantity"], told.params["unit"], told.params["amount"]) == (
        1_200_500,
        "kg",
        "1200.5 kg",
    )
    client.force_login(v.bob.user)
    page = client.get(reverse("notifications", args=["village"]), **RU)
    texts = [row["text"] for row in page.context["rows"]]  # as notification_view presents it
    assert any(f"1{NBSP}200,5 kg" in t for t in texts), texts
    with translation.override("en"):
        assert "1,200.5 kg of grain" in render(told.kind, told.params)


def test_a_notification_written_before_the_facts_keeps_its_words():
    old = {"giver": "Granary", "receiver": "Petrovs", "resource": "grain", "amount": "12.5 kg"}
    with translation.override("ru"):
        assert "12.5 kg" in render("commitment.fulfilled", old)
