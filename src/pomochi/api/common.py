"""What every endpoint shares: the error shape, pagination, finding things within a community."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import slug_re, validate_email
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Schema
from ninja.errors import HttpError
from ninja.parser import Parser
from pydantic import AfterValidator, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from pomochi.communities.models import Community, Membership, ResourceType
from pomochi.communities.quantities import parse_quantity
from pomochi.communities.selectors import membership_in
from pomochi.errors import InvalidInput
from pomochi.text import Line, Note, Reason, TextInvalid, text_clean  # noqa: F401  (the API's text types)


class Error(Schema):
    message: str
    fields: dict[str, list[str]] = {}


# What any endpoint may answer besides success: no token, not found, invalid input, not JSON.
ERRORS = {400: Error, 401: Error, 404: Error, 422: Error}


def _instant(value: datetime) -> datetime:
    """A moment: with its UTC offset, and one that exists in UTC; kept in UTC from here on."""
    if value.utcoffset() is None:
        raise ValueError("give the offset too, e.g. 2026-05-01T09:00:00+03:00 or …Z")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("that date is out of range") from None


Instant = Annotated[datetime, AfterValidator(_instant)]

# A retry of a creating request sends the same key; the first answer is given again.
IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=200)

EMAIL_LENGTH = 254


def _email(value) -> str:
    """An e-mail address: the text rule's (one line, no control characters, trimmed), then the
    address Django's forms accept."""
    if not isinstance(value, str):
        raise PydanticCustomError("email", "{message}", {"message": _("Enter an e-mail address.")})
    try:
        text = text_clean(value, max_length=EMAIL_LENGTH, multiline=False)
    except TextInvalid as exc:
        raise PydanticCustomError("email", "{message}", {"message": exc.message}) from None
    try:
        validate_email(text)
    except ValidationError:
        raise PydanticCustomError(
            "email", "{message}", {"message": _("Enter a valid e-mail address.")}
        ) from None
    return text


Email = Annotated[
    str,
    PlainValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": EMAIL_LENGTH}),
]
Text = Note  # free text: pomochi.text's rule, the same as on the pages

# An object's id in a body: a row number the databases can hold (a bigger one is not an id of
# anything, and would not even reach the query: "Python int too large to convert").
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]

AMOUNT_LENGTH = 64
AMOUNT_MARKER = "x-pomochi-amount"


def _amount(value) -> str:
    """A quantity as the body gave it, checked for shape; its resource reads it (`amount`).

    A decimal string ("12.5", "12,5 kg"; no exponent, as on the pages) or a JSON number (read
    exactly: the API's parser keeps 12.5 as the decimal 12.5, never a binary float; 1E1 is
    ten); never true or false.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        raise PydanticCustomError(
            "amount", "{message}", {"message": _("Write the quantity as a number, e.g. “12.5”.")}
        )
    if isinstance(value, float | Decimal) and not value.is_finite():
        raise PydanticCustomError("amount", "{message}", {"message": _("Enter a number.")})
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        # A JSON number is a number, exponent or not (1E1 is ten): written out in full for the
        # parser, which refuses an exponent only in text a person typed ("1e3"). The magnitude
        # first, so that 1E999999 is never expanded.
        if value and value.adjusted() > AMOUNT_LENGTH:
            raise PydanticCustomError(
                "amount", "{message}", {"message": _("That quantity is too large.")}
            )
        text = format(value, "f")
    else:
        text = str(value)
    if len(text) > AMOUNT_LENGTH:
        raise PydanticCustomError(
            "amount", "{message}", {"message": _("That quantity is too large.")}
        )
    return text


Amount = Annotated[
    str,
    PlainValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": AMOUNT_LENGTH, "examples": ["12.5", "12,5 kg"]},
                {"type": "number"},
            ],
            "description": 'in the resource\'s unit: a decimal string ("12.5") or a JSON '
            "number, read exactly and never rounded; not a boolean",
            AMOUNT_MARKER: True,
        }
    ),
]


def amount(
    value: str, resource: ResourceType, *, field: str = "quantity", signed: bool = False
) -> int:
    """An Amount from a body in the resource's smallest unit: the pages' parser, the same rules."""
    try:
        return parse_quantity(
            value,
            decimal_places=resource.decimal_places,
            unit=resource.unit,
            signed=signed,
            field=field,
        )
    except InvalidInput as exc:
        raise FieldError(field, exc.message) from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class ExactParser(Parser):
    """JSON bodies with numbers read exactly (12.5 is Decimal("12.5")); NaN and Infinity, which
    are not JSON, refused as a body that cannot be read."""

    def parse_body(self, request):
        return json.loads(request.body, parse_float=Decimal, parse_constant=_no_constant)


class PageMeta(Schema):
    count: int
    page: int
    pages: int
    per_page: int


def caller(request, slug: str) -> tuple[Community, Membership]:
    """The community in the path and the caller's membership; to others it does not exist."""
    community = Community.objects.filter(slug=slug).first() if slug_re.match(slug) else None
    membership = membership_in(user=request.user, community=community) if community else None
    if membership is None:
        raise HttpError(404, _("No such community."))
    return community, membership


def in_community(
    model: type[Model], community: Community, pk: int | None, *, field: str, visible=None
):
    """An object of this community named in a request body; refused as bad input otherwise.

    visible(obj): whether the caller may see it; one it may not see is refused in the very words
    used for one that does not exist."""
    if pk is None:
        return None
    obj = model._default_manager.filter(community=community, pk=pk).first()
    if obj is None or (visible is not None and not visible(obj)):
        raise FieldError(
            field,
            _("There is no such %(thing)s in this community.")
            % {"thing": model._meta.verbose_name},
        )
    return obj


def get_in_community(queryset: QuerySet, community: Community, pk: int):
    """An object named in the path: 404 if it is not this community's."""
    return get_object_or_404(queryset, community=community, pk=pk)


class FieldError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def paginate(queryset, *, page: int, per_page: int):
    from django.core.paginator import Paginator

    paginator = Paginator(queryset, per_page)
    current = paginator.get_page(page)
    meta = PageMeta(
        count=paginator.count, page=current.number, pages=paginator.num_pages, per_page=per_page
    )
    return current.object_list, meta
