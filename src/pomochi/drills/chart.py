"""A drill's stores week by week, drawn in the project's one chart style (pomochi.charts)."""

from django.utils.translation import gettext as _

from pomochi.charts import Chart, line_chart
from pomochi.communities.quantities import format_quantity
from pomochi.drills.report import ResourceReport


def stock_chart(report: ResourceReport, *, chart_id: str) -> Chart:
    """The stores at the end of each week from now (after the shock), the first short week
    marked; its figures are beside it on the page (the verdict and the facts)."""
    values = report.stock_by_week
    short = report.weeks_covered
    return line_chart(
        chart_id=chart_id,
        title=_("Stores of %(name)s week by week over %(weeks)d weeks, from %(first)s")
        % {"name": report.name, "weeks": report.weeks, "first": report.stock_after_shock},
        values=values,
        top_label=format_quantity(
            max(values), decimal_places=report.decimal_places, unit=report.unit
        ),
        start_label=_("now"),
        end_label=_("week %(n)d") % {"n": len(values) - 1},
        marker=None if short is None else short + 1,
    )
