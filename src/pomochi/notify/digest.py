"""The digest: news a member chose to hear of in one e-mail a day or a week, rather than at once.

Each digest also carries the community's audit head of the day it was made. Members keep their
mail, so their inboxes hold dated copies of the head that nobody running the server can reach:
a later rewrite of the record would leave a head in someone's inbox that the chain no longer
contains ("Check the record", `pomochi verify_audit --head`).

A digest's notifications are those whose `digested_at` is the digest's `created_at` (the same
instant, written by one UPDATE when the digest is made), so no column links them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.audit.selectors import audit_head
from pomochi.communities.models import Community, Membership
from pomochi.notify.compose import absolute, register_composer
from pomochi.notify.messages import render_many
from pomochi.notify.models import (
    Delivery,
    Digest,
    DigestFrequency,
    Mail,
    MailSettings,
    Notification,
)
from pomochi.notify.presenters import notification_link


@dataclass(frozen=True)
class Period:
    frequency: str
    starts_on: date
    ends_on: date


def digest_period(*, frequency: str, today: date) -> Period:
    """The period that has just ended on `today`, a day on the community's clock: yesterday for
    a daily digest, the last complete ISO week (Monday to Sunday) for a weekly one."""
    if frequency == DigestFrequency.DAILY:
        yesterday = today - timedelta(days=1)
        return Period(frequency, yesterday, yesterday)
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=1)
    return Period(frequency, monday, monday + timedelta(days=6))


def digest_members() -> list[Membership]:
    """Who gets a digest: active members with an address who did not turn the digest or all
    e-mail off (no settings of their own: the weekly digest)."""
    wanted = Q(mail_settings__isnull=True) | Q(
        mail_settings__no_mail=False,
        mail_settings__digest__in=[DigestFrequency.DAILY, DigestFrequency.WEEKLY],
    )
    return list(
        Membership.objects.filter(wanted, is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "community", "mail_settings")
        .order_by("id")
    )


def _frequency_of(member: Membership) -> str:
    try:
        return member.mail_settings.digest
    except MailSettings.DoesNotExist:
        return DigestFrequency.WEEKLY


def digests_make(*, today: date | None = None) -> int:
    """Make each member's digest of the period just ended, once: safe to run every tick and from
    two workers at once (the period's unique Digest row is claimed first; a second claim makes
    nothing). `today` is a day on every community's clock (tests); by default each community's
    own today. Returns how many digests were made; their mail is sent after commit."""
    members = digest_members()
    periods = {
        m.pk: digest_period(
            frequency=_frequency_of(m),
            today=today or timezone.localdate(timezone=m.community.zone),
        )
        for m in members
    }
    # Digests already made for these periods, read at once: a tick that finds every period done
    # asks nothing more per member.
    made_before = set(
        Digest.objects.filter(
            starts_on__gte=min((p.starts_on for p in periods.values()), default=date.max)
        ).values_list("membership_id", "frequency", "starts_on")
    )
    # The head is read once per community and run: every digest of a run names the same one.
    heads: dict[int, tuple[str, int | None]] = {}
    made = 0
    for member in members:
        period = periods[member.pk]
        if (member.pk, period.frequency, period.starts_on) in made_before:
            continue
        if member.community_id not in heads:
            head = audit_head(community=member.community)
            heads[member.community_id] = (head.hash, head.seq) if head else ("", None)
        if _digest_make(member=member, period=period, head=heads[member.community_id]):
            made += 1
    if made:
        from pomochi.notify.services import deliver_after_commit

        deliver_after_commit()
    return made


def _period_end(community: Community, period: Period) -> datetime:
    """Midnight after the period's last day, on the community's clock."""
    return community.day_start(period.ends_on + timedelta(days=1))


def _digest_make(*, member: Membership, period: Period, head: tuple[str, int | None]) -> bool:
    """One member's digest, in one transaction: the period claimed, its news marked, its mail
    written. A daily digest with no news is not made (nothing is kept, so nothing is claimed);
    a weekly one is, as it carries the head."""
    news = Notification.objects.filter(
        recipient=member,
        delivery=Delivery.DIGEST,
        digested_at__isnull=True,
        created_at__lt=_period_end(member.community, period),
    )
    daily = period.frequency == DigestFrequency.DAILY
    if daily and not news.exists():
        return False
    now = timezone.now()
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                membership=member,
                frequency=period.frequency,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                head=head[0],
                head_seq=head[1],
                created_at=now,
            )
            # One UPDATE: news another digest took meanwhile is not taken twice.
            if not news.update(digested_at=now) and daily:
                transaction.set_rollback(True)
                return False
            Mail.objects.create(
                kind="digest",
                to=member.user.email,
                language=member.user.language or member.community.language,
                recipient=member,
                digest=digest,
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        return False  # the period was claimed by another run
    return True


def digest_items(*, digest: Digest) -> list[Notification]:
    """The news a digest holds, oldest first."""
    return list(
        Notification.objects.filter(
            recipient_id=digest.membership_id,
            delivery=Delivery.DIGEST,
            digested_at=digest.created_at,
        ).order_by("created_at", "id")
    )


def _subject(digest: Digest, count: int) -> str:
    if digest.frequency == DigestFrequency.DAILY:
        return ngettext(
            "Your daily news: %(count)d item", "Your daily news: %(count)d items", count
        ) % {"count": count}
    if not count:
        return _("Your weekly news: nothing new")
    return ngettext(
        "Your weekly news: %(count)d item", "Your weekly news: %(count)d items", count
    ) % {"count": count}


def _heading(digest: Digest, community: Community) -> str:
    if digest.starts_on == digest.ends_on:
        return _("Your news in %(community)s on %(day)s") % {
            "community": community.name,
            "day": date_format(digest.starts_on, "DATE_FORMAT"),
        }
    return _("Your news in %(community)s from %(start)s to %(end)s") % {
        "community": community.name,
        "start": date_format(digest.starts_on, "DATE_FORMAT"),
        "end": date_format(digest.ends_on, "DATE_FORMAT"),
    }


def _head_sentence(digest: Digest, community: Community) -> str:
    if not digest.head:
        return ""
    made_on = timezone.localtime(digest.created_at, community.zone).date()
    return _(
        "The record's head on %(date)s is %(head)s (entry %(seq)s). Keep this e-mail: anyone "
        "can check on the community's “Check the record” page that this head is still in the "
        "chain; a later rewrite of the record would contradict it."
    ) % {"date": date_format(made_on, "DATE_FORMAT"), "head": digest.head, "seq": digest.head_seq}


def _digest(mail: Mail) -> tuple[str, dict, str]:
    """The digest's mail, worded when sent in the recipient's language (compose sets it)."""
    digest = mail.digest
    community = mail.recipient.community
    items = digest_items(digest=digest)
    texts = render_many([(n.kind, n.params) for n in items])
    links = [notification_link(n, community.slug) for n in items]
    check = reverse("audit-check", args=[community.slug])
    return (
        f"[{community.name}] {_subject(digest, len(items))}",
        {
            "heading": _heading(digest, community),
            "items": [
                {"text": text, "link": absolute(link) if link else ""}
                for text, link in zip(texts, links, strict=True)
            ],
            "head": digest.head,
            "head_sentence": _head_sentence(digest, community),
            "check_url": absolute(f"{check}?head={digest.head}") if digest.head else "",
        },
        "digest",
    )


register_composer("digest", _digest)
