"""What a member sees of a notification, decided once: the notifications page (and any door
that lists them) renders `notification_view` alone.

A notification is for its recipient and nobody else (`notification.view`). Its stored facts
(`params`: ids and amounts in the smallest unit) are never shown as they are: they become the
sentence `text`, in the reader's language.
"""

from django.urls import reverse

from pomochi.communities import policy
from pomochi.communities.models import Membership
from pomochi.notify.messages import render_many
from pomochi.notify.models import Notification

# Where each kind of news is followed up, when the notification names no page of its own.
PAGES = {
    "match": "needs",
    "commitment.made": "promises",
    "commitment.due": "promises",
    "commitment.fulfilled": "promises",
    "allocation.share": "rounds",
    "allocation.decide": "rounds",
    "allocation.approved": "rounds",
    "appeal.filed": "rounds",
    "appeal.decided": "rounds",
}


def _link(notification: Notification, slug: str) -> str:
    if notification.url:
        return notification.url
    name = PAGES.get(notification.kind)
    return reverse(name, args=[slug]) if name else ""


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
        "link": _link(obj, actor.community.slug),
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
