"""The unread count in every page's header, and where it leads."""

from django.urls import reverse

from pomochi.communities.selectors import memberships_of_user
from pomochi.notify.selectors import unread_count


def unread_notifications(request) -> dict:
    """On a community's page, that membership's unread notifications; elsewhere, all of the
    person's, leading to the first community with news."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)  # set by require_membership
    if membership is not None:
        counts = [(membership, unread_count(membership=membership))]
    else:
        counts = [(m, unread_count(membership=m)) for m in memberships_of_user(user=user)]
    if not counts:
        return {}
    target = next((m for m, n in counts if n), counts[0][0])
    return {
        "unread_notifications": sum(n for _m, n in counts),
        "notifications_url": reverse("notifications", args=[target.community.slug]),
    }
