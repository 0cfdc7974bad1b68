"""Seconds to compute an allocation round with each fairshare rule for 10 k, 100 k, 1 M households.

    .venv/bin/python benchmarks/allocation.py [--sizes 10000 100000 1000000] [--repeat 3]

Each round is random but seeded: asks of 0–50 kg in grams (one household in twenty asks
nothing), household sizes 1–8, priorities 0–3, household ids shuffled (as database ids come in
no useful order), and 60 % of what was asked to share. Every rule is given the same arrays, the
way the aid app calls it (sizes and priorities included), and the time covers the whole call:
checking the input, the rule, the rounding and the explanation arrays. Each figure is the best
of --repeat runs. After timing, each result is checked: nobody above their ask or below zero,
and the sum exact.

The last line on stdout is one JSON object: {"<rule>": {"10000": seconds, …}, …}.
Target: under 2 s for 1 M households with every rule.
"""

import argparse
import gc
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from pomochi.fairshare import RULES, allocate  # noqa: E402

SEED = 2026
MAX_ASK = 50_000  # grams
SHARE_OF_ASKED = 0.6


def make_round(households: int) -> dict:
    rng = np.random.default_rng(SEED + households)
    asked = rng.integers(0, MAX_ASK, households, endpoint=True)
    asked[rng.random(households) < 0.05] = 0
    return {
        "asked": asked,
        "total": int(asked.sum() * SHARE_OF_ASKED),
        "sizes": rng.integers(1, 8, households, endpoint=True),
        "priorities": rng.integers(0, 3, households, endpoint=True),
        "ids": rng.permutation(households).astype(np.int64) + 1,
    }


def best_time(rule: str, round_: dict, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = allocate(rule, **round_)
        best = min(best, time.perf_counter() - start)
    return best, result


def check(rule: str, round_: dict, result) -> None:
    asked, shares = round_["asked"], result.shares
    assert (shares >= 0).all() and (shares <= asked).all(), rule
    assert result.handed_out == int(shares.sum()) <= round_["total"], rule
    if rule != "equal_per_household":
        assert result.handed_out == min(round_["total"], int(asked.sum())), rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rounds = {n: make_round(n) for n in args.sizes}
    allocate("max_min", [1, 2], 1)  # warm up imports and numpy's first calls
    results: dict[str, dict[str, float]] = {}
    for rule in RULES:
        results[rule] = {}
        for n, round_ in rounds.items():
            seconds, result = best_time(rule, round_, args.repeat)
            check(rule, round_, result)
            results[rule][str(n)] = round(seconds, 4)
            print(f"{rule:>20} {n:>9,} households: {seconds:.3f} s", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
