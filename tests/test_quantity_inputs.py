"""Every quantity a person types is one QuantityField, and every one asks a phone for its number
keyboard (inputmode="decimal"): walked over every form of the project, and over the pages."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from pomochi.aid.services import commitment_make, need_post
from pomochi.ledger.forms import QuantityField
from tests.test_inputs import _form_classes

# A field by one of these names holds an amount in a resource's unit.
QUANTITY_NAME = re.compile(r"^(quantity|change|amount|hours|ration_\d+)$")


def _quantity_fields_without_inputmode(fields: dict, label: str) -> list[str]:
    wrong = []
    for name, field in fields.items():
        numeric = isinstance(field, QuantityField | forms.DecimalField | forms.FloatField)
        if QUANTITY_NAME.match(name) and not isinstance(field, QuantityField):
            wrong.append(f"{label}.{name}: a quantity not read by QuantityField")
        if numeric and field.widget.attrs.get("inputmode") != "decimal":
            wrong.append(f"{label}.{name}: no inputmode=decimal")
    return wrong


def test_every_quantity_field_of_every_form_asks_for_a_number_keyboard(village):
    classes = _form_classes()
    assert len(classes) > 20  # the walk found the project's forms
    with_quantity = [
        c for c in classes if any(isinstance(f, QuantityField) for f in c.base_fields.values())
    ]
    assert len(with_quantity) >= 10  # ledger movements, needs, offers, promises, rounds, fulfil
    wrong = []
    for cls in classes:
        wrong += _quantity_fields_without_inputmode(
            cls.base_fields, f"{cls.__module__}.{cls.__name__}"
        )
    # Fields made with the form: the drill's ration per resource.
    from pomochi.drills.forms import DrillForm

    drill = DrillForm(resources=[village.grain, village.labour])
    assert [n for n in drill.fields if n.startswith("ration_")]
    wrong += _quantity_fields_without_inputmode(drill.fields, "DrillForm()")
    assert wrong == []


def test_the_walk_finds_a_quantity_field_without_it(village):
    class Careless(forms.Form):
        quantity = forms.CharField()
        share = forms.DecimalField()

    assert _quantity_fields_without_inputmode(Careless.base_fields, "Careless") == [
        "Careless.quantity: a quantity not read by QuantityField",
        "Careless.share: no inputmode=decimal",
    ]


@pytest.fixture
def promised_village(stocked_village):
    v = stocked_village
    v.need = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=30_000,
        urgency="soon",
    )
    v.promise = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        resource=v.grain,
        quantity=10_000,
        due_on=timezone.localdate() + timedelta(days=7),
        giver_pool=v.granary,
        need=v.need,
    )
    return v


INPUT = re.compile(r"<input\b[^>]*>")


def _quantity_inputs(html: str) -> list[str]:
    names = re.compile(r'name="(quantity|change|ration_\d+)"')
    return [tag for tag in INPUT.findall(html) if names.search(tag)]


def test_every_quantity_input_on_the_pages_has_inputmode_decimal(client, promised_village):
    v = promised_village
    client.force_login(v.olga.user)  # coordinator and committee: every form is shown
    pages = [
        reverse("record", args=["village", a])
        for a in ("contribute", "distribute", "transfer", "work", "adjust")
    ]
    pages += [
        reverse("need-new", args=["village"]),
        reverse("need-edit", args=["village", v.need.id]),
        reverse("need", args=["village", v.need.id]),
        reverse("offer-new", args=["village"]),
        reverse("promise", args=["village", v.promise.id]),
        reverse("round-new", args=["village"]) + f"?pool={v.granary.id}&resource={v.grain.id}",
        reverse("drill", args=["village"]),
    ]
    seen = 0
    for url in pages:
        for language in ("en", "ru"):
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert page.status_code == 200, url
            inputs = _quantity_inputs(page.content.decode())
            assert inputs, f"{url}: no quantity input found"
            seen += len(inputs)
            assert [t for t in inputs if 'inputmode="decimal"' not in t] == [], url
    assert seen >= 2 * len(pages)
