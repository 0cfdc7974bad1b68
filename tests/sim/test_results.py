import json
import math

import numpy as np
import pytest

from pomochi.sim import estimate, preset, simulate


def test_an_estimate_is_the_mean_with_a_student_t_interval():
    e = estimate(np.array([1.0, 2.0, 3.0, 4.0]))
    assert e.mean == 2.5
    # t(0.975, 3) = 3.182; sd = 1.291; half = 3.182 × 1.291 / 2 = 2.054
    assert e.low == pytest.approx(0.446, abs=1e-3)
    assert e.high == pytest.approx(4.554, abs=1e-3)
    assert str(e) == "2.500 (0.446–4.554)"


def test_an_estimate_of_one_run_has_no_interval_and_unknowns_are_left_out():
    assert math.isnan(estimate(np.array([0.3])).low)
    assert estimate(np.array([1.0, np.nan, 3.0])).mean == 2.0


def test_the_json_names_every_policy_and_series_season_by_season():
    scenario = preset("harvest_failure")
    data = simulate(scenario, runs=3, seed=1).as_json()
    json.dumps(data)  # plain JSON, NaN turned into null
    assert set(data["policies"]) == {"none", "need_based", "account_keeping", "pool"}
    for series in data["policies"].values():
        assert set(series) == {"survival", "gini", "unmet", "trust"}
        assert len(series["survival"]) == scenario.seasons
        assert all(0 <= s <= 1 for s in series["survival"])
    # nobody shares under "none": its trust is nil
    assert set(data["policies"]["none"]["trust"]) == {0.0}


def test_sharing_keeps_more_households_in_the_harvest_failure_village():
    results = simulate(preset("harvest_failure"), runs=60, seed=2)
    assert results.gap("need_based", "none").low > 0.05
    assert results.gap("pool", "none").low > 0.05
    # the year the harvest fails is the year unmet need peaks for those alone
    unmet = results.mean("none", "unmet")
    assert int(np.argmax(unmet)) + 1 in (3, 4)
