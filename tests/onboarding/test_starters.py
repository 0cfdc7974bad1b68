"""Starter sets: founding with each set in each language makes its stores and resources, named
in the community's language, each store keeping its own, each row audited and editable."""

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.communities.models import CommunityKind
from pomochi.communities.services import resource_create
from pomochi.errors import Conflict
from pomochi.ledger.services import event_contribute, pool_create
from pomochi.onboarding import starters
from pomochi.onboarding.services import community_found, starter_apply
from tests.conftest import make_user

# What a person expects of each set, written out (not derived from the data under test):
# store → [(resource, unit, kind, decimal places)]; None: kept by no store.
EXPECTED = {
    ("village", "en"): {
        "Granary": [("grain", "kg", "consumable", 1), ("potatoes", "kg", "consumable", 1)],
        "Seed bank": [("seed potatoes", "kg", "consumable", 1)],
        "Woodshed": [("firewood", "bundle", "consumable", 0)],
        "Tool library": [("tools", "item", "durable", 0)],
        None: [("labour", "h", "labour", 2)],
    },
    ("village", "ru"): {
        "Амбар": [("зерно", "кг", "consumable", 1), ("картофель", "кг", "consumable", 1)],
        "Семенной фонд": [("семенной картофель", "кг", "consumable", 1)],
        "Дровяник": [("дрова", "вязанка", "consumable", 0)],
        "Склад инструментов": [("инструменты", "шт.", "durable", 0)],
        None: [("труд", "ч", "labour", 2)],
    },
    ("tenants", "en"): {
        "Pantry": [("food parcels", "parcel", "consumable", 0)],
        "Tool library": [("tools", "item", "durable", 0)],
        None: [("labour", "h", "labour", 2)],
    },
    ("tenants", "ru"): {
        "Кладовая": [("продуктовые наборы", "набор", "consumable", 0)],
        "Склад инструментов": [("инструменты", "шт.", "durable", 0)],
        None: [("труд", "ч", "labour", 2)],
    },
    ("neighbourhood", "en"): {
        "Pantry": [
            ("food parcels", "parcel", "consumable", 0),
            ("hygiene kits", "kit", "consumable", 0),
        ],
        "Tool library": [("tools", "item", "durable", 0)],
        None: [("childcare", "h", "labour", 2), ("labour", "h", "labour", 2)],
    },
    ("neighbourhood", "ru"): {
        "Кладовая": [
            ("гигиенические наборы", "набор", "consumable", 0),
            ("продуктовые наборы", "набор", "consumable", 0),
        ],
        "Склад инструментов": [("инструменты", "шт.", "durable", 0)],
        None: [("присмотр за детьми", "ч", "labour", 2), ("труд", "ч", "labour", 2)],
    },
    ("brigade", "en"): {
        "Emergency store": [
            ("drinking water", "l", "consumable", 0),
            ("first-aid kits", "item", "consumable", 0),
            ("fuel", "l", "consumable", 1),
        ],
        "Equipment": [("equipment", "item", "durable", 0)],
        None: [("labour", "h", "labour", 2)],
    },
    ("brigade", "ru"): {
        "Аварийный запас": [
            ("аптечки", "шт.", "consumable", 0),
            ("питьевая вода", "л", "consumable", 0),
            ("топливо", "л", "consumable", 1),
        ],
        "Снаряжение": [("снаряжение", "шт.", "durable", 0)],
        None: [("труд", "ч", "labour", 2)],
    },
    ("cooperative", "en"): {
        "Warehouse": [
            ("flour", "kg", "consumable", 1),
            ("grain", "kg", "consumable", 1),
            ("vegetables", "kg", "consumable", 1),
        ],
        "Tool library": [("tools", "item", "durable", 0)],
        None: [("labour", "h", "labour", 2)],
    },
    ("cooperative", "ru"): {
        "Склад": [
            ("зерно", "кг", "consumable", 1),
            ("мука", "кг", "consumable", 1),
            ("овощи", "кг", "consumable", 1),
        ],
        "Склад инструментов": [("инструменты", "шт.", "durable", 0)],
        None: [("труд", "ч", "labour", 2)],
    },
    ("none", "en"): {},
    ("none", "ru"): {},
}


def made(community) -> dict:
    """What the community holds, in EXPECTED's shape, read back from the tables."""

    def row(r):
        return (r.name, r.unit, r.kind, r.decimal_places)

    found = {
        pool.name: sorted(row(r) for r in pool.resources.all()) for pool in community.pools.all()
    }
    unstored = sorted(row(r) for r in community.resources.filter(pools__isnull=True))
    if unstored:
        found[None] = unstored
    return found


def test_every_set_is_expected_in_every_language():
    assert set(EXPECTED) == {(s, lang) for s in starters.STARTER_NAMES for lang in ("en", "ru")}
    assert set(starters.STARTER_NAMES) == {*CommunityKind.values, "none"}


@pytest.mark.parametrize(("starter", "language"), sorted(EXPECTED))
def test_founding_with_a_starter_makes_its_stores_and_resources(db, starter, language):
    community = community_found(
        user=make_user("zoya"), name="Upper", slug="upper", language=language, starter=starter
    )
    expected = {k: sorted(v) for k, v in EXPECTED[(starter, language)].items()}
    assert made(community) == expected
    # Each row through its service: one audit entry per resource and per store.
    entries = AuditEntry.objects.filter(community=community)
    resources = sum(len(v) for v in expected.values())
    assert entries.filter(verb="resource.create").count() == resources
    assert entries.filter(verb="pool.create").count() == len([k for k in expected if k])


def test_labour_is_kept_by_no_store(db):
    community = community_found(
        user=make_user("zoya"), name="Upper", slug="upper", starter="village"
    )
    labour = community.resources.get(kind="labour")
    assert not labour.pools.exists()


def test_a_set_is_ordinary_data_afterwards(db):
    """The stores keep what they were made to keep, and more can be added by hand."""
    community = community_found(
        user=make_user("zoya"), name="Upper", slug="upper", starter="village"
    )
    founder = community.memberships.get()
    salt = resource_create(
        actor=founder, community=community, name="salt", unit="kg", kind="consumable"
    )
    cellar = pool_create(actor=founder, community=community, name="Cellar", resources=[salt])
    assert set(cellar.resources.all()) == {salt}
    from pomochi.communities.services import household_create

    orlovs = household_create(actor=founder, community=community, name="Orlovs")
    granary = community.pools.get(name="Granary")
    grain = community.resources.get(name="grain")
    event = event_contribute(
        actor=founder, household=orlovs, pool=granary, resource=grain, quantity=25
    )
    assert event.quantity == 25


def test_applying_a_set_twice_is_refused_changing_nothing(db):
    community = community_found(
        user=make_user("zoya"), name="Upper", slug="upper", starter="village"
    )
    founder = community.memberships.get()
    before = (community.resources.count(), community.pools.count())
    with pytest.raises(Conflict, match="already a resource"):
        starter_apply(actor=founder, community=community, starter="village")
    assert (community.resources.count(), community.pools.count()) == before


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_lines_shown_before_founding_name_what_will_be_made(language):
    lines = starters.starter_lines("village", language)
    expected = EXPECTED[("village", language)]
    assert [line.store for line in lines] == list(expected)
    for line in lines:
        assert list(line.resources) == [
            f"{name} ({unit})" for name, unit, *_ in expected[line.store]
        ]
