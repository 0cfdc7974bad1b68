import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event, Holding


def drill(*args):
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_it_says_how_long_the_stores_last_and_who_runs_short(stocked_village):
    # 10 people × 2 kg = 20 kg a week; 100 kg in store; 100 kg given in the last 8 weeks:
    # 12.5 kg comes in a week, so the stores fall 7.5 kg a week and cover 13 weeks
    text = drill("--community", "village", "--ration", "grain=2 kg", "--weeks", "20")
    assert "This is a drill: nothing is recorded." in text
    assert "grain: 100 kg in store, 100 kg after the shock; inflow 12.5 kg each week" in text
    assert "2 kg per person per week (as given); 20 kg asked each week." in text
    assert "The stores cover everyone for 13 weeks." in text
    assert "They are empty in week 14." in text
    assert "week 14: Ivanovs" in text


def test_a_blockade_as_json(stocked_village):
    data = json.loads(
        drill(
            "--community",
            "village",
            "--ration",
            "grain=2",
            "--shock",
            "inflow_loss=100%",
            "--shock",
            "stock_loss=50",
            "--format",
            "json",
            "--weeks",
            "10",
        )
    )
    assert data["shock"] == {"stock_loss": 50.0, "inflow_loss": 100.0, "demand_up": 0.0}
    grain = next(r for r in data["resources"] if r["resource"] == "grain")
    assert grain["weeks_covered"] == 2  # 50 kg at 20 kg a week
    assert grain["weeks_until_empty"] == 3
    assert grain["stock_by_week"][:4] == [50_000, 30_000, 10_000, 0]
    assert grain["households_short"] == 4


def test_a_drill_writes_nothing(stocked_village):
    before = (
        Event.objects.count(),
        AuditEntry.objects.count(),
        sorted(Holding.objects.values_list("id", "quantity")),
    )
    drill("--community", "village", "--ration", "grain=5", "--shock", "stock_loss=90")
    after = (
        Event.objects.count(),
        AuditEntry.objects.count(),
        sorted(Holding.objects.values_list("id", "quantity")),
    )
    assert before == after


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "atlantis"], "no community with the short name 'atlantis'"),
        (
            ["--community", "village", "--shock", "stock_loss=150"],
            "--shock stock_loss: a percentage from 0 to 100, not 150",
        ),
        (
            ["--community", "village", "--shock", "demand_up=nan"],
            "--shock demand_up: a percentage from 0 to 900, not nan",
        ),
        (["--community", "village", "--shock", "flood=1"], "NAME one of stock_loss"),
        (["--community", "village", "--shock", "demand_up=lots"], "'lots' is not a number"),
        (["--community", "village", "--ration", "gold=1"], "RESOURCE one of grain, potatoes"),
        (["--community", "village", "--ration", "grain=-1"], "--ration grain: "),
        (["--community", "village", "--weeks", "0"], "weeks: must be between 1"),
    ],
)
def test_bad_drill_arguments_are_refused_with_the_reason(stocked_village, args, message):
    with pytest.raises(CommandError, match=message):
        drill(*args)
