"""`seed_demo --language ru`: the same village, in Russian — names, stores, units and notes."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pomochi.accounts.models import User
from pomochi.audit.verify import verify_community
from pomochi.communities.models import Community
from pomochi.demo.words import ENGLISH, RUSSIAN
from pomochi.ledger.models import Event
from tests.demo.test_seed_demo import SMALL, counts, history, seed, today  # noqa: F401

CYRILLIC = re.compile(r"^[А-Яа-яЁё .()«»:;,\-\d\u00a0]+$")


@pytest.fixture
def russian(db, today):  # noqa: F811
    output = seed(language="ru", **SMALL)
    return Community.objects.get(slug="demo"), output


def test_it_builds_the_village_in_russian(russian):
    community, output = russian
    assert community.language == "ru"
    assert community.name == "Верхняя Покровка (демо)"
    households = list(community.households.values_list("name", flat=True))
    assert len(households) == 8
    assert all(name.endswith("ы") and CYRILLIC.match(name) for name in households), households
    assert sorted(community.pools.values_list("name", flat=True)) == [
        "Амбар",
        "Кухня",
        "Прокат инструмента",
        "Семенной фонд",
    ]
    resources = {r.name: (r.unit, r.kind, r.decimal_places) for r in community.resources.all()}
    assert resources == {
        "зерно": ("кг", "consumable", 3),
        "картофель": ("кг", "consumable", 1),
        "семенной картофель": ("кг", "consumable", 1),
        "дрова": ("вязанка", "consumable", 0),
        "плуг": ("шт.", "durable", 0),
        "труд": ("ч", "labour", 2),
    }
    assert "Верхняя Покровка (демо)" in output  # the command speaks the village's language


def test_its_people_have_russian_names_that_match_their_household(russian):
    community, _output = russian
    for m in community.memberships.select_related("user", "household"):
        first, family = m.user.display_name.split()
        assert CYRILLIC.match(m.user.display_name), m.user.display_name
        assert m.household.name.startswith(family.removesuffix("а"))  # Иванова of the Ивановы


def test_its_notes_are_russian_with_amounts_as_russians_write_them(russian):
    community, _output = russian
    notes = set(
        Event.objects.filter(community=community).exclude(note="").values_list("note", flat=True)
    )
    assert RUSSIAN.opening_stock in notes
    assert RUSSIAN.reentered in notes
    assert not notes & {ENGLISH.opening_stock, ENGLISH.reentered}
    mistake = next(n for n in notes if n.startswith("Ошибка ввода: "))
    assert re.match(r"^Ошибка ввода: [\d\u00a0]+(,\d+)? кг вместо \d+(,\d+)? кг;", mistake), mistake
    assert "." not in mistake.split(";")[0]  # a decimal comma, not a point
    assert all(CYRILLIC.match(n) for n in notes), notes - {n for n in notes if CYRILLIC.match(n)}


def test_it_leaves_an_audit_chain_that_verifies(russian):
    community, _output = russian
    assert verify_community(community.id).ok
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("demo: OK")


def test_the_same_seed_gives_the_same_village_in_either_language(db, today):  # noqa: F811
    seed(**SMALL)
    seed(language="ru", slug="derevnya", **SMALL)
    english, russian = Community.objects.get(slug="demo"), Community.objects.get(slug="derevnya")
    assert english.language == "en" and english.name == "Verkhnyaya Pokrovka (demo)"

    def shape(community):
        return [
            (action, quantity, when) for action, _r, quantity, when, *_rest in history(community)
        ]

    assert shape(english) == shape(russian)
    sizes = "size", "has_children", "has_elderly", "has_ill_or_disabled"
    assert list(english.households.order_by("id").values_list(*sizes)) == list(
        russian.households.order_by("id").values_list(*sizes)
    )
    # The Ivanovs of one are the Ивановы of the other.
    pairs = zip(
        english.households.order_by("id").values_list("name", flat=True),
        russian.households.order_by("id").values_list("name", flat=True),
        strict=True,
    )
    for en, ru in pairs:
        surname = en.split()[0].removesuffix("s")
        assert ru.split()[0] == RUSSIAN.surnames[ENGLISH.surnames.index(surname)] + "ы"


def test_the_languages_name_the_same_families_in_the_same_order():
    assert len(ENGLISH.surnames) == len(RUSSIAN.surnames) == len(set(RUSSIAN.surnames))
    for en, ru in zip(ENGLISH.surnames, RUSSIAN.surnames, strict=True):
        assert en[0] != ru[0] or en == ru  # no Latin left in the Russian list
        assert CYRILLIC.match(ru), ru
    for field in ("first_names", "where", "resources", "pools", "work", "gift_notes", "spoilage"):
        english, russian = getattr(ENGLISH, field), getattr(RUSSIAN, field)
        assert len(english) == len(russian), field
        if isinstance(english, dict):
            assert english.keys() == russian.keys(), field


def test_it_refuses_a_language_it_has_no_village_in_and_changes_nothing(db, today):  # noqa: F811
    before = counts()
    with pytest.raises(CommandError, match="--language must be one of en, ru; “fr” was given."):
        seed(language="fr", **SMALL)
    assert counts() == before
    assert not User.objects.exists()
