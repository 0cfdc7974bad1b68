from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from pomochi.aid.models import Commitment, Reminder
from pomochi.aid.selectors import OWED
from pomochi.notify.messages import amount_facts
from pomochi.notify.services import notify_household, notify_members


def reminders_send(*, today: date | None = None) -> int:
    """Remind the promiser of each overdue promise, at most once per promise and day.

    Each reminder is its own transaction, claimed by a unique (commitment, day) row first, so two
    ticks running at once (cron overlapping a --loop) cannot send the same reminder twice.
    """
    today = today or timezone.localdate()
    overdue = Commitment.objects.filter(OWED, due_on__lt=today).select_related(
        "giver_household", "giver_pool", "resource"
    )
    sent = 0
    for commitment in overdue.iterator():
        try:
            with transaction.atomic():
                Reminder.objects.create(commitment=commitment, day=today, sent_at=timezone.now())
                params = {
                    "resource": commitment.resource.name,
                    **amount_facts(commitment.remaining, resource=commitment.resource),
                    "due": commitment.due_on.isoformat(),
                }
                if commitment.giver_household_id:
                    notify_household(
                        household=commitment.giver_household, kind="commitment.due", params=params
                    )
                else:  # a pool's promise: its coordinators answer for it
                    from pomochi.communities.models import Membership

                    notify_members(
                        memberships=Membership.objects.filter(
                            community_id=commitment.community_id,
                            is_coordinator=True,
                            is_active=True,
                        ),
                        kind="commitment.due",
                        params=params,
                    )
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
