"""News is written by the services that have it, in their own transaction (`announce`); how it
reaches each reader is decided after that transaction commits, by the delivery job
(notify.delivery), so a mail server that is slow or down never holds up or undoes the news."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from pomochi.communities.models import Household, Membership
from pomochi.notify.kinds import KINDS
from pomochi.notify.models import Notification


def announce(
    *,
    kind: str,
    community_id: int,
    params: dict,
    about: str = "",
    about_id: int | None = None,
    household: Household | None = None,
    people: Iterable[Membership] = (),
    exclude: Membership | None = None,
    url: str = "",
) -> int:
    """Tell the audience that notify.kinds names for `kind` (call inside the service's
    transaction). `household` is the household the news is about (for "household" and
    "giver"), `people` the memberships for "people"; `exclude` is the one who acted, who needs
    no news of their own act. Returns how many were told."""
    audience = KINDS[kind].to
    members = Membership.objects.filter(community_id=community_id, is_active=True)
    if audience == "household" or (audience == "giver" and household is not None):
        if household is None:
            raise ValueError(f"{kind} is news for a household: name it")
        members = members.filter(household=household)
    elif audience in ("coordinators", "giver"):
        members = members.filter(is_coordinator=True)
    elif audience == "committee":
        members = members.filter(is_committee=True)
    else:
        members = members.filter(pk__in=[p.pk for p in people])
    if exclude is not None:
        members = members.exclude(pk=exclude.pk)
    now = timezone.now()
    rows = [
        Notification(
            community_id=community_id,
            recipient=m,
            kind=kind,
            params=params,
            about=about,
            about_id=about_id,
            url=url,
            created_at=now,
        )
        for m in members.only("id", "community_id")
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        deliver_after_commit()
    return len(rows)


def deliver_after_commit() -> None:
    """Start the delivery job once the current transaction commits: once per atomic block,
    however much news is written in it (a second start would find nothing left to do)."""
    here = set(getattr(connection, "savepoint_ids", []))
    for sids, callback, *_rest in getattr(connection, "run_on_commit", []):
        if callback is _enqueue_delivery and set(sids) == here:
            return
    transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    from pomochi.notify.tasks import deliver

    deliver.enqueue()


@transaction.atomic
def notifications_mark_read(*, actor: Membership, ids: list[int] | None = None) -> int:
    """Mark the member's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
