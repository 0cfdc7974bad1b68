"""Many runs of a scenario under each of its policies, and what they add up to.

Runs are reproducible from one seed: run r of every policy starts from the same child of that
seed — the same households and the same partner network — so a gap between two policies is
measured run by run, and its confidence interval is that of the paired differences. (Their
draws part ways once different households leave, so the pairing narrows the interval less
than common random numbers would; the interval is right either way.)
"""

import math
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
from scipy import stats
from tqdm import tqdm

from pomochi.sim.engine import SERIES, Households, run
from pomochi.sim.scenario import Scenario

CONFIDENCE = 0.95
JSON_SERIES = ("survival", "gini", "unmet", "trust")


@dataclass(frozen=True)
class Estimate:
    """A mean over runs with its 95% confidence interval (NaN bounds for a single run)."""

    mean: float
    low: float
    high: float

    def __str__(self) -> str:
        if math.isnan(self.low):
            return f"{self.mean:.3f}"
        return f"{self.mean:.3f} ({self.low:.3f}–{self.high:.3f})"


def estimate(values: np.ndarray) -> Estimate:
    """Mean and Student-t interval of the values that are known (NaN ones are left out)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return Estimate(math.nan, math.nan, math.nan)
    mean = float(v.mean())
    if v.size < 2:
        return Estimate(mean, math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return Estimate(mean, mean - half, mean + half)


@dataclass
class Results:
    scenario: Scenario
    seed: int
    # policy -> series name -> array (runs, seasons)
    series: dict[str, dict[str, np.ndarray]]

    @property
    def runs(self) -> int:
        first = next(iter(self.series.values()))
        return first["survival"].shape[0]

    def mean(self, policy: str, name: str) -> np.ndarray:
        """The series averaged over runs, season by season (NaN where no run knows it)."""
        values = self.series[policy][name]
        known = ~np.isnan(values)
        counts = known.sum(axis=0)
        sums = np.where(known, values, 0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)

    def band(self, policy: str, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper 95% bounds, season by season."""
        values = self.series[policy][name]
        found = [estimate(values[:, t]) for t in range(values.shape[1])]
        return np.array([e.low for e in found]), np.array([e.high for e in found])

    def final(self, policy: str, name: str) -> Estimate:
        """The last season's value over runs."""
        return estimate(self.series[policy][name][:, -1])

    def overall(self, policy: str, name: str) -> Estimate:
        """The per-run average over all seasons (unmet need, trust), over runs."""
        values = self.series[policy][name]
        with np.errstate(invalid="ignore"):
            per_run = np.array([np.nanmean(r) if (~np.isnan(r)).any() else np.nan for r in values])
        return estimate(per_run)

    def gap(self, better: str, worse: str, name: str = "survival") -> Estimate:
        """The last season's difference between two policies, paired run by run."""
        return estimate(self.series[better][name][:, -1] - self.series[worse][name][:, -1])

    def summary_rows(self) -> list[dict]:
        rows = []
        for policy in self.series:
            total_transfers = self.series[policy]["transfers"].sum(axis=1)
            rows.append(
                {
                    "policy": policy,
                    "survival": self.final(policy, "survival"),
                    "unmet": self.overall(policy, "unmet"),
                    "gini": self.final(policy, "gini"),
                    "transfers": estimate(total_transfers),
                    "trust": self.final(policy, "trust"),
                }
            )
        return rows

    def as_json(self) -> dict:
        """{"policies": {policy: {series: [mean after season 1, 2, …]}}}: NaN becomes null."""
        return {
            "scenario": self.scenario.name,
            "runs": self.runs,
            "seed": self.seed,
            "policies": {
                policy: {name: _plain(self.mean(policy, name)) for name in JSON_SERIES}
                for policy in self.series
            },
        }


def _plain(values: np.ndarray) -> list:
    return [None if math.isnan(v) else round(float(v), 6) for v in values]


def simulate(
    scenario: Scenario,
    *,
    runs: int = 20,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
    households: Households | None = None,
) -> Results:
    """Run every policy of the scenario `runs` times; workers > 1 spreads runs over processes.

    The result is the same whatever the number of workers: run r always uses seed child r.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    children = np.random.SeedSequence(seed).spawn(runs)
    per_run: list[dict | None] = [None] * runs
    bar = tqdm(total=runs, desc=scenario.name, unit="run", disable=not progress)
    with bar:
        if workers == 1:
            for r, child in enumerate(children):
                per_run[r] = _one_run(scenario, child, households)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {
                    pool.submit(_one_run, scenario, child, households): r
                    for r, child in enumerate(children)
                }
                for future in as_completed(futures):
                    per_run[futures[future]] = future.result()
                    bar.update()
    series = {
        policy: {name: np.stack([r[policy][name] for r in per_run]) for name in SERIES}
        for policy in scenario.policies
    }
    return Results(scenario=scenario, seed=seed, series=series)


def _one_run(scenario: Scenario, child: np.random.SeedSequence, households) -> dict:
    return {
        policy: run(scenario, policy, child, households=households) for policy in scenario.policies
    }
