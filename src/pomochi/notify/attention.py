"""Whom news could not reach (registered in NotifyConfig.ready): members who wanted news by
e-mail but have no address, with news they have not read here either. A coordinator tells them
in person. Two queries, however many members and notifications."""

from datetime import date, timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.communities import policy
from pomochi.communities.models import Community, Membership
from pomochi.communities.presenters import member_name
from pomochi.notify.models import Notification
from pomochi.web.attention import SHOWN, WAITING, Item, register_attention

# Unread news older than this is not chased any more (it has been on the list a fortnight).
LOOK_BACK = timedelta(days=14)


def members_unreached(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """ "Nina has 3 news items she has not read and no e-mail address": for coordinators, who
    may see the members list (who is a member is theirs to know; what the news was is not shown)."""
    if not policy.can(actor, "notification.list_unreached", community):
        return []
    rows = (
        Notification.objects.filter(
            community=community,
            unreachable=True,
            read_at__isnull=True,
            created_at__gte=community.day_start(today) - LOOK_BACK,
            recipient__is_active=True,
        )
        .values("recipient")
        .annotate(n=Count("id"))
        .order_by("-n", "recipient")
    )
    rows = list(rows[: SHOWN + 1])
    members = Membership.objects.in_bulk([r["recipient"] for r in rows])
    link = reverse("members", args=[community.slug])
    items = [
        Item(
            kind="news.unreached",
            params={"member": member_name(actor=actor, obj=members[r["recipient"]])},
            link=link,
            order=WAITING,
            count=r["n"],
        )
        for r in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        items.append(Item(kind="news.unreached", params={}, link=link, order=WAITING, count=1))
    return items


def _unreached(p: dict, count: int) -> str:
    if not p:
        return _("More members whom news could not reach: see the members page")
    return ngettext(
        "%(member)s has %(n)d news item unread and no e-mail address: tell them in person",
        "%(member)s has %(n)d news items unread and no e-mail address: tell them in person",
        count,
    ) % (p | {"n": count})


def register() -> None:
    register_attention(members_unreached, sentences={"news.unreached": _unreached})
