"""The project's one chart style: small SVG drawn on the server, no JavaScript, a few hundred
bytes, legible on a cheap phone. Every chart on a page is made here (a drill's stores week by
week, a store's stock month by month and what came in and went out), so they look alike.

Pure Python, nothing from Django: the words (title, labels) are given already translated and
quantities already written in the reader's language; coordinates are written here with a decimal
point, which SVG needs whatever the language. A chart is accessible by its <title> (role="img");
the page puts its numbers beside it as text (a table or a summary), since a chart alone says
nothing to a screen reader or to a reader who wants the figures.

A `Chart` renders itself in a template (`{{ chart }}`): it is markup made here, every text in it
escaped.
"""

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 320, 140
TOP, BOTTOM = 18, 116  # the plot's y range; labels above and below it
INK = "#2f6b3b"  # the line, and what came in
OUT = "#a32020"  # what went out, a short week
GRID = "#d8dee4"
LABEL = "#5f6b76"  # 5.4:1 on white: AA for small text


class Chart(str):
    """The SVG markup, as a string that says it is markup (`__html__`, as Django's SafeString
    does), so a template writes it as it is."""

    def __html__(self) -> str:
        return str.__str__(self)

    @property
    def svg(self) -> str:
        return str.__str__(self)


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def _frame(*, chart_id: str, title: str, body: list[str]) -> Chart:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
    )
    return Chart(head + "".join(body) + "</svg>")


def _labels(top_label: str, start_label: str, end_label: str) -> list[str]:
    return [
        f'<text x="0" y="12" font-size="11" fill="{LABEL}">{escape(top_label)}</text>',
        f'<text x="0" y="{HEIGHT}" dy="-6" font-size="11" fill="{LABEL}">'
        f"{escape(start_label)}</text>",
        f'<text x="{WIDTH}" y="{HEIGHT}" dy="-6" font-size="11" fill="{LABEL}" '
        f'text-anchor="end">{escape(end_label)}</text>',
    ]


def line_chart(
    *,
    chart_id: str,
    title: str,
    values: Sequence[int],
    top_label: str,
    start_label: str,
    end_label: str,
    marker: int | None = None,
) -> Chart:
    """A line through `values` (one per step, left to right) from 0 at the bottom to the
    highest at the top; `marker`: the index of a step to mark with a dashed upright (the first
    short week)."""
    steps = max(len(values) - 1, 1)
    highest = max(values, default=0) or 1

    def x(i: float) -> float:
        return WIDTH * i / steps

    def y(value: int) -> float:
        return BOTTOM - (BOTTOM - TOP) * max(value, 0) / highest

    points = " ".join(f"{_n(x(i))},{_n(y(v))}" for i, v in enumerate(values))
    if len(values) == 1:  # one month: a level line across, not a dot
        points += f" {WIDTH},{_n(y(values[0]))}"
    body = [
        f'<line x1="0" y1="{TOP}" x2="{WIDTH}" y2="{TOP}" stroke="{GRID}" stroke-dasharray="2 3"/>',
        f'<line x1="0" y1="{BOTTOM}" x2="{WIDTH}" y2="{BOTTOM}" stroke="{GRID}"/>',
    ]
    if marker is not None:
        mx = _n(x(min(marker, steps)))
        body.append(
            f'<line class="marker" x1="{mx}" y1="{TOP}" x2="{mx}" y2="{BOTTOM}" stroke="{OUT}" '
            'stroke-dasharray="4 3"/>'
        )
    body.append(
        f'<polyline points="{points}" fill="none" stroke="{INK}" stroke-width="2" '
        'stroke-linejoin="round"/>'
    )
    return _frame(
        chart_id=chart_id, title=title, body=body + _labels(top_label, start_label, end_label)
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    up: Sequence[int],
    down: Sequence[int],
    top_label: str,
    start_label: str,
    end_label: str,
) -> Chart:
    """Two bars a step about a middle line: `up` above it (what came in), `down` below it
    (what went out), on one scale so they compare."""
    steps = max(len(up), len(down), 1)
    highest = max([*up, *down, 0]) or 1
    middle = (TOP + BOTTOM) / 2
    half = (BOTTOM - TOP) / 2
    slot = WIDTH / steps
    width = max(slot * 0.7, 1)
    body = [f'<line x1="0" y1="{_n(middle)}" x2="{WIDTH}" y2="{_n(middle)}" stroke="{GRID}"/>']
    for i in range(steps):
        left = _n(i * slot + (slot - width) / 2)
        into = up[i] if i < len(up) else 0
        out = down[i] if i < len(down) else 0
        if into > 0:
            h = half * into / highest
            body.append(
                f'<rect class="in" x="{left}" y="{_n(middle - h)}" width="{_n(width)}" '
                f'height="{_n(h)}" fill="{INK}"/>'
            )
        if out > 0:
            h = half * out / highest
            body.append(
                f'<rect class="out" x="{left}" y="{_n(middle)}" width="{_n(width)}" '
                f'height="{_n(h)}" fill="{OUT}"/>'
            )
    return _frame(
        chart_id=chart_id, title=title, body=body + _labels(top_label, start_label, end_label)
    )
