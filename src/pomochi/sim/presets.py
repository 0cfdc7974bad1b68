"""Named scenarios shipped with pomochi, kept as TOML files beside this module (the same format
a user writes), so a preset is also an example to copy."""

from pathlib import Path

from pomochi.sim.scenario import Scenario, ScenarioError, scenario_from_toml

HERE = Path(__file__).parent / "presets"


def preset_names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.toml"))


def preset(name: str) -> Scenario:
    """The named preset; "harvest-failure" and "harvest_failure" are the same."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    path = HERE / f"{key}.toml"
    if key not in preset_names():
        raise ScenarioError(f"unknown preset {name!r}; the presets are {', '.join(preset_names())}")
    return scenario_from_toml(path)
