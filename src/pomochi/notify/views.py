"""A member's notifications: the text rendered in the reader's language; seen means read."""

from django.shortcuts import render

from pomochi.notify.presenters import notifications_view
from pomochi.notify.selectors import notifications_recent
from pomochi.notify.services import notifications_mark_read
from pomochi.web.decorators import require_membership


@require_membership
def notification_list(request, community):
    rows = notifications_view(
        actor=request.membership,
        notifications=notifications_recent(membership=request.membership),
    )
    unread = [n["id"] for n in rows if not n["read"]]
    if unread:
        notifications_mark_read(actor=request.membership, ids=sorted(unread))
    # `read` is as it was before this page was shown: what is new is marked new once.
    return render(request, "notify/list.html", {"community": community, "rows": rows})


@require_membership
def notification_settings(request, community):
    from django.http import Http404

    raise Http404  # placeholder until the preferences page lands
