"""A member's notifications over HTTP: the same presenter as the page (notification_view), the
text in the caller's language. Reading them here does not mark them read (a client may show
them later); the client says which it has shown."""

from datetime import datetime

from ninja import Field, Router, Schema

from pomochi.api.common import ERRORS, Error, RowId, caller
from pomochi.communities import policy
from pomochi.notify.kinds import KINDS
from pomochi.notify.models import Delivery, DigestFrequency
from pomochi.notify.presenters import notifications_view
from pomochi.notify.selectors import notifications_recent, preferences_current, unread_count
from pomochi.notify.services import notifications_mark_read, preferences_set

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
    ids: list[RowId] | None = Field(None, max_length=MAX_MARKED)


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


class KindSetting(Schema):
    kind: str
    label: str  # in the caller's language
    default: Delivery
    delivery: Delivery
    heard: bool  # whether the caller is among this news' audience now (household, roles)


class SettingsOut(Schema):
    kinds: list[KindSetting]
    digest: DigestFrequency
    no_mail: bool
    reachable: bool  # false: the account has no e-mail address, so no mail reaches the caller


class SettingsIn(Schema):
    # kind → how it reaches the caller; a kind not named is its default (this is the whole
    # choice, as the page sends it)
    kinds: dict[str, Delivery] = Field(default_factory=dict, max_length=len(KINDS))
    digest: DigestFrequency
    no_mail: bool


SETTINGS_WRITTEN = {200: SettingsOut, **ERRORS, 403: Error}


@router.get("/communities/{slug}/notifications/settings", response={200: SettingsOut, **ERRORS})
def get_notification_settings(request, slug: str):
    """How the caller hears each kind of news, the digest, whether e-mail is off: the caller's
    own (nobody reads another's)."""
    community, membership = caller(request, slug)
    policy.require(membership, "notification.settings", membership)
    return SettingsOut(**preferences_current(membership=membership))


@router.put("/communities/{slug}/notifications/settings", response=SETTINGS_WRITTEN)
def put_notification_settings(request, slug: str, body: SettingsIn):
    """Replace the caller's choices, as the settings page saves them; an unknown kind is refused
    (422, naming `kinds`) and nothing changes."""
    community, membership = caller(request, slug)
    preferences_set(
        actor=membership,
        membership=membership,
        deliveries={kind: str(delivery) for kind, delivery in body.kinds.items()},
        digest=str(body.digest),
        no_mail=body.no_mail,
    )
    return SettingsOut(**preferences_current(membership=membership))
