from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pomochi.ledger.api import movement_schema
from pomochi.ledger.forms import movement_form
from pomochi.ledger.inputs import MOVEMENTS, REVERSAL
from pomochi.ledger.models import Event, Holding


def record_url(action):
    return reverse("record", args=["village", action])


def form_key(client, action):
    page = client.get(record_url(action))
    assert page.status_code == 200
    return page.context["form"].initial["idempotency_key"]


def test_a_coordinator_records_a_contribution_in_kilograms(client, village):
    v = village
    client.force_login(v.alice.user)
    response = client.post(
        record_url("contribute"),
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "12,5",
            "note": "",
            "idempotency_key": form_key(client, "contribute"),
        },
    )
    assert response.status_code == 302
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 12_500
    page = client.get(response["Location"]).content.decode()
    assert "Recorded: contribution 12.5 kg." in page


def test_a_bad_quantity_is_explained_next_to_the_field_and_nothing_changes(client, village):
    v = village
    client.force_login(v.alice.user)
    response = client.post(
        record_url("contribute"),
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "12.5555",
            "idempotency_key": "k",
        },
    )
    assert response.status_code == 422
    assert (
        response.context["form"]
        .errors["quantity"][0]
        .startswith("kg are recorded to 3 decimal places")
    )
    assert 'id="id_quantity-error"' in response.content.decode()
    assert not Event.objects.exists()


def test_a_double_submitted_form_is_recorded_once(client, village):
    v = village
    client.force_login(v.alice.user)
    data = {
        "household": v.petrovs.id,
        "pool": v.granary.id,
        "resource": v.grain.id,
        "quantity": "3",
        "idempotency_key": form_key(client, "contribute"),
    }
    client.post(record_url("contribute"), data)
    client.post(record_url("contribute"), data)
    assert Event.objects.count() == 1


def test_a_shortage_is_shown_on_the_quantity_field(client, village):
    v = village
    client.force_login(v.alice.user)
    response = client.post(
        record_url("distribute"),
        {
            "pool": v.granary.id,
            "household": v.petrovs.id,
            "resource": v.grain.id,
            "quantity": "2",
            "idempotency_key": "k2",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["quantity"] == [
        "Not enough grain in Granary: 0 kg left, 2 kg asked."
    ]


def test_a_member_is_offered_only_their_own_household(client, village):
    v = village
    client.force_login(v.bob.user)
    form = client.get(record_url("contribute")).context["form"]
    assert list(form.fields["household"].queryset) == [v.petrovs]
    response = client.post(
        record_url("contribute"),
        {
            "household": v.ivanovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "1",
            "idempotency_key": "k3",
        },
    )
    assert response.status_code == 422
    assert "household" in response.context["form"].errors


def test_a_member_is_not_shown_the_distribution_form(client, village):
    client.force_login(village.bob.user)
    assert client.get(record_url("distribute")).status_code == 403
    assert client.post(record_url("distribute"), {}).status_code == 403


def test_an_unknown_action_is_refused(client, village):
    client.force_login(village.alice.user)
    assert client.get(record_url("steal")).status_code == 403


def test_a_coordinator_reverses_an_entry(client, stocked_village):
    v = stocked_village
    original = Event.objects.filter(resource=v.grain).get()
    client.force_login(v.alice.user)
    response = client.post(
        reverse("event-reverse", args=["village", original.id]),
        {"reason": "counted twice", "idempotency_key": "r1"},
    )
    assert response.status_code == 302
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 0
    page = client.get(response["Location"]).content.decode()
    assert "Reversed by" in page


def test_the_household_page_is_private(client, stocked_village):
    v = stocked_village
    url = reverse("household", args=["village", v.ivanovs.id])
    client.force_login(v.bob.user)
    assert client.get(url).status_code == 403
    client.force_login(v.alice.user)  # coordinator, and an Ivanov
    page = client.get(url).content.decode()
    assert "Ivanovs" in page and "100 kg" in page


# ---------------------------------------------------------------------------------------------
# Back-dating, and one binding per movement for the page and the API


def test_a_contribution_is_back_dated_in_the_communitys_time_zone(client, village):
    v = village
    v.community.timezone = "Europe/Moscow"
    v.community.save()
    client.force_login(v.alice.user)
    response = client.post(
        record_url("contribute"),
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "3",
            "occurred_at": "2026-05-01T09:00",
            "idempotency_key": form_key(client, "contribute"),
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.occurred_at == datetime(2026, 5, 1, 6, 0, tzinfo=UTC)  # 09:00 in Moscow


def test_the_page_says_which_time_zone_a_time_is_in(client, village):
    client.force_login(village.alice.user)
    page = client.get(record_url("distribute")).content.decode()
    assert 'type="datetime-local"' in page
    assert "Leave empty for now. Time zone: UTC." in page


def test_a_time_in_the_future_is_refused_next_to_the_field(client, village):
    v = village
    client.force_login(v.alice.user)
    later = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        record_url("contribute"),
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "3",
            "occurred_at": later,
            "idempotency_key": "future",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["occurred_at"] == ["That date is in the future."]
    assert 'id="id_occurred_at-error"' in response.content.decode()
    assert not Event.objects.exists()


def test_a_reversal_cannot_be_dated_before_the_entry_it_reverses(client, stocked_village):
    v = stocked_village
    original = Event.objects.filter(resource=v.grain).get()
    client.force_login(v.alice.user)
    earlier = (original.occurred_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("event-reverse", args=["village", original.id]),
        {"reason": "counted twice", "occurred_at": earlier, "idempotency_key": "r-early"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["occurred_at"] == [
        "A reversal cannot happen before the entry it reverses."
    ]
    assert not Event.objects.filter(reverses=original).exists()


def test_a_note_with_a_nul_is_refused_on_the_page_and_nothing_is_recorded(client, village):
    v = village
    client.force_login(v.alice.user)
    response = client.post(
        record_url("contribute"),
        {
            "household": v.petrovs.id,
            "pool": v.granary.id,
            "resource": v.grain.id,
            "quantity": "3",
            "note": "sack\x00of grain",
            "idempotency_key": "nul",
        },
    )
    assert response.status_code == 422
    assert (
        response.context["form"]
        .errors["note"][0]
        .startswith("The text has a control character (U+0000)")
    )
    assert not Event.objects.exists()


@pytest.mark.parametrize("movement", [*MOVEMENTS.values(), REVERSAL], ids=lambda m: m.action)
def test_the_page_and_the_api_take_the_same_inputs_by_the_same_rules(movement):
    """Both doors are made from one binding (ledger.inputs): the same fields, the same text
    limit, the same fields required."""
    form = movement_form(movement)
    schema = movement_schema(movement).model_json_schema()
    on_page = set(form.base_fields) - {"idempotency_key"}
    in_address = {p.name for p in movement.parties if p.offered is None}
    assert on_page | in_address == set(schema["properties"]) == set(movement.fields) | in_address
    text = movement.text
    assert form.base_fields[text].max_length == schema["properties"][text]["maxLength"]
    required_on_page = {name for name, field in form.base_fields.items() if field.required}
    assert required_on_page - {"idempotency_key"} | in_address == set(schema["required"])
