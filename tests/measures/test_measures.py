import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pomochi.measures import (
    gini,
    helping_density,
    reciprocity_breadth,
    requests_met,
    trust_index,
)


def test_gini_is_zero_when_all_hold_the_same():
    assert gini([5, 5, 5, 5]) == 0


def test_gini_of_one_holding_everything():
    # n households, one holds all: (n − 1) / n
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)


def test_gini_of_a_known_distribution():
    # 1, 2, 3, 4: Σ|xi − xj| over ordered pairs = 20; 20 / (2 · 4² · 2.5) = 0.25
    assert gini([3, 1, 4, 2]) == pytest.approx(0.25)


def test_gini_is_undefined_for_nobody_or_nothing():
    assert math.isnan(gini([]))
    assert math.isnan(gini([0, 0]))


def test_gini_refuses_negative_holdings():
    with pytest.raises(ValueError, match="not negative"):
        gini([1, -1])


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_gini_stays_between_0_and_1_and_ignores_order_and_scale(values):
    g = gini(values)
    if sum(values) == 0:
        assert math.isnan(g)
        return
    assert -1e-9 <= g <= 1
    assert gini(list(reversed(values))) == pytest.approx(g, abs=1e-9)
    assert gini([v * 3 for v in values]) == pytest.approx(g, abs=1e-9)


def test_breadth_counts_those_who_both_gave_and_received():
    gave = [True, True, False, False]
    received = [True, False, True, False]
    assert reciprocity_breadth(gave, received) == 0.25


def test_breadth_needs_the_same_households():
    with pytest.raises(ValueError, match="same households"):
        reciprocity_breadth([True], [True, False])


def test_density_and_requests_met_are_shares_or_unknown():
    assert helping_density(3, 12) == 0.25
    assert math.isnan(helping_density(0, 0))
    assert requests_met(10, 4) == 0.4
    assert math.isnan(requests_met(0, 0))
    with pytest.raises(ValueError, match="more was met"):
        requests_met(1, 2)
    with pytest.raises(ValueError, match="within 0..2"):
        helping_density(3, 2)


def test_trust_index_averages_the_known_parts_and_shows_them():
    index = trust_index(breadth=0.2, density=0.4, met=float("nan"))
    assert index.value == pytest.approx(0.3)
    assert index.parts()["breadth"] == 0.2
    assert math.isnan(index.parts()["met"])


def test_trust_index_weights():
    index = trust_index(
        breadth=1.0, density=0.0, met=0.5, weights={"breadth": 2, "density": 1, "met": 1}
    )
    assert index.value == pytest.approx((2 * 1 + 0 + 0.5) / 4)


def test_trust_index_refuses_what_is_not_a_share():
    with pytest.raises(ValueError, match="density must be a share"):
        trust_index(breadth=0.5, density=1.5, met=0.5)
    with pytest.raises(ValueError, match="unknown parts"):
        trust_index(breadth=0.5, density=0.5, met=0.5, weights={"love": 1})


def test_trust_index_of_nothing_known_is_unknown():
    assert math.isnan(trust_index(breadth=np.nan, density=np.nan, met=np.nan).value)
