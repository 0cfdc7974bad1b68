"""The herding replication survives as the same rules written for Mesa do (benchmarks/sim.py).

The two draw different random numbers, so they agree only up to sampling error: survival after
50 years is a share of 2 × PAIRS herds in independent pairs, each pair leaving 0, 1 or 2 herds,
so one run's share has a variance of at most 1 / (4 × PAIRS) (the two herds of a pair wholly
correlated, p(1 − p) ≤ 1/4). The mean of len(SEEDS) runs on each side, two independent sides:
the difference has a standard error of at most sqrt(2 / (4 × PAIRS × len(SEEDS))) ≈ 0.007, and
the tolerance is four of those (≈ 0.028). The gap between sharing and not sharing is about 0.12,
so a rule left out or taken in the wrong order does not pass.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from pomochi.sim import preset, run

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "sim.py"
PAIRS = 2000
YEARS = 50
SEEDS = (1, 2, 3, 4, 5)
TOLERANCE = 4 * math.sqrt(2 / (4 * PAIRS * len(SEEDS)))


@pytest.fixture(scope="module")
def survival():
    """Mean survival after YEARS over SEEDS: {(side, policy): share}, each run once."""
    pytest.importorskip("mesa")  # the `bench` extra
    spec = importlib.util.spec_from_file_location("benchmarks_sim", BENCHMARK)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    sides = {"ours": bench.ours_survival, "mesa": bench.mesa_survival}
    return {
        (side, policy): float(np.mean([survive(PAIRS, YEARS, seed, policy) for seed in SEEDS]))
        for side, survive in sides.items()
        for policy in ("need_based", "none")
    }


@pytest.mark.parametrize("policy", ["need_based", "none"])
def test_it_survives_as_the_mesa_model_does(survival, policy):
    assert survival["ours", policy] == pytest.approx(survival["mesa", policy], abs=TOLERANCE)


@pytest.mark.parametrize("side", ["ours", "mesa"])
def test_sharing_saves_herds(survival, side):
    # About 0.35 against 0.227 (Aktipis et al.): a gap well clear of the noise.
    assert survival[side, "need_based"] - survival[side, "none"] > 0.08


@pytest.mark.parametrize("policy", ["none", "need_based", "account_keeping", "pool"])
def test_asking_for_survival_only_changes_nothing_in_it(policy):
    # The benchmark asks for survival alone (no Gini, no trust): the run must be the same one.
    scenario = preset("maasai").with_changes(households=400, seasons=30)
    full = run(scenario, policy, 7)
    alone = run(scenario, policy, 7, trust=False, series=("survival",))
    assert list(alone) == ["survival"]
    np.testing.assert_array_equal(alone["survival"], full["survival"])
