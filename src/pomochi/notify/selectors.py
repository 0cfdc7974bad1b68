from pomochi.communities.models import Membership
from pomochi.notify.messages import render_many
from pomochi.notify.models import Notification


def unread_count(*, membership: Membership) -> int:
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).count()


def notifications_for(*, membership: Membership, limit: int = 50) -> list[tuple[Notification, str]]:
    items = Notification.objects.filter(recipient=membership).order_by("-created_at", "-id")
    items = list(items[:limit])
    return list(zip(items, render_many([(n.kind, n.params) for n in items]), strict=True))
