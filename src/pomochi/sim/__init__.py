"""pomochi.sim: households, shocks and mutual-aid policies over seasons, vectorised with numpy.

Imports nothing from Django, so researchers can use it on its own:

    >>> from pomochi.sim import preset, simulate
    >>> results = simulate(preset("maasai").with_changes(households=100), runs=2, seed=1)
    >>> sorted(results.series)
    ['account_keeping', 'need_based', 'none', 'pool']
"""

from pomochi.sim.drill import DrillError, DrillInput, DrillOutcome, Resource, Shock, run_drill
from pomochi.sim.engine import SERIES, Households, run
from pomochi.sim.presets import preset, preset_names
from pomochi.sim.results import Estimate, Results, estimate, simulate
from pomochi.sim.scenario import (
    POLICIES,
    Scenario,
    ScenarioError,
    scenario_from_dict,
    scenario_from_toml,
)

__all__ = [
    "POLICIES",
    "SERIES",
    "DrillError",
    "DrillInput",
    "DrillOutcome",
    "Estimate",
    "Households",
    "Resource",
    "Results",
    "Scenario",
    "ScenarioError",
    "Shock",
    "estimate",
    "preset",
    "preset_names",
    "run",
    "run_drill",
    "scenario_from_dict",
    "scenario_from_toml",
    "simulate",
]
