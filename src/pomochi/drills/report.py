"""A drill's outcome as a person reads it, one row per resource: shared by the page and the CLI.

Quantities are written in each resource's unit, households by name; the raw numbers stay
alongside for a chart or a machine. For the API and --format json, `for_machines` writes them with
a decimal point and no grouping whatever the language; for a person, in the active language.
"""

from dataclasses import dataclass

from pomochi.communities.quantities import format_quantity, format_quantity_plain
from pomochi.drills.inputs import CommunityDrillInput, Unit
from pomochi.sim.drill import DrillOutcome


@dataclass(frozen=True)
class ShortHousehold:
    household_id: int
    name: str
    week: int  # the first week it is given less than it asks, 1-based


@dataclass(frozen=True)
class ResourceReport:
    name: str
    unit: str
    decimal_places: int
    stock: str  # in store now
    stock_after_shock: str  # what is left once the shock has taken its part
    ration: str  # per person per week
    ration_given: bool  # given for this drill; False: the bylaws' standard ration
    ration_source: str  # "given" or "bylaws"
    inflow: str  # per week, after the shock
    asked: str  # what all the households ask each week, after the shock
    weeks: int  # the horizon
    weeks_covered: int | None  # whole weeks everyone gets all they ask; None: the whole horizon
    weeks_until_empty: int | None  # the week the stores are empty; None: not within the horizon
    households_short: int  # households short at some week of the horizon
    short_first: list[ShortHousehold]  # those short first, earliest first
    stock_by_week: list[int]  # smallest unit: after the shock (week 0), then at each week's end

    @property
    def lasts_the_horizon(self) -> bool:
        return self.weeks_covered is None


def drill_report(
    *,
    outcome: DrillOutcome,
    inputs: CommunityDrillInput,
    limit: int = 10,
    for_machines: bool = False,
) -> list[ResourceReport]:
    """One row per resource of the outcome, naming at most `limit` households short first."""
    fmt = format_quantity_plain if for_machines else format_quantity
    drilled = {r.name: r for r in inputs.resources}
    ids = inputs.household_ids
    reports = []
    for result in outcome.resources:
        resource = drilled[result.name]
        unit = inputs.units[result.name]

        def q(value: int, unit=unit) -> str:
            return fmt(int(value), decimal_places=unit.decimal_places, unit=unit.unit)

        start, inflow = result.start, result.inflow
        asked_weekly = float(inputs.sizes.sum()) * result.ration * outcome.shock.demand
        reports.append(
            ResourceReport(
                name=result.name,
                unit=unit.unit,
                decimal_places=unit.decimal_places,
                stock=q(resource.stock),
                stock_after_shock=q(start),
                ration=_fractional(result.ration, unit, fmt),
                ration_given=result.name in inputs.rations_given,
                ration_source=inputs.ration_source(result.name),
                inflow=q(inflow),
                asked=_fractional(asked_weekly, unit, fmt),
                weeks=outcome.weeks,
                weeks_covered=result.weeks_covered,
                weeks_until_empty=result.weeks_until_empty,
                households_short=int((result.first_short > 0).sum()),
                short_first=[
                    ShortHousehold(
                        household_id=int(ids[i]),
                        name=inputs.household_names[int(ids[i])],
                        week=week,
                    )
                    for i, week in result.short_first(limit)
                ],
                stock_by_week=[start, *(int(s) for s in result.stock)],
            )
        )
    return reports


def _fractional(value: float, unit: Unit, fmt=format_quantity) -> str:
    """A rate that may be a fraction of the smallest unit (0.05 bundles a week), written with
    two more decimal places than the unit keeps, trailing zeros dropped."""
    places = unit.decimal_places + 2
    return fmt(round(value * 10**2), decimal_places=places, unit=unit.unit)


def drill_document(
    *, community_slug: str, inputs: CommunityDrillInput, outcome: DrillOutcome, reports
) -> dict:
    """The whole drill as plain data: the command line's --format json and the API's answer."""
    from pomochi.drills.arguments import shock_as_percent

    return {
        "community": community_slug,
        "rule": inputs.rule,
        "weeks": outcome.weeks,
        "shock": shock_as_percent(outcome.shock),  # percent, as every door asks it
        "resources": [report_as_dict(r) for r in reports],
        "rations_missing": list(inputs.rations_missing),
    }


def report_as_dict(report: ResourceReport) -> dict:
    """The row as plain data."""
    return {
        "resource": report.name,
        "unit": report.unit,
        "stock": report.stock,
        "stock_after_shock": report.stock_after_shock,
        "ration": report.ration,
        "ration_given": report.ration_given,
        "ration_source": report.ration_source,
        "inflow": report.inflow,
        "weeks_covered": report.weeks_covered,
        "weeks_until_empty": report.weeks_until_empty,
        "households_short": report.households_short,
        "short_first": [{"household": h.name, "week": h.week} for h in report.short_first],
        "stock_by_week": report.stock_by_week,
    }
