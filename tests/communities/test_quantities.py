from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pomochi.communities.quantities import MAX_QUANTITY, format_quantity, parse_quantity
from pomochi.errors import InvalidInput


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
    ],
)
def test_it_formats_without_trailing_zeros(quantity, places, unit, expected):
    assert format_quantity(quantity, decimal_places=places, unit=unit) == expected


@given(
    quantity=st.integers(min_value=0, max_value=MAX_QUANTITY),
    places=st.integers(min_value=0, max_value=6),
)
def test_formatting_and_parsing_round_trip_exactly(quantity, places):
    text = format_quantity(quantity, decimal_places=places, unit="kg")
    assert parse_quantity(text, decimal_places=places, unit="kg") == quantity
