import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pomochi.fairshare import RULES
from pomochi.sim import DrillError, DrillInput, Resource, Shock, run_drill

KG = 1000


def village(rule="max_min", stock=100 * KG, inflow=0, ration=2 * KG):
    return DrillInput(
        household_ids=np.array([11, 12, 13]),
        sizes=np.array([1, 2, 5]),
        priorities=np.array([0, 0, 2]),
        resources=[Resource(name="grain", stock=stock, ration=ration, inflow=inflow)],
        rule=rule,
    )


def test_stores_cover_everyone_until_they_do_not():
    # 8 people × 2 kg = 16 kg a week; 100 kg: six full weeks, 4 kg left for the seventh
    grain = run_drill(village(), weeks=10).resources[0]
    assert grain.weeks_covered == 6
    assert grain.weeks_until_empty == 7
    assert grain.stock[:7].tolist() == [84000, 68000, 52000, 36000, 20000, 4000, 0]
    assert grain.given[6] == 4000


def test_the_rule_decides_who_runs_short_first():
    # 106 kg: week 7 has 10 kg left for asks of 2, 4 and 10 kg
    by_max_min = run_drill(village("max_min", stock=106 * KG), weeks=8).resources[0]
    # max-min: the small asks are met in full, the household of five gets the 4 kg left
    assert by_max_min.first_short.tolist() == [8, 8, 7]
    assert by_max_min.short_first(limit=1) == [(2, 7)]
    by_priority = run_drill(village("priority_tiers", stock=106 * KG), weeks=8).resources[0]
    # priority tiers: the vulnerable household of five is served first, the others go without
    assert by_priority.first_short.tolist() == [7, 7, 8]
    assert by_priority.short_first(limit=3) == [(0, 7), (1, 7), (2, 8)]


def test_a_blockade_stops_the_inflow_and_a_loss_halves_the_stores():
    steady = run_drill(village(inflow=16 * KG), weeks=52).resources[0]
    assert steady.weeks_covered is None and steady.weeks_until_empty is None
    blockade = run_drill(village(inflow=16 * KG), shock=Shock(inflow_loss=1), weeks=52)
    assert blockade.resources[0].weeks_covered == 6
    halved = run_drill(village(), shock=Shock(stock_loss=0.5), weeks=10).resources[0]
    assert halved.weeks_covered == 3  # 50 kg: three weeks of 16 kg


def test_more_demand_runs_out_sooner():
    grain = run_drill(village(), shock=Shock(demand=2), weeks=10).resources[0]
    assert grain.weeks_covered == 3  # 32 kg a week from 100 kg


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Shock(stock_loss=1.5), "stock_loss: must be a share"),
        (lambda: Shock(inflow_loss=-0.1), "inflow_loss: must be a share"),
        (lambda: Shock(demand=0), "demand: must be above 0"),
        (lambda: run_drill(village(), weeks=0), "weeks: must be between 1"),
        (lambda: village(rule="lottery"), "rule: unknown allocation rule"),
        (lambda: village(stock=-1), "grain: stock, ration and inflow cannot be negative"),
    ],
)
def test_a_bad_drill_is_refused_naming_the_field(make, message):
    with pytest.raises(DrillError, match=message):
        make()


def test_a_ration_smaller_than_the_unit_adds_up_instead_of_rounding_to_nothing():
    # firewood in whole bundles: a twentieth of a bundle per person per week; the household
    # of five asks one bundle every four weeks, the others less often
    firewood = DrillInput(
        household_ids=np.array([1, 2]),
        sizes=np.array([5, 1]),
        priorities=np.array([0, 0]),
        resources=[Resource(name="firewood", stock=3, ration=0.05)],
        rule="max_min",
    )
    result = run_drill(firewood, weeks=40).resources[0]
    assert result.asked.sum() == 10 + 2  # 0.25 × 40 and 0.05 × 40 bundles
    assert result.asked[:4].tolist() == [0, 0, 0, 1]
    assert result.weeks_until_empty == 12  # the third bundle goes in week 12
    assert result.first_short.tolist() == [16, 20]


def test_a_loss_is_rounded_not_cut_short():
    grain = run_drill(village(), shock=Shock(stock_loss=0.9), weeks=1).resources[0]
    assert grain.start == 10 * KG  # int(100000 × 0.1) would be 9999 g


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(1, 9), min_size=n, max_size=n),
            st.lists(st.integers(0, 3), min_size=n, max_size=n),
            st.integers(0, 10**6),
            st.floats(0, 5000, allow_nan=False),
            st.integers(0, 20_000),
            st.sampled_from(sorted(RULES)),
            st.floats(0, 1),
            st.floats(0, 1),
            st.floats(0.1, 3),
            st.integers(1, 30),
        )
    )
)
def test_the_stores_add_up_week_by_week_under_any_rule(case):
    sizes, priorities, stock, ration, inflow, rule, stock_loss, inflow_loss, demand, weeks = case
    n = len(sizes)
    inputs = DrillInput(
        household_ids=np.arange(100, 100 + n),
        sizes=np.array(sizes),
        priorities=np.array(priorities),
        resources=[Resource(name="grain", stock=stock, ration=ration, inflow=inflow)],
        rule=rule,
    )
    shock = Shock(stock_loss=stock_loss, inflow_loss=inflow_loss, demand=demand)
    r = run_drill(inputs, shock=shock, weeks=weeks).resources[0]
    assert (r.stock >= 0).all()
    assert (r.given <= r.asked).all()
    # nothing made or lost: what was there, plus what came in, less what was given
    assert r.start + r.inflow * weeks - r.given.sum() == r.stock[-1]
    week_stock = np.r_[r.start, r.stock[:-1]] + r.inflow
    assert (r.given <= week_stock).all()
    # over the weeks, asks follow the ration: within one unit per household
    expected = sum(sizes) * ration * demand * weeks
    assert abs(r.asked.sum() - expected) <= n + 1e-6 * expected
    # a household is short first in a week when something was asked and not all was given
    for week in set(r.first_short.tolist()) - {0}:
        assert r.given[week - 1] < r.asked[week - 1]
    if r.weeks_covered is not None:
        assert (r.given[: r.weeks_covered] == r.asked[: r.weeks_covered]).all()
