"""Notifications are written by the services that have news, in their own transaction."""

from django.db import transaction
from django.utils import timezone

from pomochi.communities.models import Household, Membership
from pomochi.notify.models import Notification


def notify_members(*, memberships, kind: str, params: dict, url: str = "") -> int:
    """One row per member; call inside the service's transaction. Returns how many."""
    now = timezone.now()
    rows = [
        Notification(
            community_id=m.community_id,
            recipient=m,
            kind=kind,
            params=params,
            url=url,
            created_at=now,
        )
        for m in memberships
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_household(*, household: Household, kind: str, params: dict, url: str = "") -> int:
    members = Membership.objects.filter(household=household, is_active=True)
    return notify_members(memberships=members, kind=kind, params=params, url=url)


@transaction.atomic
def notifications_mark_read(*, actor: Membership, ids: list[int] | None = None) -> int:
    """Mark the member's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
