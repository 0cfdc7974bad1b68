"""`pomochi create_community`: the site admin's founding, with a language, kind and starter set."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pomochi.communities.models import Community
from tests.conftest import make_user


def create(*args):
    call_command(
        "create_community", "--slug", "upper", "--name", "Upper", "--founder", "zoya", *args
    )


def test_it_founds_with_a_starter_set_in_russian(db, capsys):
    make_user("zoya")
    create(
        "--language",
        "ru",
        "--kind",
        "tenants",
        "--starter",
        "tenants",
        "--timezone",
        "Europe/Moscow",
    )
    community = Community.objects.get(slug="upper")
    assert (community.language, community.kind, community.timezone) == (
        "ru",
        "tenants",
        "Europe/Moscow",
    )
    assert set(community.pools.values_list("name", flat=True)) == {"Кладовая", "Склад инструментов"}
    assert community.founded_by.username == "zoya"
    assert "starter tenants: 3 resources, 2 stores" in capsys.readouterr().out


def test_without_a_starter_it_founds_an_empty_community_as_before(db):
    make_user("zoya")
    create()
    community = Community.objects.get(slug="upper")
    assert (community.language, community.kind) == ("en", "village")
    assert not community.resources.exists()


def test_it_ignores_the_web_founding_setting(db, settings):
    settings.POMOCHI_FOUNDING = "approved"
    make_user("zoya")
    create("--starter", "village")
    assert Community.objects.filter(slug="upper").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--starter", "castle"), "invalid choice: 'castle'"),
        (("--kind", "commune"), "invalid choice: 'commune'"),
        (("--language", "de"), "invalid choice: 'de'"),
        (("--timezone", "Mars/Olympus"), "timezone: Unknown time zone: Mars/Olympus"),
    ],
)
def test_a_bad_value_is_a_clear_error_and_creates_nothing(db, args, message):
    make_user("zoya")
    with pytest.raises(CommandError, match=message):
        create("--starter", "village", *args)
    assert not Community.objects.exists()
