import csv
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command


def simulate(*args):
    out = StringIO()
    call_command("simulate", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_it_prints_one_json_object_with_every_policy_season_by_season():
    data = json.loads(simulate("--preset", "war-years", "--runs", "3", "--format", "json"))
    assert set(data["policies"]) == {"none", "need_based", "account_keeping", "pool"}
    war = data["policies"]["none"]
    assert len(war["survival"]) == 12
    assert war["survival"] == sorted(war["survival"], reverse=True)  # nobody comes back
    assert {"gini", "unmet", "trust"} <= set(war)


def test_it_prints_a_summary_table_and_writes_csv_and_svg(tmp_path):
    text = simulate(
        "--preset", "harvest_failure", "--runs", "4", "--seed", "5", "--out", str(tmp_path)
    )
    assert "harvest_failure: 40 households, 10 seasons, 4 runs, seed 5" in text
    for policy in ("none", "need_based", "account_keeping", "pool"):
        assert f"\n{policy} " in text
    assert "survival gap need_based − none:" in text
    rows = list(csv.DictReader((tmp_path / "timeseries.csv").open(encoding="utf-8")))
    assert len(rows) == 4 * 8 * 10  # policies × measures × seasons
    first = next(r for r in rows if r["policy"] == "none" and r["measure"] == "survival")
    assert first["season"] == "1" and 0 < float(first["mean"]) <= 1
    for name in ("survival", "trust", "unmet", "gini"):
        svg = ElementTree.parse(tmp_path / f"{name}.svg").getroot()
        assert svg.tag.endswith("svg")
        assert "need-based" in (tmp_path / f"{name}.svg").read_text()


def test_the_same_seed_gives_the_same_numbers():
    a = simulate("--preset", "blockade", "--runs", "2", "--seed", "9", "--format", "json")
    b = simulate("--preset", "blockade", "--runs", "2", "--seed", "9", "--format", "json")
    c = simulate("--preset", "blockade", "--runs", "2", "--seed", "10", "--format", "json")
    assert a == b != c


def test_a_scenario_file_runs_and_overrides_apply(tmp_path):
    path = tmp_path / "hamlet.toml"
    path.write_text(
        'name = "hamlet"\nhouseholds = 6\nstart = 2\nthreshold = 1\nconsumption = 1\n'
        'policies = ["none", "pool"]\n[harvest]\nmean = 0.9\nsd = 0.3\n'
    )
    data = json.loads(
        simulate("--scenario", str(path), "--seasons", "5", "--runs", "2", "--format", "json")
    )
    assert data["scenario"] == "hamlet"
    assert set(data["policies"]) == {"none", "pool"}
    assert len(data["policies"]["pool"]["survival"]) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "drought"], "unknown preset 'drought'"),
        (["--preset", "maasai", "--households", "7"], "pairs need an even number"),
        (["--preset", "maasai", "--runs", "0"], "--runs must be at least 1"),
        (["--preset", "maasai", "--workers", "0"], "--workers must be at least 1"),
        (["--scenario", "/nonexistent/x.toml"], "no such scenario file"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(args, message):
    with pytest.raises(CommandError, match=message):
        simulate(*args)


def test_a_bad_scenario_file_names_the_field(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('households = 10\npolicies = ["none", "charity"]\n[shocks]\nprobability = -1\n')
    with pytest.raises(CommandError, match=r"shocks\.probability: .*; policies\.1: "):
        simulate("--scenario", str(path))


def test_out_must_be_a_folder(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        simulate("--preset", "blockade", "--runs", "1", "--out", str(path))


def test_the_real_command_spreads_runs_over_processes_and_shows_progress():
    pomochi = Path(sys.executable).parent / "pomochi"
    done = subprocess.run(
        [
            str(pomochi),
            "simulate",
            "--preset",
            "maasai",
            "--runs",
            "4",
            "--workers",
            "2",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert data["runs"] == 4 and len(data["policies"]["need_based"]["survival"]) == 50
    assert "4/4" in done.stderr  # the progress bar finished every run
