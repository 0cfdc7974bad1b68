"""A drill's question as text — shocks as NAME=VALUE, rations as RESOURCE=QUANTITY — read for
the command line and the API alike."""

from django.utils.translation import gettext as _

from pomochi.communities.models import Community
from pomochi.communities.quantities import parse_quantity
from pomochi.drills.selectors import drill_resources
from pomochi.errors import InvalidInput
from pomochi.sim.drill import DrillError, Shock

# Every door of the drill (the page, the API, the command) asks its shocks in percent.
SHOCKS = {"stock_loss": 100, "inflow_loss": 100, "demand_up": 900}  # name → its largest


def shock_from_percent(*, stock_loss: float = 0, inflow_loss: float = 0, demand_up: float = 0):
    """The simulator's Shock from percentages: 50 of the stores lost, 100 of the inflow (a
    blockade), demand up by 20 (a fifth more asked)."""
    return Shock(
        stock_loss=stock_loss / 100, inflow_loss=inflow_loss / 100, demand=1 + demand_up / 100
    )


def shock_as_percent(shock: Shock) -> dict[str, float]:
    """The shock as the doors ask it, in percent (rounded off the float error of ÷ 100)."""
    return {
        "stock_loss": round(shock.stock_loss * 100, 6),
        "inflow_loss": round(shock.inflow_loss * 100, 6),
        "demand_up": round((shock.demand - 1) * 100, 6),
    }


def parse_shocks(items: list[str]) -> Shock:
    """NAME=VALUE pairs, each VALUE a percentage (50 or 50%): stock_loss and inflow_loss from
    0 to 100, demand_up from 0 to 900."""
    shocks = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in SHOCKS:
            raise DrillError(
                _("--shock %(item)r: write NAME=PERCENT, NAME one of %(names)s")
                % {"item": item, "names": ", ".join(SHOCKS)}
            )
        text = value.strip().removesuffix("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise DrillError(
                _("--shock %(name)s: %(value)r is not a number") % {"name": name, "value": value}
            ) from None
        if not 0 <= number <= SHOCKS[name]:  # NaN too
            raise DrillError(
                _("--shock %(name)s: a percentage from 0 to %(most)d, not %(value)s")
                % {"name": name, "most": SHOCKS[name], "value": value.strip()}
            )
        shocks[name] = number
    return shock_from_percent(**shocks)


def parse_rations(community: Community, items: list[str]) -> dict[str, int]:
    """RESOURCE=QUANTITY pairs, each quantity read exactly in the resource's own unit."""
    units = {
        name: (unit, places)
        for name, unit, places in drill_resources(community=community).values_list(
            "name", "unit", "decimal_places"
        )
    }
    rations = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in units:
            raise DrillError(
                _("--ration %(item)r: write RESOURCE=QUANTITY, RESOURCE one of %(names)s")
                % {"item": item, "names": ", ".join(units) or _("(none)")}
            )
        unit, places = units[name]
        try:
            rations[name] = parse_quantity(value, decimal_places=places, unit=unit)
        except InvalidInput as e:
            raise DrillError(f"--ration {name}: {e}") from None
    return rations
