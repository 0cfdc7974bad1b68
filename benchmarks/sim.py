"""Seconds for the herding replication: pomochi.sim against the same rules written for Mesa.

    .venv/bin/python benchmarks/sim.py [--pairs 10000] [--years 50] [--seed 2026]
                                       [--repeat 7] [--mesa-repeat 2] [--skip-million]

The model is Aktipis, Cronk & de Aguiar (2011), our `maasai` preset: pairs of herds; each year
growth by N(0.034, 0.0253), with probability 0.1 a loss of N(0.3, 0.1) of the herd (clipped to
[0, 1]), whole animals, cap 600; a herd below 64 asks its partner for the difference and the
partner gives what it holds above 64, up to that; a herd below 64 in two years (cumulative) is
removed, and a removed partner gives nothing. Start 70, 50 years.

- ours: `pomochi.sim.engine.run` on the preset with 2 × --pairs households, policy need_based,
  trust off and only the survival series asked for; best of --repeat runs.
- mesa: the same rules written as Mesa's own examples write a model (Mesa 3.3, the `bench`
  extra): one `Herd` agent per herd, each phase of a year (grow, ask, reckon) stepped with the
  AgentSet's `shuffle_do`, the model's seeded `random`, survival counted from `model.agents`
  and nothing else collected; best of --mesa-repeat runs. Its numbers are the preset's, read
  from the same Scenario, so the two sides cannot drift apart.

Both clocks start before the herds are made (the scenario is read before) and stop after the
last year; the runs of the two sides alternate, so a stretch of load elsewhere on the machine
falls on both. speedup = mesa_s / ours_s (target ≥ 100). The two draw different random
numbers, so their survivals agree up to sampling error: 20 000 herds in independent pairs give
one run a standard error of at most 0.005, the difference of two runs at most 0.007; the target
is ±0.02. `none_*` are the same without transfers (about 0.227), one more run each.

Unless --skip-million, "1 M households × 100 seasons": one run of each policy on the preset
(every series, trust on), each in a child process of its own, so that its peak RSS
(resource.getrusage, ru_maxrss) is its own; rss_before_mb is that process before the run, with
Python, numpy, scipy and Mesa imported.

The last line on stdout is one JSON object:
{"ours_s", "mesa_s", "speedup", "ours_survival", "mesa_survival", "none_ours_survival",
 "none_mesa_survival", "ours_runs_s", "mesa_runs_s", "pairs", "years", "seed", "versions",
 "million": {policy: {"seconds", "peak_rss_mb", "rss_before_mb", "survival"}}}
"""

import argparse
import gc
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from pomochi.sim import POLICIES, Scenario, preset  # noqa: E402
from pomochi.sim.engine import run  # noqa: E402

MILLION = {"households": 1_000_000, "seasons": 100}


def herding(pairs: int, years: int) -> Scenario:
    """The maasai preset with this many pairs and years."""
    return preset("maasai").with_changes(households=2 * pairs, seasons=years)


# ---------------------------------------------------------------------------------------------
# Mesa: the same rules, one agent per herd.


class Herd(mesa.Agent):
    """A herd, its partner's herd, and the years it has spent below the threshold."""

    def __init__(self, model: "Herding"):
        super().__init__(model)
        self.size = model.start
        self.partner = None
        self.years_below = 0
        self.alive = True

    def grow(self):
        m = self.model
        size = self.size * (1 + self.random.gauss(m.growth_mean, m.growth_sd))
        if self.random.random() < m.shock_probability:
            loss = min(max(self.random.gauss(m.shock_mean, m.shock_sd), 0.0), 1.0)
            size *= 1 - loss
        self.size = min(round(size), m.cap)  # whole animals, as many as the land carries

    def ask(self):
        lacking = self.model.threshold - self.size
        if lacking > 0 and self.partner.alive:
            gift = min(lacking, self.partner.size - self.model.threshold)
            if gift > 0:
                self.partner.size -= gift
                self.size += gift

    def reckon(self):
        if self.size < self.model.threshold:
            self.years_below += 1
            if self.years_below >= self.model.fail_after:
                self.alive = False
                self.remove()


class Herding(mesa.Model):
    """Pairs of herds; "need_based": a herd below the threshold asks its partner, or "none"."""

    def __init__(self, scenario: Scenario, *, policy: str = "need_based", seed: int | None = None):
        if policy not in ("need_based", "none"):
            raise ValueError(f"the Mesa model knows need_based and none, not {policy!r}")
        super().__init__(seed=seed)
        sc = scenario
        self.policy = policy
        self.start, self.threshold, self.cap = sc.start, sc.threshold, sc.cap
        self.growth_mean, self.growth_sd = sc.growth.mean, sc.growth.sd
        self.shock_probability = sc.shocks.probability
        self.shock_mean, self.shock_sd = sc.shocks.mean, sc.shocks.sd
        self.fail_after = sc.fail_after
        self.herds = sc.households
        herds = list(Herd.create_agents(self, self.herds))
        for a, b in zip(herds[::2], herds[1::2], strict=True):
            a.partner, b.partner = b, a

    def step(self):
        # A year in our order: every herd grows and suffers its shock, then the needy ask,
        # then those below count the year and leave after the second.
        self.agents.shuffle_do("grow")
        if self.policy == "need_based":
            self.agents.shuffle_do("ask")
        self.agents.shuffle_do("reckon")

    def survival(self) -> float:
        return len(self.agents) / self.herds


def mesa_run(scenario: Scenario, seed: int, policy: str = "need_based") -> float:
    """Share of herds left after the scenario's seasons in the Mesa model."""
    model = Herding(scenario, policy=policy, seed=seed)
    for _ in range(scenario.seasons):
        model.step()
    return model.survival()


def mesa_survival(pairs: int, years: int, seed: int, policy: str = "need_based") -> float:
    """Share of herds left after `years` in the Mesa model ("need_based" or "none")."""
    return mesa_run(herding(pairs, years), seed, policy)


# ---------------------------------------------------------------------------------------------
# Ours.


def ours_run(scenario: Scenario, seed: int, policy: str = "need_based") -> float:
    """Share of herds left at the end in pomochi.sim, trust off, only survival computed."""
    out = run(scenario, policy, seed, trust=False, series=("survival",))
    return float(out["survival"][-1])


def ours_survival(pairs: int, years: int, seed: int, policy: str = "need_based") -> float:
    """Share of herds left after `years` in pomochi.sim ("need_based" or "none")."""
    return ours_run(herding(pairs, years), seed, policy)


def timed(call) -> tuple[float, float]:
    gc.collect()
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


# ---------------------------------------------------------------------------------------------
# 1 M households × 100 seasons, one policy per child process.


def million_one(policy: str, seed: int) -> dict:
    """One run, every series, trust on; peak RSS of this process, and its RSS before the run
    (Python, numpy, scipy and Mesa imported: the run's own share is the difference)."""
    scenario = preset("maasai").with_changes(**MILLION)
    gc.collect()
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    started = time.perf_counter()
    out = run(scenario, policy, seed)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "rss_before_mb": round(before_kb / 1024, 1),
        "survival": round(float(out["survival"][-1]), 4),
    }


def million(seed: int) -> dict:
    results = {}
    for policy in POLICIES:
        command = [sys.executable, str(Path(__file__).resolve()), f"--million-policy={policy}"]
        done = subprocess.run(
            [*command, f"--seed={seed}"], stdout=subprocess.PIPE, text=True, check=False
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            results[policy] = {"error": f"exited with status {done.returncode}; see stderr"}
            continue
        results[policy] = json.loads(lines[-1])
        print(f"1 M × 100, {policy}: {results[policy]}", file=sys.stderr)
    return results


# ---------------------------------------------------------------------------------------------


def main() -> None:
    args = _arguments()
    if args.million_policy:
        print(json.dumps(million_one(args.million_policy, args.seed)), flush=True)
        return
    scenario = herding(args.pairs, args.years)
    seed = args.seed
    ours_run(herding(100, 2), seed)  # warm up imports and numpy's first calls
    # Ours between Mesa's runs, so a stretch of load elsewhere falls on both; best of each.
    ours_times, mesa_times = [], []
    for i in range(max(args.repeat, args.mesa_repeat)):
        if i < args.mesa_repeat:
            seconds, theirs = timed(lambda: mesa_run(scenario, seed))
            mesa_times.append(seconds)
            print(f"mesa: {seconds:.3f} s, survival {theirs:.4f}", file=sys.stderr)
        if i < args.repeat:
            seconds, ours = timed(lambda: ours_run(scenario, seed))
            ours_times.append(seconds)
            print(f"ours: {seconds:.4f} s, survival {ours:.4f}", file=sys.stderr)
    ours_s, mesa_s = min(ours_times), min(mesa_times)
    result = {
        "ours_s": round(ours_s, 4),
        "mesa_s": round(mesa_s, 3),
        "speedup": round(mesa_s / ours_s, 1),
        "ours_survival": round(ours, 4),
        "mesa_survival": round(theirs, 4),
        "none_ours_survival": round(ours_run(scenario, seed, "none"), 4),
        "none_mesa_survival": round(mesa_run(scenario, seed, "none"), 4),
        "ours_runs_s": [round(s, 4) for s in ours_times],
        "mesa_runs_s": [round(s, 3) for s in mesa_times],
        "pairs": args.pairs,
        "years": args.years,
        "seed": seed,
        "versions": (
            f"Python {platform.python_version()}, numpy {np.__version__}, Mesa {mesa.__version__}"
        ),
    }
    if not args.skip_million:
        result["million"] = million(seed)
    print(json.dumps(result), flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=7, help="runs of ours; best one counts")
    parser.add_argument("--mesa-repeat", type=int, default=2, help="runs of Mesa; best counts")
    parser.add_argument(
        "--skip-million",
        action="store_true",
        help="leave out 1 M households × 100 seasons, one run per policy (about 40 s)",
    )
    parser.add_argument("--million-policy", choices=POLICIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pairs < 1 or args.years < 1 or args.repeat < 1 or args.mesa_repeat < 1:
        parser.error("need --pairs, --years, --repeat and --mesa-repeat ≥ 1")
    return args


if __name__ == "__main__":
    main()
