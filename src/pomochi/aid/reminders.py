from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from pomochi.aid.models import Commitment, Reminder
from pomochi.aid.selectors import OWED
from pomochi.notify.messages import amount_facts
from pomochi.notify.services import announce


def reminders_send(*, today: date | None = None) -> int:
    """Remind the promiser of each promise due tomorrow and each overdue one, at most once per
    promise and day.

    Each reminder is its own transaction, claimed by a unique (commitment, day) row first, so two
    ticks running at once (cron overlapping a --loop) cannot send the same reminder twice.
    """
    today = today or timezone.localdate()
    owed = Commitment.objects.filter(OWED, due_on__lte=today + timedelta(days=1)).exclude(
        due_on=today
    )
    sent = 0
    for commitment in owed.select_related("giver_household", "resource").iterator():
        kind = "commitment.due" if commitment.due_on < today else "commitment.due_soon"
        try:
            with transaction.atomic():
                Reminder.objects.create(commitment=commitment, day=today, sent_at=timezone.now())
                announce(
                    kind=kind,
                    community_id=commitment.community_id,
                    household=commitment.giver_household,  # None: a store's, its coordinators'
                    params={
                        "resource": commitment.resource.name,
                        **amount_facts(commitment.remaining, resource=commitment.resource),
                        "due": commitment.due_on.isoformat(),
                    },
                    about="commitment",
                    about_id=commitment.id,
                )
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
