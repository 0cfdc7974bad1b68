from pomochi.communities.models import Membership
from pomochi.notify.models import Notification


def unread_count(*, membership: Membership) -> int:
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).count()


def notifications_recent(*, membership: Membership, limit: int = 50) -> list[Notification]:
    """A member's latest notifications, newest first (notify.presenters words them)."""
    items = Notification.objects.filter(recipient=membership).order_by("-created_at", "-id")
    return list(items[:limit])
