"""The stores week by week as a small SVG line, drawn on the server: no JavaScript, a few
hundred bytes, legible on a cheap phone."""

from dataclasses import dataclass

from pomochi.communities.quantities import format_quantity
from pomochi.drills.report import ResourceReport

WIDTH, HEIGHT = 320, 140
TOP, BOTTOM = 18, 116  # the plot's y range; labels above and below it


@dataclass(frozen=True)
class StockChart:
    width: int
    height: int
    top: int
    bottom: int
    points: str  # "x,y x,y …" for a <polyline>
    top_label: str  # the quantity at the top of the scale
    weeks: int
    # Where the first short week is, if within the horizon. Numbers go to the SVG as text made
    # here: a template would localise them ("12,5" in Russian), which SVG does not read.
    short_x: str | None


def stock_chart(report: ResourceReport) -> StockChart:
    values = report.stock_by_week
    weeks = len(values) - 1
    highest = max(values) or 1

    def x(week: int) -> float:
        return round(WIDTH * week / max(weeks, 1), 1)

    def y(value: int) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * value / highest, 1)

    points = " ".join(f"{x(week):g},{y(value):g}" for week, value in enumerate(values))
    short = report.weeks_covered
    return StockChart(
        width=WIDTH,
        height=HEIGHT,
        top=TOP,
        bottom=BOTTOM,
        points=points,
        top_label=format_quantity(
            max(values), decimal_places=report.decimal_places, unit=report.unit
        ),
        weeks=weeks,
        short_x=None if short is None else f"{x(short + 1):g}",
    )
