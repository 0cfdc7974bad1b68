"""What a member sees of a notification, decided once: the notifications page, the API and
the e-mail render `notification_view` / `notification_link` alone.

A notification is for its recipient and nobody else (`notification.view`). Its stored facts
(`params`: ids and amounts in the smallest unit) are never shown as they are: they become the
sentence `text`, in the reader's language.
"""

from django.urls import reverse

from pomochi.communities import policy
from pomochi.communities.models import Membership
from pomochi.notify.kinds import kind_of
from pomochi.notify.messages import render_many
from pomochi.notify.models import Notification

# The page of the object a notification is about.
OBJECT_PAGES = {
    "need": "need",
    "commitment": "promise",
    "round": "round",
    "event": "event",
    "pool": "pool",
}


def notification_link(notification: Notification, slug: str) -> str:
    """Where the news is followed up: its object's page, else the page the notification was
    written with (older rows), else its kind's section."""
    page = OBJECT_PAGES.get(notification.about)
    if page and notification.about_id:
        return reverse(page, args=[slug, notification.about_id])
    if notification.url:
        return notification.url
    kind = kind_of(notification.kind)
    return reverse(kind.page, args=[slug]) if kind and kind.page else ""


def notification_view(*, actor: Membership, obj: Notification, text: str | None = None) -> dict:
    """A notification as its recipient sees it; {} for anyone else.

    Fields: id, kind, text (rendered from the stored facts, in the reader's language), link
    (where it is followed up, or ""), created_at, read (whether it had been seen before).
    `text`: the sentence if already rendered for a page of them (notifications_view).
    """
    if not policy.can(actor, "notification.view", obj):
        return {}
    return {
        "id": obj.id,
        "kind": obj.kind,
        "text": render_many([(obj.kind, obj.params)])[0] if text is None else text,
        "link": notification_link(obj, actor.community.slug),
        "created_at": obj.created_at,
        "read": obj.read_at is not None,
    }


def notifications_view(*, actor: Membership, notifications) -> list[dict]:
    """Many notifications as notification_view shows each, their sentences worded at once; any
    that is not the actor's is left out."""
    notifications = list(notifications)
    texts = render_many([(n.kind, n.params) for n in notifications])
    views = [
        notification_view(actor=actor, obj=n, text=t)
        for n, t in zip(notifications, texts, strict=True)
    ]
    return [v for v in views if v]
