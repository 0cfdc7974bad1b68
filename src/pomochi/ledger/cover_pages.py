"""A store's cover as pages say it: the sentences, the home page's short line and the two charts
(stock month by month; in and out), in the reader's language. The figures are ledger.cover's;
the API gives the same ones (ledger.api's cover endpoint)."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.charts import Chart, bar_chart, line_chart
from pomochi.communities.quantities import format_quantity
from pomochi.ledger.cover import Cover, MonthFlow, community_covers, ration_text


@dataclass(frozen=True)
class CoverShown:
    """One resource of a store's page: its cover in words, its charts and its months."""

    cover: Cover
    sentences: list[str]
    stock_chart: Chart | None
    flow_chart: Chart | None
    months: list[dict]  # month, inflow, outflow, corrected, stock: in words, for the table
    corrections: bool  # any month with a correction (the table's column shown)


def weeks_words(weeks: int) -> str:
    if weeks == 0:
        return _("less than a week")
    return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}


def cover_sentences(cover: Cover) -> list[str]:
    """ "At the recent rate the grain lasts 9 weeks." "At the standard ration of 2 kg a person a
    week, 4 weeks." — or what is missing for either."""
    name = cover.resource.name
    if cover.weeks_at_rate is None:
        rate = ngettext(
            "Nothing of the %(resource)s was handed out in the last %(n)d week.",
            "Nothing of the %(resource)s was handed out in the last %(n)d weeks.",
            cover.recent_weeks,
        ) % {"resource": name, "n": cover.recent_weeks}
    else:
        rate = ngettext(
            "At the recent rate (the last %(n)d week) the %(resource)s lasts %(weeks)s.",
            "At the recent rate (the last %(n)d weeks) the %(resource)s lasts %(weeks)s.",
            cover.recent_weeks,
        ) % {"resource": name, "n": cover.recent_weeks, "weeks": weeks_words(cover.weeks_at_rate)}
    if cover.ration is None:
        ration = _("The bylaws set no standard ration of %(resource)s.") % {"resource": name}
    elif cover.weeks_at_ration is None:
        ration = _("Nobody is in a household yet to count the standard ration for.")
    else:
        ration = ngettext(
            "At the standard ration of %(ration)s a person a week, for %(people)d person, "
            "%(weeks)s.",
            "At the standard ration of %(ration)s a person a week, for %(people)d people, "
            "%(weeks)s.",
            cover.people,
        ) % {
            "ration": ration_text(cover.ration, cover.resource),
            "people": cover.people,
            "weeks": weeks_words(cover.weeks_at_ration),
        }
    return [rate, ration]


def cover_line(cover: Cover) -> str | None:
    """The home page's short line: "grain: 9 weeks at the recent rate, 4 weeks at the standard
    ration"; None when neither is known."""
    parts = []
    if cover.weeks_at_rate is not None:
        parts.append(
            _("%(weeks)s at the recent rate") % {"weeks": weeks_words(cover.weeks_at_rate)}
        )
    if cover.weeks_at_ration is not None:
        parts.append(
            _("%(weeks)s at the standard ration") % {"weeks": weeks_words(cover.weeks_at_ration)}
        )
    if not parts:
        return None
    return _("%(resource)s: %(cover)s") % {
        "resource": cover.resource.name,
        "cover": ", ".join(parts),
    }


def cover_lines(*, community) -> dict[int, list[tuple[str, bool]]]:
    """Store id → its short cover lines (the home page's cards), each with whether it is under
    the bylaws' threshold. Four queries."""
    lines: dict[int, list[tuple[str, bool]]] = {}
    for cover in community_covers(community=community):
        if (line := cover_line(cover)) is not None:
            lines.setdefault(cover.pool_id, []).append((line, cover.low))
    return lines


def _month(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def cover_shown(cover: Cover, *, index: int) -> CoverShown:
    resource = cover.resource
    months: list[MonthFlow] = list(cover.months)

    def q(value: int, signed: bool = False) -> str:
        return format_quantity(value, resource=resource, signed=signed)

    stock_chart = flow_chart = None
    if months:
        first, last = _month(months[0].month), _month(months[-1].month)
        stock_chart = line_chart(
            chart_id=f"stock-{index}",
            title=_("Stock of %(resource)s at the end of each month, %(first)s to %(last)s")
            % {"resource": resource.name, "first": first, "last": last},
            values=[m.stock for m in months],
            top_label=q(max(m.stock for m in months)),
            start_label=first,
            end_label=last,
        )
        flow_chart = bar_chart(
            chart_id=f"flow-{index}",
            title=_(
                "%(resource)s in (above the line) and out (below it) each month, "
                "%(first)s to %(last)s"
            )
            % {"resource": resource.name, "first": first, "last": last},
            up=[m.inflow for m in months],
            down=[m.outflow for m in months],
            top_label=q(max([m.inflow for m in months] + [m.outflow for m in months])),
            start_label=first,
            end_label=last,
        )
    return CoverShown(
        cover=cover,
        sentences=cover_sentences(cover),
        stock_chart=stock_chart,
        flow_chart=flow_chart,
        months=[
            {
                "month": _month(m.month),
                "inflow": q(m.inflow),
                "outflow": q(m.outflow),
                "corrected": q(m.corrected, signed=True) if m.corrected else "",
                "stock": q(m.stock),
            }
            for m in months
        ],
        corrections=any(m.corrected for m in months),
    )
