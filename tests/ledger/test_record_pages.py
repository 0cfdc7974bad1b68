from django.urls import reverse

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
