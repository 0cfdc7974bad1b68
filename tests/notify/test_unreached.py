"""Members whom e-mail cannot reach: their news stays in the app, and the coordinators' list of
what needs attention says whom to tell in person."""

from pomochi.aid.services import need_post
from pomochi.notify.delivery import news_route
from pomochi.notify.models import Mail, Notification
from pomochi.notify.services import notifications_mark_read
from pomochi.web.attention import attention_for


def without_address(membership):
    membership.user.email = ""
    membership.user.save(update_fields=["email"])
    return membership


def unreached_items(actor, v):
    return [
        i for i in attention_for(actor=actor, community=v.community) if i.kind == "news.unreached"
    ]


def test_a_coordinator_without_an_address_is_named_to_the_other_coordinators(village):
    v = village
    without_address(v.alice)
    need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=5_000,
        urgency="urgent",
    )
    news_route()
    told = Notification.objects.get(recipient=v.alice, kind="need.urgent")
    assert told.unreachable and told.delivery == "now"
    assert list(Mail.objects.values_list("to", flat=True)) == ["olga@example.org"]

    [item] = unreached_items(v.olga, v)
    assert item.sentence == (
        "alice has 1 news item unread and no e-mail address: tell them in person"
    )
    assert unreached_items(v.bob, v) == []  # a plain member is not told who is unreachable
    assert unreached_items(v.vera, v) == []  # nor the committee: reaching people is coordinators'

    notifications_mark_read(actor=v.alice)  # she read it here after all
    assert unreached_items(v.olga, v) == []


def test_a_member_who_chose_no_mail_is_not_counted_unreachable(village):
    from django.utils import timezone

    from pomochi.notify.models import MailSettings

    v = village
    MailSettings.objects.create(membership=v.alice, no_mail=True, changed_at=timezone.now())
    need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=5_000,
        urgency="urgent",
    )
    news_route()
    told = Notification.objects.get(recipient=v.alice, kind="need.urgent")
    assert not told.unreachable
    assert not Mail.objects.filter(recipient=v.alice).exists()
    assert unreached_items(v.olga, v) == []


def test_two_runs_of_the_sender_send_each_mail_once(village, mailoutbox):
    from pomochi.notify.delivery import mail_send_due

    need_post(
        actor=village.bob,
        community=village.community,
        household=village.petrovs,
        resource=village.grain,
        quantity=5_000,
        urgency="urgent",
    )
    news_route()
    news_route()  # routing twice writes one mail per reader
    first, second = mail_send_due(), mail_send_due()
    assert (first.sent, second.sent) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "olga@example.org"]
