"""Exact quantities at the edges: text in, integers in the smallest unit, and back.

"12.5 kg" of a resource kept to 3 decimal places is 12500; "12.5555" is refused, never rounded.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from pomochi.errors import InvalidInput

# Fits a signed 64-bit column with room for sums.
MAX_QUANTITY = 10**15


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
    if unit and raw.lower().endswith(unit.lower()):
        raw = raw[: -len(unit)].strip()
    raw = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
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


def format_quantity(
    quantity: int, *, resource=None, decimal_places: int | None = None, unit: str | None = None
) -> str:
    """Render a quantity in the resource's unit, without trailing zeros: 12500 → "12.5 kg"."""
    places = resource.decimal_places if resource is not None else (decimal_places or 0)
    unit = resource.unit if resource is not None else (unit or "")
    value = Decimal(int(quantity)).scaleb(-places)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()
