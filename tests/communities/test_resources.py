"""Resource types: created once (a retry answers the first), renamed any time; kind and decimal
places fixed once anything is recorded in them (every amount is kept in the smallest unit)."""

import json

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.communities.models import ResourceType
from pomochi.communities.services import resource_create, resource_recorded, resource_update
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger.services import event_contribute, resource_keep


def last_entry(v, verb):
    entry = AuditEntry.objects.filter(community=v.community, verb=verb).order_by("-seq").first()
    return json.loads(entry.payload)["data"]


def test_a_resource_is_renamed_and_its_unit_too_even_when_recorded(stocked_village):
    v = stocked_village
    grain = resource_update(actor=v.alice, resource=v.grain, name="rye", unit="кг")
    grain.refresh_from_db()
    assert (grain.name, grain.unit, grain.decimal_places) == ("rye", "кг", 3)
    assert last_entry(v, "resource.update") == {
        "name": "rye",
        "unit": "кг",
        "kind": "consumable",
        "decimal_places": 3,
    }


def test_decimal_places_and_kind_change_while_nothing_is_recorded(village):
    v = village
    salt = resource_create(
        actor=v.alice, community=v.community, name="salt", unit="kg", kind="consumable"
    )
    assert not resource_recorded(salt)
    salt = resource_update(actor=v.alice, resource=salt, decimal_places=2, kind="durable")
    salt.refresh_from_db()
    assert (salt.decimal_places, salt.kind) == (2, "durable")


def test_decimal_places_are_fixed_once_something_is_recorded(stocked_village):
    v = stocked_village
    before = AuditEntry.objects.filter(community=v.community).count()
    assert resource_recorded(v.grain)
    with pytest.raises(Conflict) as refused:
        resource_update(actor=v.alice, resource=v.grain, decimal_places=1)
    assert refused.value.message == (
        "Something is already recorded in grain: its kind and decimal places stay as they are. "
        "Add a new resource instead."
    )
    assert refused.value.field == "decimal_places"
    with pytest.raises(Conflict, match="already recorded in grain"):
        resource_update(actor=v.alice, resource=v.grain, kind="durable")
    assert ResourceType.objects.get(pk=v.grain.pk).decimal_places == 3
    assert AuditEntry.objects.filter(community=v.community).count() == before


def test_a_resource_kept_in_a_store_cannot_become_labour(village):
    v = village
    with pytest.raises(Conflict, match="Labour is never kept in a store"):
        resource_update(actor=v.alice, resource=v.potatoes, kind="labour")


def test_bad_fields_are_refused_naming_them(village):
    v = village
    with pytest.raises(InvalidInput) as refused:
        resource_update(actor=v.alice, resource=v.grain, unit="  ")
    assert refused.value.field == "unit"
    with pytest.raises(InvalidInput) as refused:
        resource_update(actor=v.alice, resource=v.grain, decimal_places=7)
    assert refused.value.field == "decimal_places"
    with pytest.raises(Conflict, match="There is already a resource called “potatoes”."):
        resource_update(actor=v.alice, resource=v.grain, name="potatoes")


def test_a_create_retried_with_its_key_answers_the_first(village):
    v = village
    first = resource_create(
        actor=v.alice,
        community=v.community,
        name="salt",
        unit="kg",
        kind="consumable",
        idempotency_key="s-1",
    )
    again = resource_create(
        actor=v.alice,
        community=v.community,
        name="salt",
        unit="kg",
        kind="consumable",
        idempotency_key="s-1",
    )
    assert again.id == first.id
    assert ResourceType.objects.filter(community=v.community, name="salt").count() == 1
    with pytest.raises(Conflict, match="already used for a different request"):
        resource_create(
            actor=v.alice,
            community=v.community,
            name="salt",
            unit="g",
            kind="consumable",
            idempotency_key="s-1",
        )


def test_a_new_resource_is_kept_in_no_store_until_ticked(village):
    v = village
    salt = resource_create(
        actor=v.alice, community=v.community, name="salt", unit="kg", kind="consumable"
    )
    with pytest.raises(InvalidInput, match="Granary does not keep salt"):
        event_contribute(
            actor=v.alice, household=v.ivanovs, pool=v.granary, resource=salt, quantity=1
        )
    resource_keep(actor=v.alice, resource=salt, pools=[v.granary])
    event_contribute(actor=v.alice, household=v.ivanovs, pool=v.granary, resource=salt, quantity=1)
