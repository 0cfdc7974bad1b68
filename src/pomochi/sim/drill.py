"""A drill: a real community's stores, stepped week by week under a shock, writing nothing.

The platform reads the community's households, pools and bylaws into a DrillInput (the
drills app does that through selectors); this module only counts. Each week every household
asks for size × ration of each resource, the stores take in their weekly inflow, and what
they hold is shared by the bylaws' rule — the same fairshare function a real allocation
round uses — so "who runs short first" is who the rule would leave short.
"""

from dataclasses import dataclass, field

import numpy as np

from pomochi import fairshare

MAX_WEEKS = 520


class DrillError(ValueError):
    """A drill that cannot be run; the message names the field."""


@dataclass(frozen=True)
class Shock:
    """What goes wrong: part of the stores lost at once, part of the weekly inflow lost (1 =
    a blockade: nothing comes in), and demand raised (1.5 = half as much again is asked)."""

    stock_loss: float = 0.0
    inflow_loss: float = 0.0
    demand: float = 1.0

    def __post_init__(self):
        for name in ("stock_loss", "inflow_loss"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise DrillError(f"{name}: must be a share between 0 and 1, not {value:g}")
        if not 0 < self.demand <= 10:
            raise DrillError(f"demand: must be above 0 and at most 10, not {self.demand:g}")


@dataclass(frozen=True)
class Resource:
    """One resource the stores hold, in its smallest unit (grams, hours × 100)."""

    name: str
    stock: int
    # Per person per week. It may be a fraction of the smallest unit (a twentieth of a bundle
    # of firewood): each household's fractions add up week by week and it asks for a whole
    # unit when they reach one, so a coarse unit is not rounded away to "nobody needs any".
    ration: float
    inflow: int = 0  # per week, before the shock


@dataclass(frozen=True)
class DrillInput:
    household_ids: np.ndarray  # int64
    sizes: np.ndarray  # int64, people
    priorities: np.ndarray  # int64, higher is served first under priority_tiers
    resources: list[Resource]
    rule: str

    def __post_init__(self):
        n = self.household_ids.size
        if self.sizes.size != n or self.priorities.size != n:
            raise DrillError("households: ids, sizes and priorities must have the same length")
        if self.rule not in fairshare.RULES:
            raise DrillError(f"rule: unknown allocation rule {self.rule!r}")
        for r in self.resources:
            if r.stock < 0 or not r.ration >= 0 or r.inflow < 0:
                raise DrillError(f"{r.name}: stock, ration and inflow cannot be negative")


@dataclass
class ResourceOutcome:
    name: str
    ration: float
    start: int  # in store once the shock has taken its part
    inflow: int  # coming in each week, after the shock
    stock: np.ndarray  # stores at the end of each week, length weeks
    asked: np.ndarray  # asked each week
    given: np.ndarray  # given each week
    first_short: np.ndarray = field(
        repr=False
    )  # per household: first week short (1-based), 0 never

    @property
    def weeks_covered(self) -> int | None:
        """Whole weeks in which every household got all it asked; None: the whole horizon."""
        short = np.flatnonzero(self.given < self.asked)
        return None if short.size == 0 else int(short[0])

    @property
    def weeks_until_empty(self) -> int | None:
        """The week the stores are first empty at its end; None if never within the horizon."""
        empty = np.flatnonzero(self.stock == 0)
        return None if empty.size == 0 else int(empty[0]) + 1

    def short_first(self, limit: int = 10) -> list[tuple[int, int]]:
        """(household index, week) of those who run short first, earliest first."""
        short = np.flatnonzero(self.first_short > 0)
        order = short[np.argsort(self.first_short[short], kind="stable")]
        return [(int(i), int(self.first_short[i])) for i in order[:limit]]


@dataclass
class DrillOutcome:
    weeks: int
    shock: Shock
    resources: list[ResourceOutcome]


def run_drill(inputs: DrillInput, *, shock: Shock = Shock(), weeks: int = 52) -> DrillOutcome:
    """Step the stores week by week; nothing is written anywhere."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise DrillError(f"weeks: must be between 1 and {MAX_WEEKS}, not {weeks}")
    rule = fairshare.RULES[inputs.rule]
    outcomes = []
    for resource in inputs.resources:
        # round, not int(): 100 kg less 90% is 10 kg, not the 9.999 kg float error leaves
        start = stock = round(resource.stock * (1 - shock.stock_loss))
        inflow = round(resource.inflow * (1 - shock.inflow_loss))
        weekly = inputs.sizes * (resource.ration * shock.demand)
        due = np.zeros(inputs.sizes.size)
        first_short = np.zeros(inputs.sizes.size, dtype=np.int64)
        stocks = np.zeros(weeks, dtype=np.int64)
        asked = np.zeros(weeks, dtype=np.int64)
        given = np.zeros(weeks, dtype=np.int64)
        for week in range(weeks):
            stock += inflow
            due += weekly
            # 1e-9: a ration of 0.1 unit adds to 0.999… after ten weeks, not 1, in floats
            asks = np.floor(due + 1e-9).astype(np.int64)
            due -= asks
            asked[week] = int(asks.sum())
            if asked[week]:
                shares = rule(
                    asks,
                    stock,
                    sizes=inputs.sizes,
                    priorities=inputs.priorities,
                    ids=inputs.household_ids,
                ).shares
                handed = int(shares.sum())
                newly_short = (shares < asks) & (first_short == 0)
                first_short[newly_short] = week + 1
                stock -= handed
                given[week] = handed
            stocks[week] = stock
        outcomes.append(
            ResourceOutcome(
                name=resource.name,
                ration=resource.ration,
                start=start,
                inflow=inflow,
                stock=stocks,
                asked=asked,
                given=given,
                first_short=first_short,
            )
        )
    return DrillOutcome(weeks=weeks, shock=shock, resources=outcomes)
