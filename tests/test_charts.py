"""pomochi.charts, the one chart style: well-formed SVG, accessible by its title, every text
escaped, coordinates with a decimal point whatever the language, and nothing from Django."""

import subprocess
import sys
from xml.etree import ElementTree

from django.template import Context, Template
from django.utils import translation

from pomochi.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ElementTree.Element:
    return ElementTree.fromstring(str(chart))


def test_a_line_chart_is_well_formed_and_titled():
    svg = parse(
        line_chart(
            chart_id="c1",
            title="Stock of <grain> & more",
            values=[100, 50, 0],
            top_label="100 kg",
            start_label="now",
            end_label="week 2",
            marker=1,
        )
    )
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title"
    title = svg.find(f"{SVG}title")
    assert title.get("id") == "c1-title" and title.text == "Stock of <grain> & more"
    assert svg.find(f"{SVG}polyline").get("points") == "0,18 160,67 320,116"
    assert svg.find(f"{SVG}line[@class='marker']").get("x1") == "160"
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["100 kg", "now", "week 2"]


def test_one_value_is_a_level_line_and_nothing_is_flat_at_the_bottom():
    assert (
        parse(
            line_chart(
                chart_id="c", title="t", values=[5], top_label="", start_label="", end_label=""
            )
        )
        .find(f"{SVG}polyline")
        .get("points")
        == "0,18 320,18"
    )
    empty = line_chart(
        chart_id="c", title="t", values=[0, 0], top_label="", start_label="", end_label=""
    )
    assert parse(empty).find(f"{SVG}polyline").get("points") == "0,116 320,116"


def test_a_bar_chart_puts_in_above_and_out_below_on_one_scale():
    svg = parse(
        bar_chart(
            chart_id="f",
            title="In and out",
            up=[40, 0],
            down=[20, 10],
            top_label="40 kg",
            start_label="Sep",
            end_label="Oct",
        )
    )
    ins = svg.findall(f"{SVG}rect[@class='in']")
    outs = svg.findall(f"{SVG}rect[@class='out']")
    assert len(ins) == 1 and len(outs) == 2
    assert ins[0].get("height") == "49"  # the largest: half the plot
    assert [o.get("height") for o in outs] == ["24.5", "12.2"]
    assert float(ins[0].get("y")) + 49 == 67  # above the middle line


def test_coordinates_keep_a_decimal_point_in_russian():
    with translation.override("ru"):
        chart = line_chart(
            chart_id="c", title="t", values=[3, 1, 2], top_label="", start_label="", end_label=""
        )
        rendered = Template("{{ chart }}").render(Context({"chart": chart}))
    assert rendered == str(chart)  # written as it is, not escaped
    assert "0,18 160,83.3 320,50.7" in rendered


def test_the_charts_import_nothing_from_django():
    code = (
        "import sys\n"
        "sys.modules['django'] = None\n"
        "from pomochi.charts import line_chart\n"
        "line_chart(chart_id='c', title='t', values=[1], top_label='', start_label='',"
        " end_label='')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
