"""The digest: a member's daily or weekly news in one e-mail, once per period, in their language,
carrying the record's head of the day, which the chain must still contain.

The village's members (olga, alice, bob, vera) all have an address and, having chosen nothing,
get the weekly digest. Dates are weeks in the past, so the news the fixture itself wrote (now)
is in none of them.
"""

import re
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pomochi.audit.models import AuditHead
from pomochi.ledger.services import event_contribute
from pomochi.notify.delivery import mail_send_due, news_route
from pomochi.notify.digest import digests_make
from pomochi.notify.models import (
    Digest,
    DigestFrequency,
    Mail,
    MailSettings,
    Notification,
    Preference,
)
from tests.conftest import notification_for

# The Monday of a week well before today: week 1 starts here, week 2 a week later.
WEEK1 = timezone.localdate() - timedelta(days=timezone.localdate().weekday(), weeks=4)
WEEK2 = WEEK1 + timedelta(weeks=1)
AFTER_WEEK1, AFTER_WEEK2 = WEEK2, WEEK2 + timedelta(weeks=1)  # the Mondays the digests are made
HEAD = re.compile(r"\b([0-9a-f]{64})\b")


def at(v, day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=v.community.zone)


def news(member, kind: str, when: datetime, **params) -> Notification:
    """A notification written at `when`, then routed as the delivery job routes it."""
    n = notification_for(member, kind=kind, params=params)
    Notification.objects.filter(pk=n.pk).update(created_at=when)
    news_route()
    return n


def confirmed(v, member, grams: int, when: datetime) -> Notification:
    """“Your contribution … was confirmed”: digest news by default."""
    return news(
        member,
        "contribution.confirmed",
        when,
        resource="grain",
        pool="Granary",
        quantity=grams,
        unit="kg",
        decimal_places=3,
        amount=f"{grams / 1000} kg",
    )


def digests_sent() -> dict[str, list]:
    """Send the outbox through the test mail backend; the digests that arrived, by address."""
    django_mail.outbox.clear()
    mail_send_due()
    mailboxes: dict[str, list] = {}
    digests = {str(pk) for pk in Mail.objects.filter(kind="digest").values_list("pk", flat=True)}
    for message in django_mail.outbox:
        if message.extra_headers["Message-ID"].split(".")[1] in digests:  # <pomochi.PK.…>
            mailboxes.setdefault(message.to[0], []).append(message)
    return mailboxes


def html_of(message) -> str:
    return message.alternatives[0][0]


@pytest.fixture
def two_languages(village):
    """bob reads Russian, alice English."""
    village.bob.user.language = "ru"
    village.bob.user.save(update_fields=["language"])
    village.alice.user.language = "en"
    village.alice.user.save(update_fields=["language"])
    return village


def test_each_week_brings_its_own_news_in_each_readers_language(two_languages):
    v = two_languages
    confirmed(v, v.bob, 12_500, at(v, WEEK1 + timedelta(days=2)))
    confirmed(v, v.alice, 7_250, at(v, WEEK1 + timedelta(days=6), hour=23))
    confirmed(v, v.bob, 3_000, at(v, WEEK2))
    confirmed(v, v.alice, 40_000, at(v, WEEK2 + timedelta(days=3)))

    assert digests_make(today=AFTER_WEEK1) == 4  # olga and vera too: a weekly digest, no news
    week1 = digests_sent()
    bob = week1["bob@example.org"][0]
    assert "Ваш взнос в запас «Granary» (grain, 12,5 kg) подтверждён" in bob.body
    assert "3 kg" not in bob.body  # week 2's news waits for week 2's digest
    assert "Your contribution" not in bob.body
    assert '<html lang="ru">' in html_of(bob)
    alice = week1["alice@example.org"][0]
    assert alice.subject == "[Village] Your weekly news: 1 item"
    assert "Your contribution of 7.25 kg of grain to Granary was confirmed" in alice.body
    assert "40 kg" not in alice.body
    assert '<html lang="en">' in html_of(alice)
    assert week1["olga@example.org"][0].subject == "[Village] Your weekly news: nothing new"

    assert digests_make(today=AFTER_WEEK2) == 4
    week2 = digests_sent()
    bob = week2["bob@example.org"][0]
    assert "(grain, 3 kg) подтверждён" in bob.body
    assert "12,5" not in bob.body
    alice = week2["alice@example.org"][0]
    assert "Your contribution of 40 kg of grain to Granary was confirmed" in alice.body
    assert "7.25" not in alice.body
    assert Digest.objects.filter(starts_on=WEEK2, ends_on=WEEK2 + timedelta(days=6)).count() == 4


def test_each_item_links_to_where_it_is_followed_up(two_languages):
    v = two_languages
    confirmed(v, v.alice, 1_000, at(v, WEEK1))
    digests_make(today=AFTER_WEEK1)
    alice = digests_sent()["alice@example.org"][0]
    link = f"http://localhost:8000{reverse('waiting-records', args=['village'])}"
    assert link in alice.body
    assert f'href="{link}"' in html_of(alice)
    assert alice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_second_run_makes_nothing_more(two_languages):
    v = two_languages
    confirmed(v, v.bob, 12_500, at(v, WEEK1))
    assert digests_make(today=AFTER_WEEK1) == 4
    assert digests_make(today=AFTER_WEEK1) == 0
    assert digests_make(today=AFTER_WEEK1 + timedelta(days=3)) == 0  # later the same week
    assert Digest.objects.count() == 4
    assert Mail.objects.filter(kind="digest").count() == 4
    assert len(digests_sent()["bob@example.org"]) == 1


def test_older_news_not_yet_in_a_digest_comes_in_the_next_one(two_languages):
    v = two_languages
    confirmed(v, v.alice, 2_000, at(v, WEEK1 - timedelta(weeks=5)))  # before digests began
    digests_make(today=AFTER_WEEK1)
    assert "Your contribution of 2 kg" in digests_sent()["alice@example.org"][0].body
    assert Notification.objects.get(recipient=v.alice, kind="contribution.confirmed").digested_at


def test_the_week_ends_at_midnight_on_the_communitys_clock(two_languages):
    v = two_languages
    v.community.timezone = "Asia/Vladivostok"  # UTC+10
    v.community.save(update_fields=["timezone"])
    sunday_night = at(v, WEEK1 + timedelta(days=6), hour=23)
    monday_morning = at(v, WEEK2, hour=1)  # still Sunday in UTC
    confirmed(v, v.alice, 1_000, sunday_night)
    confirmed(v, v.alice, 5_000, monday_morning)
    digests_make(today=AFTER_WEEK1)
    body = digests_sent()["alice@example.org"][0].body
    assert "1 kg" in body
    assert "5 kg" not in body


def test_a_daily_member_gets_yesterdays_news_and_nothing_on_a_quiet_day(two_languages):
    v = two_languages
    MailSettings.objects.create(
        membership=v.bob, digest=DigestFrequency.DAILY, changed_at=timezone.now()
    )
    day = WEEK1 + timedelta(days=2)
    confirmed(v, v.bob, 12_500, at(v, day))
    digests_make(today=day + timedelta(days=1))
    daily = Digest.objects.get(membership=v.bob)
    assert (daily.frequency, daily.starts_on, daily.ends_on) == ("daily", day, day)
    bob = digests_sent()["bob@example.org"][0]
    assert bob.subject == "[Village] Новости за день: 1"  # bob reads Russian
    assert "12,5 kg" in bob.body

    digests_make(today=day + timedelta(days=2))  # the day after had no news
    assert Digest.objects.filter(membership=v.bob).count() == 1
    assert "bob@example.org" not in digests_sent()
    # The weekly readers get the week before, whichever day of the next week the job runs.
    weekly = Digest.objects.exclude(membership=v.bob)
    assert set(weekly.values_list("starts_on", flat=True)) == {WEEK1 - timedelta(weeks=1)}


def test_who_turned_it_off_or_has_no_address_gets_none(two_languages):
    v = two_languages
    now = timezone.now()
    MailSettings.objects.create(membership=v.alice, digest=DigestFrequency.OFF, changed_at=now)
    MailSettings.objects.create(membership=v.bob, no_mail=True, changed_at=now)
    v.vera.user.email = ""
    v.vera.user.save(update_fields=["email"])
    for member in (v.alice, v.bob, v.vera):
        confirmed(v, member, 1_000, at(v, WEEK1))
    assert digests_make(today=AFTER_WEEK1) == 1
    assert list(digests_sent()) == ["olga@example.org"]
    assert not Notification.objects.filter(digested_at__isnull=False).exists()


def test_news_chosen_at_once_or_here_only_is_not_in_the_digest(two_languages):
    v = two_languages
    Preference.objects.create(membership=v.alice, kind="match", delivery="app")
    when = at(v, WEEK1)
    in_digest = confirmed(v, v.alice, 1_000, when)
    at_once = news(
        v.alice,
        "contribution.declined",
        when,
        resource="grain",
        pool="Granary",
        quantity=9_000,
        unit="kg",
        decimal_places=3,
        reason="never came",
    )
    here_only = news(v.alice, "match", when, resource="potatoes")
    digests_make(today=AFTER_WEEK1)
    body = digests_sent()["alice@example.org"][0].body
    assert "1 kg" in body
    assert "9 kg" not in body
    assert "potatoes" not in body
    assert Notification.objects.get(pk=in_digest.pk).digested_at is not None
    assert Notification.objects.get(pk=at_once.pk).digested_at is None
    assert Notification.objects.get(pk=here_only.pk).digested_at is None


def test_the_head_in_a_digest_is_found_by_verify_audit_and_on_the_check_page(client, two_languages):
    v = two_languages
    digests_make(today=AFTER_WEEK1)
    body = digests_sent()["bob@example.org"][0].body
    head = HEAD.search(body).group(1)
    digest = Digest.objects.get(membership=v.bob)
    current = AuditHead.objects.get(community=v.community)
    assert (head, digest.head_seq) == (current.hash, current.seq)
    assert f"(запись {current.seq})" in body  # bob's digest is in Russian
    # The record grows after the digest; the head noted then is still in the chain.
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=1_000
    )
    assert AuditHead.objects.get(community=v.community).seq > current.seq

    out = StringIO()
    call_command("verify_audit", head=head, stdout=out)
    assert f"FOUND: head {head} is entry {current.seq} of village" in out.getvalue()

    client.force_login(v.bob.user)
    pasted = f"  {head[:40]}\n{head[40:].upper()} "  # as copied from a wrapped e-mail
    page = client.get(reverse("audit-check", args=["village"]), {"head": pasted})
    assert page.context["result"].seq == current.seq
    assert page.context["result"].links_hold


def test_it_asks_the_same_number_of_queries_for_one_item_or_many(two_languages):
    v = two_languages
    members = (v.olga, v.alice, v.bob, v.vera)
    for member in members:
        confirmed(v, member, 1_000, at(v, WEEK1))
        for i in range(12):
            confirmed(v, member, 1_000 + i, at(v, WEEK2))
    with CaptureQueriesContext(connection) as few:
        assert digests_make(today=AFTER_WEEK1) == 4
    with CaptureQueriesContext(connection) as many:
        assert digests_make(today=AFTER_WEEK2) == 4
    assert len(many) == len(few)
    assert len(few) <= 3 + 5 * len(members)
    assert Notification.objects.filter(kind="contribution.confirmed", digested_at=None).count() == 0


def test_the_tick_starts_the_digest_job(village):
    from django_tasks_db.models import DBTaskResult

    call_command("tick", stdout=StringIO())
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "pomochi.notify.tasks.digests" in paths


def test_the_digest_job_makes_the_digests_of_the_week_just_ended(village):
    from pomochi.notify.tasks import digests

    made = digests.call()
    assert made == 4  # every member's weekly digest of last week (no news, the head)
    assert digests.call() == 0
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert set(Digest.objects.values_list("starts_on", flat=True)) == {monday - timedelta(7)}
