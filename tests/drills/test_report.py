"""drill_report: the outcome in words and units, households by name; and the rule matters."""

from xml.etree import ElementTree

import pytest

from pomochi.communities.bylaws import default_rules
from pomochi.communities.services import bylaws_change
from pomochi.drills.chart import stock_chart
from pomochi.drills.report import ShortHousehold, drill_report
from pomochi.drills.selectors import drill_input
from pomochi.sim.drill import Shock, run_drill

# The stocked village's 100 kg of grain, half of it lost; of the 12.5 kg a week given lately,
# 8 kg still come in. Ten people at 1 kg a week draw the stores down by 2 kg a week: 25 weeks.
SVG = "{http://www.w3.org/2000/svg}"
SHOCK = Shock(stock_loss=0.5, inflow_loss=0.36)


def grain_report(v, rule: str | None = None, weeks: int = 30):
    if rule is not None:
        bylaws_change(
            actor=v.olga,
            community=v.community,
            rules=default_rules() | {"allocation_rule": rule},
            reason="a drill",
        )
    inputs = drill_input(community=v.community, rations={"grain": 1_000})
    outcome = run_drill(inputs, shock=SHOCK, weeks=weeks)
    (report,) = drill_report(outcome=outcome, inputs=inputs)
    return report


def test_it_reports_the_weeks_in_units(stocked_village):
    v = stocked_village
    report = grain_report(v)

    assert report.name == "grain" and report.unit == "kg"
    assert report.stock == "100 kg" and report.stock_after_shock == "50 kg"
    assert report.ration == "1 kg" and report.ration_given
    assert report.inflow == "8 kg" and report.asked == "10 kg"
    assert report.weeks == 30
    assert report.weeks_covered == 25 and report.weeks_until_empty == 25
    assert not report.lasts_the_horizon
    assert report.stock_by_week[:4] == [50_000, 48_000, 46_000, 44_000]
    assert report.stock_by_week[25:] == [0] * 6
    assert len(report.stock_by_week) == 31


def test_max_min_leaves_the_two_largest_households_short_together(stocked_village):
    v = stocked_village
    report = grain_report(v, "max_min")
    # 8 kg among asks of 4, 2, 3 and 1 kg: the Orlovs and Sidorovs are served, the Ivanovs
    # (children) and Petrovs share the rest, 2.5 kg each.
    assert report.short_first == [
        ShortHousehold(household_id=v.ivanovs.id, name="Ivanovs", week=26),
        ShortHousehold(household_id=v.petrovs.id, name="Petrovs", week=26),
    ]
    assert report.households_short == 2


def test_priority_tiers_serves_the_vulnerable_households_longer(stocked_village):
    v = stocked_village
    report = grain_report(v, "priority_tiers")
    # The Ivanovs, Orlovs and Sidorovs ask 7 kg of the 8: only the Petrovs go short.
    assert report.short_first == [
        ShortHousehold(household_id=v.petrovs.id, name="Petrovs", week=26)
    ]
    assert report.households_short == 1
    assert report.weeks_covered == 25


def test_stores_that_last_say_so(stocked_village):
    v = stocked_village
    inputs = drill_input(community=v.community, rations={"grain": 100})
    (report,) = drill_report(outcome=run_drill(inputs, weeks=10), inputs=inputs)
    assert report.lasts_the_horizon and report.weeks_covered is None
    assert report.weeks_until_empty is None
    assert report.short_first == [] and report.households_short == 0
    assert report.ration_given and report.inflow == "12.5 kg"


def test_the_limit_names_the_first_households(stocked_village):
    v = stocked_village
    inputs = drill_input(community=v.community, rations={"grain": 50_000})
    (report,) = drill_report(outcome=run_drill(inputs, weeks=3), inputs=inputs, limit=2)
    assert report.households_short == 4
    assert [s.week for s in report.short_first] == [1, 1]


@pytest.mark.parametrize("rule", ["max_min", "priority_tiers"])
def test_the_chart_draws_every_week(stocked_village, rule):
    svg = ElementTree.fromstring(
        str(stock_chart(grain_report(stocked_village, rule), chart_id="c"))
    )
    points = svg.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 31
    assert points[0] == "0,18"  # the most in store: the top
    assert points[-1] == "320,116"  # empty: the bottom
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["50 kg", "now", "week 30"]
    assert svg.find(f"{SVG}title").text == "Stores of grain week by week over 30 weeks, from 50 kg"
    assert svg.find(f"{SVG}line[@class='marker']").get("x1") == f"{320 * 26 / 30:.1f}"
