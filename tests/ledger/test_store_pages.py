"""The Stores and What we keep pages: a coordinator creates, edits and archives stores, adds
resources and ticks the stores that keep them; every member reads the lists."""

import pytest
from django.urls import reverse

from pomochi.communities.models import ResourceType
from pomochi.ledger.models import Pool
from pomochi.ledger.services import event_adjust


@pytest.fixture
def alice(client, village):
    client.force_login(village.alice.user)
    return client


def url(name, *args):
    return reverse(name, args=["village", *args])


def test_the_stores_page_lists_stores_with_what_they_keep(stocked_village, client):
    v = stocked_village
    client.force_login(v.bob.user)
    page = client.get(url("pools"))
    text = page.content.decode()
    assert page.status_code == 200
    assert [row.pool.name for row in page.context["pools"]] == ["Granary", "Tool library"]
    assert "grain, potatoes" in text and "100 kg" in text
    assert url("pool-add") not in text and url("pool-edit", v.granary.id) not in text


def test_a_coordinator_adds_a_store_keeping_only_what_is_ticked(village, alice):
    v = village
    page = alice.get(url("pool-add"))
    assert page.status_code == 200
    assert 'type="checkbox"' in page.content.decode() and "checked" not in page.content.decode()
    response = alice.post(
        url("pool-add"),
        {"name": "Kitchen", "kind": "kitchen", "description": "", "resources": [v.potatoes.id]},
    )
    assert response.status_code == 302 and response["Location"] == url("pools")
    kitchen = Pool.objects.get(community=v.community, name="Kitchen")
    assert list(kitchen.resources.values_list("name", flat=True)) == ["potatoes"]


def test_a_store_name_taken_is_said_next_to_the_field(village, alice):
    response = alice.post(url("pool-add"), {"name": "Granary", "kind": "other"})
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["There is already a pool called “Granary”."]


def test_a_coordinator_edits_a_store(village, alice):
    v = village
    response = alice.post(
        url("pool-edit", v.tools.id),
        {
            "name": "Tool shed",
            "kind": "tool_library",
            "description": "behind the mill",
            "resources": [v.plough.id, v.potatoes.id],
        },
    )
    assert response.status_code == 302
    tools = Pool.objects.get(pk=v.tools.pk)
    assert (tools.name, tools.description) == ("Tool shed", "behind the mill")
    assert set(tools.resources.values_list("name", flat=True)) == {"plough", "potatoes"}


def test_unticking_what_a_store_holds_is_refused_on_the_page(stocked_village, client):
    v = stocked_village
    client.force_login(v.alice.user)
    response = client.post(
        url("pool-edit", v.granary.id),
        {"name": "Granary", "kind": "granary", "resources": [v.potatoes.id]},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["resources"] == [
        "Granary still holds 100 kg of grain: give it out first, then it can stop keeping grain."
    ]


def test_an_empty_store_is_archived_and_listed_apart(stocked_village, client):
    v = stocked_village
    client.force_login(v.alice.user)
    refused = client.post(url("pool-archive", v.tools.id), follow=True)
    assert "Tool library still holds 1 pcs plough" in refused.content.decode()
    assert Pool.objects.get(pk=v.tools.pk).archived_at is None
    event_adjust(actor=v.vera, pool=v.tools, resource=v.plough, change=-1, reason="broken")
    response = client.post(url("pool-archive", v.tools.id))
    assert response.status_code == 302
    page = client.get(url("pools"))
    assert [row.pool.name for row in page.context["pools"]] == ["Granary"]
    assert [row.pool.name for row in page.context["archived"]] == ["Tool library"]
    assert client.get(url("pool", v.tools.id)).status_code == 200  # its history stays
    assert client.get(url("pool-edit", v.tools.id)).status_code == 404


def test_what_we_keep_lists_resources_and_their_stores(village, client):
    v = village
    client.force_login(v.bob.user)
    page = client.get(url("resources"))
    rows = {row.resource.name: [p.name for p in row.pools] for row in page.context["resources"]}
    assert rows == {
        "grain": ["Granary"],
        "labour": [],
        "plough": ["Tool library"],
        "potatoes": ["Granary"],
    }
    assert "Labour is given, never kept in a store." in page.content.decode()


def test_a_coordinator_adds_a_resource_and_ticks_its_stores(village, alice):
    v = village
    page = alice.get(url("resource-add"))
    assert page.status_code == 200 and "checked" not in page.content.decode()
    response = alice.post(
        url("resource-add"),
        {
            "name": "firewood",
            "unit": "bundle",
            "kind": "consumable",
            "decimal_places": "0",
            "pools": [v.tools.id],
        },
    )
    assert response.status_code == 302
    firewood = ResourceType.objects.get(community=v.community, name="firewood")
    assert list(firewood.pools.values_list("name", flat=True)) == ["Tool library"]


def test_a_refused_resource_page_changes_nothing(village, alice):
    v = village
    response = alice.post(
        url("resource-add"),
        {
            "name": "help",
            "unit": "h",
            "kind": "labour",
            "decimal_places": "2",
            "pools": [v.granary.id],
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["pools"] == [
        "help is labour: it is given, never kept in a store."
    ]
    assert not ResourceType.objects.filter(community=v.community, name="help").exists()


def test_a_recorded_resource_s_decimal_places_are_shown_fixed(stocked_village, client):
    v = stocked_village
    client.force_login(v.alice.user)
    page = client.get(url("resource-edit", v.grain.id))
    assert page.context["form"].fields["decimal_places"].disabled
    response = client.post(
        url("resource-edit", v.grain.id),
        {
            "name": "rye",
            "unit": "kg",
            "kind": "durable",
            "decimal_places": "0",
            "pools": [v.granary.id],
        },
    )
    assert response.status_code == 302
    grain = ResourceType.objects.get(pk=v.grain.pk)
    assert (grain.name, grain.kind, grain.decimal_places) == ("rye", "consumable", 3)


def test_the_home_page_links_coordinators_to_the_stores(village, client):
    v = village
    client.force_login(v.alice.user)
    text = client.get(reverse("community", args=["village"])).content.decode()
    assert url("pools") in text and url("resources") in text
    client.force_login(v.bob.user)
    text = client.get(reverse("community", args=["village"])).content.decode()
    assert url("resources") not in text


def test_the_checklist_steps_lead_to_the_pages(db, client):
    from pomochi.accounts.models import User
    from pomochi.communities.services import community_create

    olga = User.objects.create_user(username="nadia", password="x-pass-2026-long")
    community_create(slug="upper", name="Upper", founder=olga)
    client.force_login(olga)
    page = client.get(reverse("community", args=["upper"]))
    steps = {step.name: step.url for step in page.context["checklist"].steps}
    assert steps["stores"] == reverse("pools", args=["upper"])
    assert steps["resources"] == reverse("resources", args=["upper"])
