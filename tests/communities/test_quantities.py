from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pomochi.communities.quantities import (
    MAX_QUANTITY,
    format_quantity,
    format_quantity_plain,
    parse_quantity,
    parse_quantity_localized,
)
from pomochi.errors import InvalidInput

NBSP = "\u00a0"  # Django's Russian THOUSAND_SEPARATOR, the one grouping space we write


@pytest.mark.parametrize(
    ("text", "places", "unit", "expected"),
    [
        ("12.5 kg", 3, "kg", 12_500),
        ("12,5", 3, "kg", 12_500),
        ("12.500", 3, "kg", 12_500),
        (" 7 ", 0, "pcs", 7),
        ("1 000", 0, "pcs", 1_000),
        ("0.25", 2, "h", 25),
        (Decimal("3.1"), 1, "kg", 31),
        (4, 2, "h", 400),
    ],
)
def test_it_parses_exactly_into_the_smallest_unit(text, places, unit, expected):
    assert parse_quantity(text, decimal_places=places, unit=unit) == expected


def test_it_refuses_more_decimal_places_than_the_resource_keeps():
    with pytest.raises(InvalidInput, match="recorded to 3 decimal places") as info:
        parse_quantity("12.5555", decimal_places=3, unit="kg")
    assert info.value.field == "quantity"
    assert "Nothing is rounded" in info.value.message


def test_it_refuses_a_fraction_of_a_whole_unit():
    with pytest.raises(InvalidInput, match="whole numbers"):
        parse_quantity("1.5", decimal_places=0, unit="pcs")


@pytest.mark.parametrize("text", ["", "abc", "1e", "NaN", "Infinity", "--1", "1.2.3"])
def test_it_refuses_what_is_not_a_number(text):
    with pytest.raises(InvalidInput):
        parse_quantity(text, decimal_places=2, unit="kg")


def test_it_refuses_negative_and_huge_quantities():
    with pytest.raises(InvalidInput, match="negative"):
        parse_quantity("-1", decimal_places=0)
    with pytest.raises(InvalidInput, match="too large"):
        parse_quantity(str(MAX_QUANTITY + 1), decimal_places=0)


@pytest.mark.parametrize(
    ("quantity", "places", "unit", "expected"),
    [
        (12_500, 3, "kg", "12.5 kg"),
        (12_000, 3, "kg", "12 kg"),
        (0, 3, "kg", "0 kg"),
        (5, 2, "h", "0.05 h"),
        (7, 0, "pcs", "7 pcs"),
        (10_001_000_000_002, 0, "kg", "10,001,000,000,002 kg"),
        (1_234_567, 3, "kg", "1,234.567 kg"),
        (-2_500, 3, "kg", "-2.5 kg"),
    ],
)
def test_it_formats_for_people_in_english(quantity, places, unit, expected):
    with translation.override("en"):
        assert format_quantity(quantity, decimal_places=places, unit=unit) == expected


@pytest.mark.parametrize(
    ("quantity", "places", "unit", "expected"),
    [
        (12_500, 3, "кг", "12,5 кг"),
        (12_000, 3, "кг", "12 кг"),
        (5, 2, "ч", "0,05 ч"),
        (10_001_000_000_002, 0, "кг", f"10{NBSP}001{NBSP}000{NBSP}000{NBSP}002 кг"),
        (1_234_567, 3, "кг", f"1{NBSP}234,567 кг"),
        (-2_500, 3, "кг", "-2,5 кг"),
        (3, 0, "вязанка", "3 вязанка"),
    ],
)
def test_it_formats_for_people_in_russian(quantity, places, unit, expected):
    with translation.override("ru"):
        assert format_quantity(quantity, decimal_places=places, unit=unit) == expected


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    ("quantity", "places", "unit", "expected"),
    [
        (12_500, 3, "kg", "12.5 kg"),
        (10_001_000_000_002, 0, "kg", "10001000000002 kg"),
        (1_234_567, 3, "", "1234.567"),
        (-2_500, 3, "kg", "-2.5 kg"),
    ],
)
def test_it_formats_for_machines_the_same_in_every_language(
    language, quantity, places, unit, expected
):
    with translation.override(language):
        assert format_quantity_plain(quantity, decimal_places=places, unit=unit) == expected


def test_a_resource_gives_its_own_places_and_unit(village):
    with translation.override("ru"):
        assert village.grain.format(12_500) == "12,5 kg"
        assert format_quantity(12_500, resource=village.grain) == "12,5 kg"
        assert format_quantity_plain(12_500, resource=village.grain) == "12.5 kg"


@pytest.mark.parametrize(
    ("language", "text", "places", "expected"),
    [
        ("ru", "12,5", 3, 12_500),
        ("ru", "12.5", 3, 12_500),
        ("ru", "12,5 кг", 3, 12_500),
        ("ru", f"1{NBSP}234,5", 3, 1_234_500),
        ("ru", "1\u202f234,5", 3, 1_234_500),  # a narrow no-break space, as some phones paste
        ("ru", "1 234,5", 3, 1_234_500),
        ("ru", "1,500", 3, 1_500),  # a decimal comma in Russian: one and a half
        ("en", "12.5", 3, 12_500),
        ("en", "12,5", 3, 12_500),  # not grouping: as the API reads it
        ("en", "1,500", 3, 1_500_000),  # whole groups of three: grouping in English
        ("en", "1,234,567.25 kg", 3, 1_234_567_250),
        ("en", "1 234.5", 3, 1_234_500),
    ],
)
def test_a_form_reads_what_a_person_types_in_their_language(language, text, places, expected):
    unit = "кг" if language == "ru" else "kg"
    with translation.override(language):
        assert parse_quantity_localized(text, decimal_places=places, unit=unit) == expected


@pytest.mark.parametrize("text", ["1,50,000", "1,2345.5", "1.500,5", "12,5,5"])
def test_a_form_in_english_refuses_what_is_neither_grouping_nor_a_decimal(text):
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        parse_quantity_localized(text, decimal_places=3, unit="kg", field="amount")
    assert info.value.field == "amount"


def test_a_form_keeps_the_parsers_rules():
    with translation.override("ru"), pytest.raises(InvalidInput, match="3 знаков"):
        parse_quantity_localized("12,5555", decimal_places=3, unit="кг")
    with translation.override("en"), pytest.raises(InvalidInput, match="negative"):
        parse_quantity_localized("-1,500", decimal_places=0)
    with translation.override("en"):
        assert parse_quantity_localized("-1,500 kg", decimal_places=0, unit="kg", signed=True) == (
            -1_500
        )


def test_the_api_parser_reads_no_language_grouping():
    """The documented decimal string: a comma is a decimal mark, whatever the language."""
    with translation.override("en"):
        assert parse_quantity("1,500", decimal_places=3) == 1_500


@given(
    quantity=st.integers(min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY),
    places=st.integers(min_value=0, max_value=6),
    language=st.sampled_from(["en", "ru"]),
)
def test_formatting_for_people_and_reading_a_form_round_trip_exactly(quantity, places, language):
    with translation.override(language):
        text = format_quantity(quantity, decimal_places=places, unit="kg")
        assert parse_quantity_localized(text, decimal_places=places, unit="kg", signed=True) == (
            quantity
        )


@given(
    quantity=st.integers(min_value=0, max_value=MAX_QUANTITY),
    places=st.integers(min_value=0, max_value=6),
    language=st.sampled_from(["en", "ru"]),
)
def test_formatting_for_machines_and_parsing_round_trip_exactly(quantity, places, language):
    with translation.override(language):
        text = format_quantity_plain(quantity, decimal_places=places, unit="kg")
    assert "," not in text and NBSP not in text
    assert parse_quantity(text, decimal_places=places, unit="kg") == quantity
