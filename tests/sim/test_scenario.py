import pytest

from pomochi.sim import ScenarioError, preset, preset_names, scenario_from_dict, scenario_from_toml


def test_every_preset_loads_and_names_itself():
    assert set(preset_names()) >= {
        "maasai",
        "maasai_volatile",
        "harvest_failure",
        "war_years",
        "blockade",
    }
    for name in preset_names():
        assert preset(name).name == name


def test_a_preset_may_be_named_with_hyphens():
    assert preset("harvest-failure").name == "harvest_failure"


def test_an_unknown_preset_lists_the_known_ones():
    with pytest.raises(ScenarioError, match="unknown preset 'drought'.*maasai"):
        preset("drought")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"shocks": {"probability": -0.1}}, r"shocks\.probability: .*greater than or equal to 0"),
        ({"shocks": {"probability": 1.5}}, r"shocks\.probability: .*less than or equal to 1"),
        ({"policies": ["none", "charity"]}, r"policies\.1: .*'none', 'need_based'"),
        ({"threshold": 80}, r"threshold \(80\) is above the starting stock \(70\)"),
        ({"households": 7}, "pairs need an even number"),
        ({"pool": {"rule": "lottery"}}, r"pool: unknown allocation rule 'lottery'"),
        ({"seasons": 0}, r"seasons: .*greater than or equal to 1"),
        ({"harvest": {"sd": -1}}, r"harvest\.sd: "),
        ({"colour": "blue"}, "colour: not a field of a scenario"),
        ({"policies": []}, "name at least one policy"),
        ({"households": 8, "network": {"kind": "ring", "size": 8}}, "as many partners"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_field(changes, message):
    with pytest.raises(ScenarioError, match=message):
        preset("maasai").with_changes(**changes)


def test_a_scenario_file_is_read_and_checked(tmp_path):
    good = tmp_path / "village.toml"
    good.write_text(
        'households = 10\nstart = 2\nthreshold = 1\n[network]\nkind = "ring"\nsize = 2\n'
    )
    scenario = scenario_from_toml(good)
    assert scenario.households == 10
    assert scenario.policies == ["none", "need_based", "account_keeping", "pool"]

    bad = tmp_path / "bad.toml"
    bad.write_text("households = 10\n[shocks]\nprobability = -0.2\n")
    with pytest.raises(ScenarioError, match=r"bad\.toml: shocks\.probability"):
        scenario_from_toml(bad)


def test_a_file_that_is_not_toml_or_not_there_is_refused(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("households = = 3")
    with pytest.raises(ScenarioError, match="not a TOML file"):
        scenario_from_toml(broken)
    with pytest.raises(ScenarioError, match="no such scenario file"):
        scenario_from_toml(tmp_path / "missing.toml")


def test_households_is_required():
    with pytest.raises(ScenarioError, match="households: Field required"):
        scenario_from_dict({})
