"""Starter sets: the stores and resource types a new community may begin with, by kind of group.

Each set is data, in English and Russian: the community's language chooses the words (its
stores and resources are named once, in the language its members read, not per reader). A set
is applied through the ordinary services (communities.services.resource_create,
ledger.services.pool_create), so every row is audited and can be renamed, archived or added to
afterwards like any other.

Labour is work between households (ledger.services.event_work moves no stock), so no store
keeps it.
"""

from dataclasses import dataclass

from pomochi.communities.models import CommunityKind, ResourceKind
from pomochi.ledger.models import PoolKind

NONE = "none"  # the set of nothing: the founder adds their own
LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class Words:
    en: str
    ru: str

    def __call__(self, language: str) -> str:
        return getattr(self, language if language in LANGUAGES else "en")


@dataclass(frozen=True)
class Resource:
    name: Words
    unit: Words
    kind: str
    decimal_places: int = 0
    # The bylaws' standard ration per person per week, in the unit (communities.bylaws); None:
    # no standard (seed is sown, not eaten; first-aid kits are used when needed).
    ration: str | None = None


@dataclass(frozen=True)
class Store:
    name: Words
    kind: str
    keeps: tuple[Resource, ...]


@dataclass(frozen=True)
class Starter:
    stores: tuple[Store, ...]
    unstored: tuple[Resource, ...] = ()  # labour: kept by no store

    @property
    def resources(self) -> tuple[Resource, ...]:
        return tuple(r for store in self.stores for r in store.keeps) + self.unstored


KG, LITRE = Words("kg", "кг"), Words("l", "л")
ITEM, HOUR = Words("item", "шт."), Words("h", "ч")

TOOLS = Resource(Words("tools", "инструменты"), ITEM, ResourceKind.DURABLE)
LABOUR = Resource(Words("labour", "труд"), HOUR, ResourceKind.LABOUR, 2)
FOOD_PARCELS = Resource(
    Words("food parcels", "продуктовые наборы"),
    Words("parcel", "набор"),
    ResourceKind.CONSUMABLE,
    ration="0.25",  # a parcel a week for a household of four
)
TOOL_LIBRARY = Store(Words("Tool library", "Склад инструментов"), PoolKind.TOOL_LIBRARY, (TOOLS,))

STARTERS: dict[str, Starter] = {
    CommunityKind.VILLAGE: Starter(
        stores=(
            Store(
                Words("Granary", "Амбар"),
                PoolKind.GRANARY,
                (
                    Resource(Words("grain", "зерно"), KG, ResourceKind.CONSUMABLE, 1, "2"),
                    Resource(Words("potatoes", "картофель"), KG, ResourceKind.CONSUMABLE, 1, "3"),
                ),
            ),
            Store(
                Words("Seed bank", "Семенной фонд"),
                PoolKind.SEED_BANK,
                (
                    Resource(
                        Words("seed potatoes", "семенной картофель"),
                        KG,
                        ResourceKind.CONSUMABLE,
                        1,
                    ),
                ),
            ),
            Store(
                Words("Woodshed", "Дровяник"),
                PoolKind.OTHER,
                (
                    Resource(
                        Words("firewood", "дрова"),
                        Words("bundle", "вязанка"),
                        ResourceKind.CONSUMABLE,
                        ration="1",
                    ),
                ),
            ),
            TOOL_LIBRARY,
        ),
        unstored=(LABOUR,),
    ),
    CommunityKind.TENANTS: Starter(
        stores=(
            Store(Words("Pantry", "Кладовая"), PoolKind.KITCHEN, (FOOD_PARCELS,)),
            TOOL_LIBRARY,
        ),
        unstored=(LABOUR,),
    ),
    CommunityKind.NEIGHBOURHOOD: Starter(
        stores=(
            Store(
                Words("Pantry", "Кладовая"),
                PoolKind.KITCHEN,
                (
                    FOOD_PARCELS,
                    Resource(
                        Words("hygiene kits", "гигиенические наборы"),
                        Words("kit", "набор"),
                        ResourceKind.CONSUMABLE,
                        ration="0.25",
                    ),
                ),
            ),
            TOOL_LIBRARY,
        ),
        unstored=(
            LABOUR,
            Resource(Words("childcare", "присмотр за детьми"), HOUR, ResourceKind.LABOUR, 2),
        ),
    ),
    CommunityKind.BRIGADE: Starter(
        stores=(
            Store(
                Words("Emergency store", "Аварийный запас"),
                PoolKind.EMERGENCY_FUND,
                (
                    Resource(
                        Words("drinking water", "питьевая вода"),
                        LITRE,
                        ResourceKind.CONSUMABLE,
                        ration="20",  # three litres a day
                    ),
                    Resource(Words("fuel", "топливо"), LITRE, ResourceKind.CONSUMABLE, 1),
                    Resource(Words("first-aid kits", "аптечки"), ITEM, ResourceKind.CONSUMABLE),
                ),
            ),
            Store(
                Words("Equipment", "Снаряжение"),
                PoolKind.TOOL_LIBRARY,
                (Resource(Words("equipment", "снаряжение"), ITEM, ResourceKind.DURABLE),),
            ),
        ),
        unstored=(LABOUR,),
    ),
    CommunityKind.COOPERATIVE: Starter(
        stores=(
            Store(
                Words("Warehouse", "Склад"),
                PoolKind.GRANARY,
                (
                    Resource(Words("flour", "мука"), KG, ResourceKind.CONSUMABLE, 1, "1.5"),
                    Resource(Words("grain", "зерно"), KG, ResourceKind.CONSUMABLE, 1, "2"),
                    Resource(Words("vegetables", "овощи"), KG, ResourceKind.CONSUMABLE, 1, "3"),
                ),
            ),
            TOOL_LIBRARY,
        ),
        unstored=(LABOUR,),
    ),
    NONE: Starter(stores=()),
}
STARTER_NAMES = tuple(STARTERS)


@dataclass(frozen=True)
class Line:
    """What a set holds, in one language, to show before founding: a store (or None, for what
    no store keeps) and its resources as "name (unit)"."""

    store: str | None
    resources: tuple[str, ...]


def starter_rations(name: str, language: str) -> dict[str, str]:
    """The set's standard rations for the founding bylaws, by resource name in the language."""
    return {r.name(language): r.ration for r in STARTERS[name].resources if r.ration is not None}


def starter_lines(name: str, language: str) -> list[Line]:
    starter = STARTERS[name]
    lines = [
        Line(store.name(language), tuple(_item(r, language) for r in store.keeps))
        for store in starter.stores
    ]
    if starter.unstored:
        lines.append(Line(None, tuple(_item(r, language) for r in starter.unstored)))
    return lines


def _item(resource: Resource, language: str) -> str:
    return f"{resource.name(language)} ({resource.unit(language)})"
