"""Exact quantities at the edges: text in, integers in the smallest unit, and back.

"12.5 kg" of a resource kept to 3 decimal places is 12500; "12.5555" is refused, never rounded.

Two audiences, two ways out, chosen by name at every call:
- for people (pages, messages, notifications, errors): `format_quantity`, in the active
  language by Django's own formats: "12,5 кг", "10 001 000 000 002 кг" (grouped with a no-break
  space, U+00A0, Django's Russian THOUSAND_SEPARATOR), "12.5 kg", "10,001,000,000,002 kg";
- for machines (the API, exports, facts stored for later): `format_quantity_plain`, the same
  whatever the language: "12.5 kg", "10001000000002" — a decimal point, no grouping.

And two ways in, one rule: `parse_quantity` reads the API's documented decimal string ("12.5",
"12,5 kg"); `parse_quantity_localized` is the forms' entry, which also reads the active language's
grouping ("1,500.5" in English) and then hands the text to the same parser. Neither reads an
exponent ("1e3", typed or a JSON number): it is refused with a message saying so.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from pomochi.errors import InvalidInput

# Fits a signed 64-bit column with room for sums.
MAX_QUANTITY = 10**15

# A number written with an exponent: "1e3", "2.5E-2", "1e+999999".
_EXPONENT = re.compile(r"[0-9.]*[eE][+-]?[0-9]+")


def parse_quantity(
    text: str | int | Decimal,
    *,
    decimal_places: int,
    unit: str = "",
    signed: bool = False,
    field: str = "quantity",
) -> int:
    """Parse an amount written by a person: "12.5", "12,5" or "12.5 kg"; never rounded.

    Non-negative unless `signed` (a stock adjustment: "-2 kg" takes stock out). A boolean is
    not a quantity, whatever Python thinks of True == 1. The one parser for pages and the API.
    """
    try:
        return _parse(text, decimal_places=decimal_places, unit=unit, signed=signed)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from None


def _parse(text, *, decimal_places: int, unit: str, signed: bool) -> int:
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise InvalidInput(_("Enter a number."), field="quantity")
    raw = str(text).strip()
    if signed and raw.startswith("-"):
        return -_parse(raw[1:], decimal_places=decimal_places, unit=unit, signed=False)
    raw = _without_unit(raw, unit)
    # Any space between digits is grouping: a space, a no-break or a narrow no-break space.
    raw = re.sub(r"\s", "", raw).replace(",", ".")
    if _EXPONENT.fullmatch(raw):
        # "1e3" is a programmer's shorthand; a person who typed it may have meant anything,
        # and a slip of "e" for a digit would otherwise record a thousandfold amount.
        raise InvalidInput(
            _("Write the number in full, without an exponent: “%(text)s” is not accepted.")
            % {"text": str(text).strip()},
            field="quantity",
        )
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(
            _("“%(text)s” is not a number.") % {"text": str(text).strip()}, field="quantity"
        ) from None
    if not value.is_finite():
        raise InvalidInput(_("Enter a number."), field="quantity")
    if value < 0:
        raise InvalidInput(_("The quantity cannot be negative."), field="quantity")
    # Before scaling: "1e999999" overflows the decimal context, and any large exponent would
    # build an integer of hundreds of thousands of digits (seconds of CPU) only to refuse it.
    if value and value.adjusted() > 18:
        raise InvalidInput(_("That quantity is too large."), field="quantity")
    scaled = value.scaleb(decimal_places)
    if scaled != scaled.to_integral_value():
        if decimal_places == 0:
            message = _("%(unit)s are counted in whole numbers; “%(text)s” has a fraction.")
        else:
            message = _(
                "%(unit)s are recorded to %(places)d decimal places; “%(text)s” has more. "
                "Nothing is rounded for you: please write it with at most %(places)d."
            )
        raise InvalidInput(
            message
            % {
                "unit": unit or _("Quantities"),
                "places": decimal_places,
                "text": str(text).strip(),
            },
            field="quantity",
        )
    result = int(scaled)
    if result > MAX_QUANTITY:
        raise InvalidInput(_("That quantity is too large."), field="quantity")
    return result


def _without_unit(raw: str, unit: str) -> str:
    if unit and raw.lower().endswith(unit.lower()):
        return raw[: -len(unit)].strip()
    return raw


def parse_quantity_localized(
    text: str | int | Decimal,
    *,
    decimal_places: int,
    unit: str = "",
    signed: bool = False,
    field: str = "quantity",
) -> int:
    """Parse an amount typed into a page's form, in the active language; then parse_quantity.

    Everything parse_quantity reads ("12,5", "12.5", "1 000,5"), and also the language's own
    digit grouping when it is not a space: "1,500.5" in English is 1500.5 — but only when the
    separators stand between whole groups of digits, so "12,5" stays twelve and a half, as in
    the API. What format_quantity writes in a language, this reads back in it.
    """
    if isinstance(text, str):
        text = _ungrouped(text.strip(), unit=unit)
    return parse_quantity(
        text, decimal_places=decimal_places, unit=unit, signed=signed, field=field
    )


def _ungrouped(text: str, *, unit: str) -> str:
    separator, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")
    grouping = get_format("NUMBER_GROUPING")
    if not separator or separator.isspace() or not isinstance(grouping, int) or grouping < 1:
        return text  # spaces are grouping everywhere already
    number = _without_unit(text, unit)
    sep, dec = re.escape(separator), re.escape(decimal)
    grouped = rf"-?\d{{1,{grouping}}}(?:{sep}\d{{{grouping}}})+(?:{dec}\d*)?"
    if re.fullmatch(grouped, number):
        return number.replace(separator, "")
    return text


def _places_and_unit(resource, decimal_places: int | None, unit: str | None) -> tuple[int, str]:
    if resource is not None:
        return resource.decimal_places, resource.unit
    return decimal_places or 0, unit or ""


def _decimal(quantity: int, places: int) -> Decimal:
    """The stored integer in the unit, without trailing zeros: 12500, 3 places → 12.5."""
    text = f"{Decimal(int(quantity)).scaleb(-places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def format_quantity(
    quantity: int,
    *,
    resource=None,
    decimal_places: int | None = None,
    unit: str | None = None,
    signed: bool = False,
) -> str:
    """For people, in the active language: 12500 → "12.5 kg" in English, "12,5 кг" in Russian.

    Grouped as the language groups digits ("10,001 kg", "10 001 кг" with a no-break space),
    without trailing zeros. Never for the API, an export or a stored fact: format_quantity_plain.
    `signed`: a change of stock, its sign always written: "+2 kg", "−2 kg" (a minus sign).
    """
    places, unit = _places_and_unit(resource, decimal_places, unit)
    number = number_format(_decimal(abs(quantity), places), use_l10n=True, force_grouping=True)
    if signed:
        number = ("−" if quantity < 0 else "+") + number
    elif quantity < 0:
        number = "-" + number
    return f"{number} {unit}".strip()


def format_quantity_plain(
    quantity: int, *, resource=None, decimal_places: int | None = None, unit: str | None = None
) -> str:
    """For machines, whatever the language: 12500 → "12.5 kg" (unit="" → "12.5"); a decimal
    point, no grouping, no trailing zeros. What the API, the exports and stored facts carry."""
    places, unit = _places_and_unit(resource, decimal_places, unit)
    return f"{_decimal(quantity, places):f} {unit}".strip()


def quantity_formatter(resource, *, machine: bool = False):
    """The formatter of one door: for people (format_quantity) or, machine=True, for the API
    and the exports (format_quantity_plain), bound to the resource. Presenters serve both."""
    chosen = format_quantity_plain if machine else format_quantity
    return lambda quantity: chosen(quantity, resource=resource)
