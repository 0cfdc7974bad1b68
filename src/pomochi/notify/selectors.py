from pomochi.communities.models import Membership
from pomochi.notify.kinds import KINDS, heard_by
from pomochi.notify.models import DigestFrequency, MailSettings, Notification, Preference


def unread_count(*, membership: Membership) -> int:
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).count()


def notifications_recent(*, membership: Membership, limit: int = 50) -> list[Notification]:
    """A member's latest notifications, newest first (notify.presenters words them)."""
    items = Notification.objects.filter(recipient=membership).order_by("-created_at", "-id")
    return list(items[:limit])


def preferences_current(*, membership: Membership) -> dict:
    """How this member hears each kind of news now, in notify.kinds' order: their choice, or the
    kind's default; how often the digest comes; whether they turned e-mail off; and whether
    e-mail can reach them at all (an address on their account). The page and the API show this.

    Each kind: kind, label (in the active language), default, delivery, heard (whether the
    member is among its audience now, by household and roles)."""
    chosen = dict(Preference.objects.filter(membership=membership).values_list("kind", "delivery"))
    mail = MailSettings.objects.filter(membership=membership).first()
    return {
        "kinds": [
            {
                "kind": name,
                "label": str(kind.label),
                "default": str(kind.default),
                "delivery": chosen.get(name, str(kind.default)),
                "heard": heard_by(kind, membership),
            }
            for name, kind in KINDS.items()
        ],
        "digest": mail.digest if mail else DigestFrequency.WEEKLY.value,
        "no_mail": mail.no_mail if mail else False,
        "reachable": bool(membership.user.email),
    }
