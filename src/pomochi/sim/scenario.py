"""What a simulation is asked: a scenario, read from TOML or a preset, checked field by field.

A bad scenario is refused before anything runs, with a message naming the field
("shocks.probability: must be between 0 and 1"), so a coordinator who edited a file by hand
knows what to fix.
"""

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pomochi.fairshare import RULES

POLICIES = ("none", "need_based", "account_keeping", "pool")
Share = Annotated[float, Field(ge=0, le=1)]


class ScenarioError(ValueError):
    """A scenario that cannot be run; the message names the field and what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Growth(_Strict):
    """Growth of the stock itself each season (a herd calving): stock × (1 + N(mean, sd))."""

    mean: float = 0.0
    sd: Annotated[float, Field(ge=0)] = 0.0


class Harvest(_Strict):
    """What each household brings in per season, as a multiple of its need: N(mean, sd), ≥ 0."""

    mean: Annotated[float, Field(ge=0)] = 0.0
    sd: Annotated[float, Field(ge=0)] = 0.0


class Shocks(_Strict):
    """Idiosyncratic shocks: each household, with this probability, loses a random fraction."""

    probability: Share = 0.0
    mean: Share = 0.0
    sd: Annotated[float, Field(ge=0)] = 0.0
    # One loss per household hit, or one size for everyone hit that season.
    draw: Literal["per_household", "per_season"] = "per_household"


class VillageShock(_Strict):
    """A covariate shock: every household hit at once, from a season, for some seasons running."""

    season: Annotated[int, Field(ge=1)]
    seasons: Annotated[int, Field(ge=1)] = 1
    stock_loss: Share = 0.0
    harvest_loss: Share = 0.0


class Network(_Strict):
    """Who can ask whom: pairs, small groups, or a graph with this many partners each."""

    kind: Literal["pairs", "groups", "ring", "random", "modular"] = "pairs"
    size: Annotated[int, Field(ge=2, le=64)] = 2  # group size, or partners per household
    modules: Annotated[int, Field(ge=1)] = 4  # modular graphs: how many clusters
    # modular graphs: share of a household's partners found outside its own cluster
    bridge_share: Share = 0.1


class AccountKeeping(_Strict):
    """Help a partner only while its debt to you is below the limit (in units of need)."""

    debt_limit: Annotated[float, Field(ge=0)] = 1.0


class Pool(_Strict):
    """Households put a share of their surplus into a pool, shared by a bylaws' rule."""

    contribution: Share = 0.2
    rule: str = "max_min"

    @model_validator(mode="after")
    def _known_rule(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown allocation rule {self.rule!r}; one of: {', '.join(RULES)}")
        return self


class Trust(_Strict):
    """How ties change: help strengthens, a refusal by one able to help weakens, all decay."""

    gain: Share = 0.3
    loss: Share = 0.5
    decay: Share = 0.1
    tie_threshold: Share = 0.2  # a tie this strong counts as a helping tie
    window: Annotated[int, Field(ge=1)] = 3  # "recently", in seasons


class Scenario(_Strict):
    """Everything one simulation needs; every field has a sensible default but households."""

    name: str = "scenario"
    households: Annotated[int, Field(ge=2, le=10_000_000)]
    seasons: Annotated[int, Field(ge=1, le=10_000)] = 50
    # Stock and need are in units of one household's need per season (or, for herds, animals).
    start: Annotated[float, Field(gt=0)] = 1.0
    start_spread: Annotated[float, Field(ge=0)] = 0.0  # sd of log(start) between households
    threshold: Annotated[float, Field(gt=0)] = 1.0
    # Household sizes to draw from (need = threshold × size); [1] for herds.
    sizes: list[Annotated[int, Field(ge=1, le=100)]] = Field(default_factory=lambda: [1])
    cap: Annotated[float, Field(gt=0)] | None = None
    whole_units: bool = False
    # Each season a household eats this share of its need from its stock (0 for herds).
    consumption: Share = 0.0
    # A season counts against a household when it holds less than this share of its need
    # (1 for herds: below the threshold; 0.8 for grain: four-fifths of a ration keeps a
    # family, less does not).
    short_below: Annotated[float, Field(gt=0, le=1)] = 1.0
    growth: Growth = Growth()
    harvest: Harvest = Harvest()
    shocks: Shocks = Shocks()
    village_shocks: list[VillageShock] = Field(default_factory=list)
    fail_after: Annotated[int, Field(ge=1)] = 2
    fail_counting: Literal["cumulative", "consecutive"] = "cumulative"
    policies: list[Literal["none", "need_based", "account_keeping", "pool"]] = Field(
        default_factory=lambda: list(POLICIES)
    )
    network: Network = Network()
    account_keeping: AccountKeeping = AccountKeeping()
    pool: Pool = Pool()
    trust: Trust = Trust()

    @model_validator(mode="after")
    def _consistent(self):
        if self.threshold > self.start:
            raise ValueError(
                f"threshold ({self.threshold:g}) is above the starting stock ({self.start:g}): "
                "every household would start in need"
            )
        if self.cap is not None and self.cap < self.start:
            raise ValueError(f"cap ({self.cap:g}) is below the starting stock ({self.start:g})")
        if self.network.kind == "pairs" and self.households % 2:
            raise ValueError("households: pairs need an even number of households")
        if self.network.kind in ("ring", "random", "modular") and (
            self.network.size >= self.households
        ):
            raise ValueError(
                "network.size: a household cannot have as many partners as there are households"
            )
        if not self.policies:
            raise ValueError("policies: name at least one policy")
        if len(set(self.policies)) != len(self.policies):
            raise ValueError("policies: each policy once")
        return self

    def with_changes(self, **changes) -> "Scenario":
        """A copy with some fields replaced, checked again."""
        return scenario_from_dict({**self.model_dump(), **changes})


def scenario_from_dict(data: dict) -> Scenario:
    """A checked Scenario, or ScenarioError naming the first bad field."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(_describe(e)) from None


def scenario_from_toml(path: str | Path) -> Scenario:
    """Read and check a scenario file; ScenarioError says what is wrong and where."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{path}: not a TOML file: {e}") from None
    try:
        return scenario_from_dict(data)
    except ScenarioError as e:
        raise ScenarioError(f"{path}: {e}") from None


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "not a field of a scenario"
        lines.append(f"{where}: {message}" if where else message)
    return "; ".join(lines)
