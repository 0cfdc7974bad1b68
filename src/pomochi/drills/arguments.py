"""A drill's question as text — shocks as NAME=VALUE, rations as RESOURCE=QUANTITY — read for
the command line and the API alike."""

from django.utils.translation import gettext as _

from pomochi.communities.models import Community
from pomochi.communities.quantities import parse_quantity
from pomochi.drills.selectors import drill_resources
from pomochi.errors import InvalidInput
from pomochi.sim.drill import DrillError

SHOCKS = ("stock_loss", "inflow_loss", "demand")


def parse_shocks(items: list[str]) -> dict[str, float]:
    """NAME=VALUE pairs: shares as 0.5 or 50%, demand as a factor (1.2)."""
    shocks = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in SHOCKS:
            raise DrillError(
                _("--shock %(item)r: write NAME=VALUE, NAME one of %(names)s")
                % {"item": item, "names": ", ".join(SHOCKS)}
            )
        text = value.strip()
        try:
            number = float(text.removesuffix("%")) / (100 if text.endswith("%") else 1)
        except ValueError:
            raise DrillError(
                _("--shock %(name)s: %(value)r is not a number") % {"name": name, "value": value}
            ) from None
        if number != number:  # NaN
            raise DrillError(_("--shock %(name)s: not a number") % {"name": name})
        shocks[name] = number
    return shocks


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
