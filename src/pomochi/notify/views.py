"""A member's notifications: the text rendered in the reader's language; seen means read."""

from django.shortcuts import render
from django.urls import reverse

from pomochi.notify.selectors import notifications_for
from pomochi.notify.services import notifications_mark_read
from pomochi.web.decorators import require_membership

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


def _link(notification, community) -> str:
    if notification.url:
        return notification.url
    name = PAGES.get(notification.kind)
    return reverse(name, args=[community.slug]) if name else ""


@require_membership
def notification_list(request, community):
    items = notifications_for(membership=request.membership)
    unread = {n.id for n, _text in items if n.read_at is None}
    if unread:
        notifications_mark_read(actor=request.membership, ids=sorted(unread))
    return render(
        request,
        "notify/list.html",
        {
            "community": community,
            "rows": [(n, text, n.id in unread, _link(n, community)) for n, text in items],
        },
    )
