"""The delivery and digest jobs, run by `pomochi db_worker` (django-tasks' database backend)."""

from django_tasks import task

from pomochi.notify.delivery import mail_send_due, news_route
from pomochi.notify.digest import digests_make


@task()
def deliver() -> dict:
    """Route new news, send what is due; if this run put a mail off for a retry, come back for
    it then (`pomochi tick` also starts this job, which picks up anything a dead worker left)."""
    routed = news_route()
    sent = mail_send_due()
    if sent.retried and sent.next_at is not None:
        deliver.using(run_after=sent.next_at).enqueue()
    return {"routed": routed, "sent": sent.sent, "retried": sent.retried, "failed": sent.failed}


@task()
def digests() -> int:
    """Make the digests of the period just ended (`pomochi tick` starts it every run; a period
    already made is skipped), then start the delivery job for their mail."""
    return digests_make()
