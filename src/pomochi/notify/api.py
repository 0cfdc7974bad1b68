"""A member's notifications over HTTP: the same presenter as the page (notification_view), the
text in the caller's language. Reading them here does not mark them read (a client may show
them later); the client says which it has shown."""

from datetime import datetime

from ninja import Field, Router, Schema

from pomochi.api.common import ERRORS, caller
from pomochi.notify.presenters import notifications_view
from pomochi.notify.selectors import notifications_recent, unread_count
from pomochi.notify.services import notifications_mark_read

router = Router(tags=["notifications"])

MAX_MARKED = 200  # ids in one request


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read: bool


class NotificationList(Schema):
    unread: int
    items: list[NotificationOut]


class MarkReadIn(Schema):
    # None: every unread notification of the caller
    ids: list[int] | None = Field(None, max_length=MAX_MARKED)


class MarkedOut(Schema):
    marked: int
    unread: int


@router.get("/communities/{slug}/notifications", response={200: NotificationList, **ERRORS})
def list_notifications(request, slug: str):
    """The caller's latest notifications, newest first, and how many are unread."""
    community, membership = caller(request, slug)
    rows = notifications_view(
        actor=membership, notifications=notifications_recent(membership=membership)
    )
    return NotificationList(
        unread=unread_count(membership=membership),
        items=[NotificationOut(**row) for row in rows],
    )


@router.post("/communities/{slug}/notifications/read", response={200: MarkedOut, **ERRORS})
def mark_notifications_read(request, slug: str, body: MarkReadIn):
    """Mark the caller's own notifications read (ids of others' are ignored: none is theirs)."""
    community, membership = caller(request, slug)
    marked = notifications_mark_read(actor=membership, ids=body.ids)
    return MarkedOut(marked=marked, unread=unread_count(membership=membership))
