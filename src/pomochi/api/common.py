"""What every endpoint shares: the error shape, pagination, finding things within a community."""

from datetime import UTC, datetime
from typing import Annotated

from django.core.validators import slug_re
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from pydantic import AfterValidator

from pomochi.communities.models import Community, Membership
from pomochi.communities.selectors import membership_in


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


def _text(value: str) -> str:
    """Free text any database stores: no NUL character, no lone surrogate."""
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value


Instant = Annotated[datetime, AfterValidator(_instant)]
Text = Annotated[str, AfterValidator(_text)]


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


def in_community(model: type[Model], community: Community, pk: int | None, *, field: str):
    """An object of this community named in a request body; refused as bad input otherwise."""
    if pk is None:
        return None
    obj = model._default_manager.filter(community=community, pk=pk).first()
    if obj is None:
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
