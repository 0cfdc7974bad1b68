"""drill_input: the community's households, stores, rations, recent inflow and rule, as arrays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.communities.bylaws import default_rules
from pomochi.communities.services import bylaws_change
from pomochi.drills.inputs import Unit
from pomochi.drills.selectors import drill_input
from pomochi.ledger.services import event_contribute, event_distribute, event_reverse
from pomochi.sim.drill import DrillError, Resource
from tests.conftest import bylaws_with


@pytest.fixture
def drilled_village(stocked_village):
    """The stocked village (100 kg of grain in the Granary, given this week) with recent and old
    movements:

    this week      2 kg of grain to the Sidorovs, 1 kg to the Petrovs, 0.5 kg to the Sidorovs
                   reversed (a mistake); 8 kg of potatoes in
    10 weeks ago   4 kg of grain to the Orlovs; 20 kg of potatoes in (both before the window)
    """
    v = stocked_village
    long_ago = timezone.now() - timedelta(weeks=10)
    for household, grams in ((v.sidorovs, 2_000), (v.petrovs, 1_000)):
        event_distribute(
            actor=v.alice, pool=v.granary, household=household, resource=v.grain, quantity=grams
        )
    mistaken = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=500
    )
    event_reverse(actor=v.alice, event=mistaken, reason="wrong household")
    event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.orlovs,
        resource=v.grain,
        quantity=4_000,
        occurred_at=long_ago,
    )
    for tenths, when in ((200, long_ago), (80, None)):  # potatoes: 0.1 kg units
        event_contribute(
            actor=v.alice,
            household=v.ivanovs,
            pool=v.granary,
            resource=v.potatoes,
            quantity=tenths,
            occurred_at=when,
        )
    return v


def by_name(inputs) -> dict[str, Resource]:
    return {r.name: r for r in inputs.resources}


def test_it_reads_the_households_in_arrays(drilled_village):
    v = drilled_village
    inputs = drill_input(community=v.community)

    # In order of name: Ivanovs (children), Orlovs (elderly), Petrovs, Sidorovs (ill).
    assert inputs.household_ids.tolist() == [v.ivanovs.id, v.orlovs.id, v.petrovs.id, v.sidorovs.id]
    assert inputs.sizes.tolist() == [4, 2, 3, 1]
    assert inputs.priorities.tolist() == [1, 1, 0, 1]
    assert inputs.household_names == {
        v.ivanovs.id: "Ivanovs",
        v.orlovs.id: "Orlovs",
        v.petrovs.id: "Petrovs",
        v.sidorovs.id: "Sidorovs",
    }


def test_a_vulnerable_household_is_one_tier_up_as_in_a_round(drilled_village):
    v = drilled_village
    v.petrovs.has_children = v.petrovs.has_elderly = v.petrovs.has_ill_or_disabled = True
    v.petrovs.save()
    # however many flags: the same step an allocation round gives (aid.rounds.priority_of)
    assert drill_input(community=v.community).priorities.tolist() == [1, 1, 1, 1]


def test_the_default_ration_is_the_bylaws_standard_ration(drilled_village):
    v = drilled_village
    bylaws_with(v, standard_rations={"grain": "2.5", "potatoes": "0.05"})
    inputs = drill_input(community=v.community)
    grain, potatoes = by_name(inputs)["grain"], by_name(inputs)["potatoes"]
    # 2.5 kg in grams; 0.05 kg of potatoes is half a tenth of a kilogram (the unit's places)
    assert grain.ration == 2_500 and potatoes.ration == 0.5
    # 100 − 2 − 1 − 0.5 + 0.5 − 4 kg across the pools.
    assert grain.stock == 93_000
    # 100 kg contributed this week ÷ 8 weeks.
    assert grain.inflow == 12_500
    assert inputs.rations_given == frozenset()
    assert inputs.rations_from_bylaws == {"grain", "potatoes"}
    assert inputs.rations_missing == ()
    assert inputs.weeks_of_history == 8


def test_without_a_standard_ration_a_resource_is_not_guessed_but_missing(drilled_village):
    v = drilled_village
    bylaws_with(v, standard_rations={"grain": "2"})
    inputs = drill_input(community=v.community)
    # The recent rate (37.5 g a person a week here) is never taken for a ration.
    assert [r.name for r in inputs.resources] == ["grain"]
    assert inputs.rations_missing == ("potatoes",)
    assert inputs.ration_source("grain") == "bylaws"


def test_the_inflow_is_the_recent_contributions(drilled_village):
    potatoes = by_name(drill_input(community=drilled_village.community, rations={"potatoes": 0}))[
        "potatoes"
    ]
    # 8 kg this week ÷ 8 weeks = 1 kg a week; the 20 kg of 10 weeks ago are before the window.
    assert potatoes == Resource(name="potatoes", stock=280, ration=0, inflow=10)


def test_a_longer_history_reaches_older_movements(drilled_village):
    inputs = drill_input(
        community=drilled_village.community, weeks_of_history=12, rations={"potatoes": 1}
    )
    assert by_name(inputs)["potatoes"].inflow == 23  # 28 kg ÷ 12 weeks: 23 tenths of a kg


def test_the_window_ends_today(drilled_village):
    # Three weeks ago, the window (9 to 1 weeks before that) held only the old movements.
    today = timezone.localdate() - timedelta(weeks=3)
    inputs = drill_input(
        community=drilled_village.community, today=today, rations={"grain": 1, "potatoes": 1}
    )
    grain, potatoes = by_name(inputs)["grain"], by_name(inputs)["potatoes"]
    assert grain.inflow == 0 and potatoes.inflow == 25  # 20 kg ÷ 8 weeks


def test_only_consumables_are_drilled_with_their_units(drilled_village):
    inputs = drill_input(community=drilled_village.community, rations={"grain": 1, "potatoes": 1})
    # The plough is lent and comes back, labour is never stock: neither is used up.
    assert [r.name for r in inputs.resources] == ["grain", "potatoes"]
    assert inputs.units == {"grain": Unit("kg", 3), "potatoes": Unit("kg", 1)}


def test_a_resource_with_no_stock_and_no_ration_is_left_out(village):
    inputs = drill_input(community=village.community)
    assert inputs.resources == []
    assert inputs.units == {"grain": Unit("kg", 3), "potatoes": Unit("kg", 1)}


def test_a_given_ration_replaces_the_recent_rate(drilled_village):
    v = drilled_village
    inputs = drill_input(community=v.community, rations={"grain": 1_000, "potatoes": 5})
    assert by_name(inputs)["grain"].ration == 1_000
    assert by_name(inputs)["potatoes"].ration == 5
    assert inputs.rations_given == {"grain", "potatoes"}


def test_a_given_ration_brings_in_an_empty_store(village):
    inputs = drill_input(community=village.community, rations={"grain": 500})
    assert inputs.resources == [Resource(name="grain", stock=0, ration=500, inflow=0)]


def test_a_ration_of_something_not_in_stock_is_refused(village):
    with pytest.raises(DrillError, match="rations: Village keeps no consumable stock called salt"):
        drill_input(community=village.community, rations={"salt": 100, "grain": 5})
    with pytest.raises(DrillError, match="plough"):
        drill_input(community=village.community, rations={"plough": 1})


def test_a_history_of_no_weeks_is_refused(village):
    with pytest.raises(DrillError, match="weeks of history"):
        drill_input(community=village.community, weeks_of_history=0)


def test_the_rule_is_the_bylaws(drilled_village):
    v = drilled_village
    assert drill_input(community=v.community).rule == "max_min"
    bylaws_change(
        actor=v.olga,
        community=v.community,
        rules=default_rules() | {"allocation_rule": "priority_tiers"},
        reason="the vulnerable first this winter",
    )
    assert drill_input(community=v.community).rule == "priority_tiers"


def test_it_reads_only_its_own_community(drilled_village, hamlet):
    event_contribute(
        actor=hamlet.charlie,
        household=hamlet.kuznetsovs,
        pool=hamlet.store,
        resource=hamlet.grain,
        quantity=50_000,
    )
    inputs = drill_input(community=drilled_village.community, rations={"grain": 1})
    assert hamlet.kuznetsovs.id not in inputs.household_ids.tolist()
    assert by_name(inputs)["grain"].stock == 93_000
    assert by_name(inputs)["grain"].inflow == 12_500

    theirs = drill_input(community=hamlet.community, rations={"grain": 0})
    assert theirs.household_ids.tolist() == [hamlet.kuznetsovs.id]
    assert theirs.resources == [Resource(name="grain", stock=50_000, ration=0, inflow=6_250)]


def test_it_takes_five_queries_however_many_households(drilled_village, django_assert_num_queries):
    with django_assert_num_queries(5):
        drill_input(community=drilled_village.community)
