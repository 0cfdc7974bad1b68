"""`pomochi tick`: the clock's work, idempotent, run from cron or a timer (or `--loop`)."""

import time

from django.core.management.base import BaseCommand

from pomochi.aid.reminders import reminders_send
from pomochi.notify.tasks import deliver, digests


class Command(BaseCommand):
    help = (
        "Send what is due today (reminders of promises due tomorrow or overdue), start the "
        "digest job (each member's daily or weekly digest of the period just ended, once) and "
        "the delivery job (`pomochi db_worker` runs both), which also takes up any mail a "
        "stopped worker left. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, every --every s")
        parser.add_argument("--every", type=int, default=900, help="seconds between runs")

    def handle(self, *args, loop=False, every=900, **options):
        if every < 10:
            from django.core.management.base import CommandError

            raise CommandError("--every must be at least 10 seconds")
        while True:
            sent = reminders_send()
            self.stdout.write(f"reminders sent: {sent}")
            digests.enqueue()
            deliver.enqueue()
            if not loop:
                return
            time.sleep(every)
