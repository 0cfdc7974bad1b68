"""Exports: CSV files and a ValueFlows JSON-LD document, showing only what the viewer may see."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pomochi.communities.bylaws import default_rules
from pomochi.communities.services import bylaws_change
from pomochi.ledger.exports import VF
from pomochi.ledger.services import (
    event_adjust,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
)


@pytest.fixture
def busy_village(stocked_village):
    """The stocked village after a season: aid given, a gift undone, work done, grain spoiled.

    Events, in order: the Ivanovs' grain and plough (1, 2), 12.5 kg of grain to the Sidorovs (3),
    2 kg of potatoes from the Petrovs to the Ivanovs (4), 3.5 h of work by the Ivanovs for the
    Sidorovs (5), 1 kg of grain spoiled (6), and the gift of potatoes reversed (7).
    """
    v = stocked_village
    v.distribution = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=12_500
    )
    v.gift = event_transfer(
        actor=v.bob,
        from_household=v.petrovs,
        to_household=v.ivanovs,
        resource=v.potatoes,
        quantity=20,
        note="for the Ivanovs' children",
    )
    v.work = event_work(
        actor=v.alice, worker=v.ivanovs, beneficiary=v.sidorovs, resource=v.labour, quantity=350
    )
    v.spoilage = event_adjust(
        actor=v.vera, pool=v.granary, resource=v.grain, change=-1_000, reason="mice"
    )
    v.reversal = event_reverse(actor=v.alice, event=v.gift, reason="recorded twice")
    return v


def export_csv(tmp_path, **options) -> dict[str, list[dict]]:
    out = StringIO()
    call_command(
        "export", community="village", format="csv", out=str(tmp_path), stdout=out, **options
    )
    tables = {}
    for name in ("events", "holdings", "households"):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            tables[name] = list(csv.DictReader(f))
        assert f"{name}.csv: {len(tables[name])} rows" in out.getvalue()
    return tables


def export_json(**options) -> dict:
    out = StringIO()
    call_command("export", community="village", format="json", stdout=out, **options)
    return json.loads(out.getvalue())


def by_id(rows: list[dict], event) -> dict:
    return next(r for r in rows if r["id"] == str(event.id))


def nodes(document: dict, type_: str) -> list[dict]:
    return [n for n in document["@graph"] if n["@type"] == type_]


def node(document: dict, suffix: str) -> dict:
    return next(n for n in document["@graph"] if n["@id"].endswith(suffix))


# CSV


def test_the_csv_export_has_every_event_holding_and_household_with_readable_quantities(
    busy_village, tmp_path
):
    v = busy_village
    tables = export_csv(tmp_path, **{"as": "vera"})
    events = tables["events"]
    assert len(events) == 7
    assert [e["action"] for e in events] == [
        "contribute",
        "contribute",
        "distribute",
        "transfer",
        "work",
        "adjust",
        "reverse",
    ]
    distribution = by_id(events, v.distribution)
    assert (distribution["resource"], distribution["unit"]) == ("grain", "kg")
    assert (distribution["quantity"], distribution["amount"]) == ("12500", "12.5")
    assert (distribution["provider_pool"], distribution["receiver_household"]) == (
        "Granary",
        "Sidorovs",
    )
    assert by_id(events, v.work)["amount"] == "3.5"
    assert by_id(events, v.gift)["reversed_by"] == str(v.reversal.id)
    reversal = by_id(events, v.reversal)
    assert (reversal["reverses"], reversal["note"]) == (str(v.gift.id), "recorded twice")
    assert (reversal["provider_household"], reversal["receiver_household"]) == (
        "Ivanovs",
        "Petrovs",
    )
    assert by_id(events, v.spoilage)["provider_pool"] == "Granary"

    assert tables["holdings"] == [
        {
            "pool": "Granary",
            "pool_kind": "granary",
            "resource": "grain",
            "unit": "kg",
            "quantity": "86500",
            "amount": "86.5",
        },
        {
            "pool": "Tool library",
            "pool_kind": "tool_library",
            "resource": "plough",
            "unit": "pcs",
            "quantity": "1",
            "amount": "1",
        },
    ]
    households = {h["name"]: h for h in tables["households"]}
    assert list(households) == ["Ivanovs", "Orlovs", "Petrovs", "Sidorovs"]
    assert households["Sidorovs"] == {
        "name": "Sidorovs",
        "size": "1",
        "children": "no",
        "elderly": "no",
        "ill_or_disabled": "yes",
    }


def test_the_default_csv_export_hides_receivers_and_flags(busy_village, tmp_path):
    v = busy_village
    tables = export_csv(tmp_path)
    events = tables["events"]
    for event in (v.distribution, v.gift, v.work):
        row = by_id(events, event)
        assert row["receiver_household"] == "" and row["hidden"] == "receiver_household"
        assert row["recorded_by"] == "" and row["note"] == ""
    reversal = by_id(events, v.reversal)
    assert (reversal["provider_household"], reversal["receiver_household"]) == ("", "")
    assert reversal["hidden"] == "provider_household receiver_household"
    contribution = events[0]
    assert (contribution["provider_household"], contribution["receiver_pool"]) == (
        "Ivanovs",
        "Granary",
    )
    assert contribution["hidden"] == "" and contribution["recorded_by"] == "alice"
    assert by_id(events, v.gift)["provider_household"] == "Petrovs"  # giving is not need
    assert by_id(events, v.spoilage)["note"] == "mice"
    text = (tmp_path / "events.csv").read_text(encoding="utf-8-sig")
    assert "Sidorovs" not in text and "children" not in text
    for household in tables["households"]:
        assert (household["children"], household["elderly"], household["ill_or_disabled"]) == (
            "",
            "",
            "",
        )
    assert len(tables["holdings"]) == 2  # stock is an aggregate: public


def test_a_plain_member_sees_their_own_household_and_nobody_elses(busy_village, tmp_path):
    v = busy_village
    tables = export_csv(tmp_path, **{"as": "bob"})
    reversal = by_id(tables["events"], v.reversal)
    # The gift came back to bob's Petrovs: theirs to see; who had it (the Ivanovs) is not.
    assert (reversal["provider_household"], reversal["receiver_household"]) == ("", "Petrovs")
    assert by_id(tables["events"], v.distribution)["receiver_household"] == ""
    households = {h["name"]: h for h in tables["households"]}
    assert households["Petrovs"]["children"] == "no"
    assert households["Sidorovs"]["ill_or_disabled"] == ""


def test_bylaws_that_make_receivers_public_show_them_in_the_default_export(busy_village, tmp_path):
    v = busy_village
    rules = default_rules()
    rules["privacy"]["receivers_visible_to_members"] = True
    bylaws_change(actor=v.vera, community=v.community, rules=rules, reason="open books")
    tables = export_csv(tmp_path)
    assert by_id(tables["events"], v.distribution)["receiver_household"] == "Sidorovs"
    households = {h["name"]: h for h in tables["households"]}
    assert households["Sidorovs"]["ill_or_disabled"] == ""  # flags stay private


def test_a_full_household_export_imports_into_another_community(busy_village, hamlet, tmp_path):
    tables = export_csv(tmp_path, **{"as": "olga"})
    call_command(
        "import_households",
        str(tmp_path / "households.csv"),
        community="hamlet",
        actor="charlie",
        commit=True,
        stdout=StringIO(),
    )
    sidorovs = hamlet.community.households.get(name="Sidorovs")
    assert (sidorovs.size, sidorovs.has_ill_or_disabled) == (1, True)
    assert hamlet.community.households.count() == 1 + len(tables["households"])


# JSON-LD


def test_the_json_export_is_a_valueflows_graph(busy_village):
    v = busy_village
    document = export_json(**{"as": "olga"})
    assert document["@context"]["vf"] == VF == "https://w3id.org/valueflows/ont/vf#"
    events = nodes(document, "vf:EconomicEvent")
    assert len(events) == 7
    assert [e["vf:action"] for e in events] == [
        "vf:transfer",
        "vf:transfer",
        "vf:transfer",
        "vf:transfer",
        "vf:work",
        "vf:lower",
        "vf:transfer",
    ]
    agents = nodes(document, "vf:Organization")
    assert len(agents) == 1 + 4 + 2  # the community, its households, its pools
    assert len(nodes(document, "vf:EconomicResource")) == 2

    distribution = node(document, f":event:{v.distribution.id}")
    assert distribution["vf:provider"].endswith(f":pool:{v.granary.id}")
    assert distribution["vf:receiver"].endswith(f":household:{v.sidorovs.id}")
    assert distribution["vf:resourceQuantity"]["om2:hasNumericalValue"] == "12.5"
    assert distribution["vf:resourceQuantity"]["pomochi:quantity"] == 12_500
    assert distribution["vf:resourceQuantity"]["om2:hasUnit"] == "om2:kilogram"
    granary_grain = next(
        n for n in document["@graph"] if n["@id"] == distribution["vf:resourceInventoriedAs"]
    )
    assert granary_grain["vf:accountingQuantity"]["om2:hasNumericalValue"] == "86.5"

    work = node(document, f":event:{v.work.id}")
    assert work["vf:effortQuantity"]["om2:hasNumericalValue"] == "3.5"
    assert "vf:resourceQuantity" not in work
    reversal = node(document, f":event:{v.reversal.id}")
    assert reversal["pomochi:action"] == "reverse"
    assert reversal["vf:corrects"].endswith(f":event:{v.gift.id}")
    assert reversal["vf:note"] == "recorded twice"
    assert node(document, f":event:{v.gift.id}")["pomochi:reversedBy"] == reversal["@id"]
    sidorovs = node(document, f":household:{v.sidorovs.id}")
    assert sidorovs["pomochi:hasIllOrDisabled"] is True


def test_the_default_json_export_hides_receivers_and_flags(busy_village):
    v = busy_village
    document = export_json()
    for event in (v.distribution, v.gift, v.work):
        n = node(document, f":event:{event.id}")
        assert "vf:receiver" not in n and n["pomochi:hidden"] == ["receiver_household"]
        assert "vf:note" not in n
    reversal = node(document, f":event:{v.reversal.id}")
    assert "vf:provider" not in reversal and "vf:receiver" not in reversal
    for household in nodes(document, "vf:Organization"):
        assert not any(key.startswith("pomochi:has") for key in household)
    assert node(document, f":event:{v.spoilage.id}")["vf:note"] == "mice"


def test_the_json_export_is_written_to_a_folder_when_asked(busy_village, tmp_path):
    out = StringIO()
    call_command("export", community="village", format="json", out=str(tmp_path / "x"), stdout=out)
    path = tmp_path / "x" / "export.jsonld"
    assert f"wrote {path}" in out.getvalue()
    assert len(nodes(json.loads(path.read_text()), "vf:EconomicEvent")) == 7


# Bad arguments


def test_bad_arguments_are_refused_with_a_reason(village, hamlet, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("export", community="village", format="xml", stdout=StringIO())
    with pytest.raises(CommandError, match="no community with the short name 'nowhere'"):
        call_command("export", community="nowhere", format="csv", stdout=StringIO())
    with pytest.raises(CommandError, match="'charlie' is not a member of village"):
        call_command(
            "export", community="village", format="json", stdout=StringIO(), **{"as": "charlie"}
        )
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        call_command("export", community="village", format="csv", out=str(tmp_path / "a-file"))
    assert not (tmp_path / "events.csv").exists()
