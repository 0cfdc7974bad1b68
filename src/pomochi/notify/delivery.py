"""From news to mail: the delivery job's two steps, each safe to run any number of times and
from any number of workers at once.

1. `news_route` decides, for each notification not yet decided, how its reader hears of it
   (their preference, or the kind's default) and writes an outbox row (`Mail`) for news wanted
   at once by a member who has an address and has not turned e-mail off.
2. `mail_send_due` sends every outbox row that is due, one at a time: claimed first (a
   conditional UPDATE, so of two workers one wins), sent through Django's mail backend, then
   marked sent. A temporary failure (a 4xx answer, a refused or dropped connection) is tried
   again later, each wait longer than the last; a permanent one (5xx) is marked failed.
"""

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pomochi.notify.kinds import kind_of
from pomochi.notify.models import Delivery, Mail, MailSettings, MailStatus, Notification, Preference

ROUTE_BATCH = 500
# Mail carrying a secret made once keeps its words only until it is sent.
SECRET_KINDS = {"invitation", "password"}


def news_route(*, limit: int = ROUTE_BATCH) -> int:
    """Decide how each undecided notification reaches its reader; returns how many."""
    decided = 0
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.filter(delivery="")
                .select_related("recipient__user", "recipient__community")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:limit]
            )
            if not batch:
                return decided
            _route(batch)
        decided += len(batch)


def _route(batch: list[Notification]) -> None:
    members = {n.recipient_id for n in batch}
    chosen = {
        (p.membership_id, p.kind): p.delivery
        for p in Preference.objects.filter(membership_id__in=members)
    }
    no_mail = set(
        MailSettings.objects.filter(membership_id__in=members, no_mail=True).values_list(
            "membership_id", flat=True
        )
    )
    now = timezone.now()
    outbox = []
    for n in batch:
        kind = kind_of(n.kind)
        n.delivery = chosen.get((n.recipient_id, n.kind)) or (kind.default if kind else "app")
        member = n.recipient
        address = member.user.email if member.is_active else ""
        if n.delivery == Delivery.APP or n.recipient_id in no_mail or not member.is_active:
            continue
        if not address:
            n.unreachable = True  # shown to coordinators: tell them in person
            continue
        if n.delivery == Delivery.NOW:
            outbox.append(
                Mail(
                    kind="notification",
                    to=address,
                    language=member.user.language or member.community.language,
                    recipient=member,
                    notification=n,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    Notification.objects.bulk_update(batch, ["delivery", "unreachable"])
    Mail.objects.bulk_create(outbox)


def mail_queue(
    *,
    kind: str,
    to: str,
    language: str,
    subject: str,
    text: str,
    html: str = "",
    recipient=None,
) -> Mail:
    """An e-mail worded now (it carries what only this moment has: a code, a password link),
    sent by the delivery job after the caller's transaction commits."""
    from pomochi.notify.services import deliver_after_commit

    now = timezone.now()
    mail = Mail.objects.create(
        kind=kind,
        to=to,
        language=language,
        recipient=recipient,
        subject=subject,
        text=text,
        html=html,
        next_attempt_at=now,
        created_at=now,
    )
    deliver_after_commit()
    return mail


@dataclass
class Sent:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    next_at: datetime | None = None  # the earliest retry still waiting


def mail_send_due(*, limit: int = 1000) -> Sent:
    """Send what is due, each row claimed before it is sent."""
    from pomochi.notify.compose import compose

    result = Sent()
    for _ in range(limit):
        mail = _claim()
        if mail is None:
            break
        try:
            message = compose(mail)
            message.send()
        except Exception as error:  # noqa: BLE001 — every failure is recorded on the row
            if _failed(mail, error):
                result.retried += 1
            else:
                result.failed += 1
            continue
        _sent(mail)
        result.sent += 1
    waiting = (
        Mail.objects.filter(status=MailStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    result.next_at = waiting
    return result


def _claim() -> Mail | None:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.POMOCHI_MAIL_LEASE_SECONDS)
    due = Q(status=MailStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=MailStatus.SENDING, claimed_at__lt=stale
    )
    for candidate in Mail.objects.filter(due).order_by("next_attempt_at", "id")[:20]:
        won = Mail.objects.filter(
            pk=candidate.pk, status=candidate.status, claimed_at=candidate.claimed_at
        ).update(status=MailStatus.SENDING, claimed_at=now, attempts=candidate.attempts + 1)
        if won:
            candidate.status, candidate.claimed_at = MailStatus.SENDING, now
            candidate.attempts += 1
            return candidate
    return None


def _temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, OSError))


def _failed(mail: Mail, error: Exception) -> bool:
    """Record the failure; True if the mail will be tried again."""
    again = _temporary(error) and mail.attempts < settings.POMOCHI_MAIL_ATTEMPTS
    base = settings.POMOCHI_MAIL_RETRY_SECONDS
    wait = timedelta(seconds=min(base * 4 ** (mail.attempts - 1), 6 * 3600))
    Mail.objects.filter(pk=mail.pk, claimed_at=mail.claimed_at).update(
        status=MailStatus.PENDING if again else MailStatus.FAILED,
        next_attempt_at=timezone.now() + wait,
        last_error=f"{type(error).__name__}: {error}"[:300],
    )
    return again


def _sent(mail: Mail) -> None:
    now = timezone.now()
    wipe = {"subject": "", "text": "", "html": ""} if mail.kind in SECRET_KINDS else {}
    with transaction.atomic():
        Mail.objects.filter(pk=mail.pk).update(status=MailStatus.SENT, sent_at=now, **wipe)
        if mail.notification_id:
            Notification.objects.filter(pk=mail.notification_id).update(emailed_at=now)
