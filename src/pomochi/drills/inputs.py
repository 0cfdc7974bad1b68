"""What a drill of a real community reads: the simulator's arrays, plus what a person needs to
read the result (household names, units). No Django here, so the CLI and the page share it."""

from dataclasses import dataclass

from pomochi.sim.drill import DrillInput


@dataclass(frozen=True)
class Unit:
    """How a resource's quantities are written: 12500 with 3 decimal places of kg is 12.5 kg."""

    unit: str
    decimal_places: int


@dataclass(frozen=True)
class CommunityDrillInput(DrillInput):
    """A DrillInput read from a community; run_drill takes it as it is."""

    household_names: dict[int, str]  # household id → name
    units: dict[str, Unit]  # resource name → its unit
    rations_given: frozenset[str]  # resources whose ration was given for this drill
    rations_from_bylaws: frozenset[str]  # resources drilled at the bylaws' standard ration
    rations_missing: tuple[str, ...]  # resources left out: no ration given, none in the bylaws
    weeks_of_history: int  # the weeks the recent inflow was read over

    def ration_source(self, name: str) -> str:
        """Where a resource's ration came from: "given" for this drill, or "bylaws"."""
        return "given" if name in self.rations_given else "bylaws"
