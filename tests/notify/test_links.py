"""One-click links in e-mail: signed for one member, expiring, used once, never acting on GET;
each action changes the real object through its own service; unsubscribing in one click.

The world is the permission matrix's (tests.matrix.build_world): bob's household (the Petrovs)
is asked to give the Sidorovs an hour (promise_proposed) and is promised a kilogram of grain
from the Granary (promise_petrovs); a draft round waits for the committee (vera, olga).
"""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pomochi.aid.models import Commitment, RoundDecision
from pomochi.aid.rounds import round_decide, round_edit
from pomochi.audit.models import AuditEntry
from pomochi.communities.services import membership_leave, membership_set_roles
from pomochi.notify.delivery import mail_send_due, news_route
from pomochi.notify.links import action_token, actions_for, unsubscribe_token
from pomochi.notify.models import ActionUse, Mail, MailSettings, Notification
from tests.matrix import build_world

DAY = 24 * 3600


@pytest.fixture
def w(stocked_village, hamlet, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_world(stocked_village, hamlet)


def link(member, action: str, obj, **kw) -> str:
    version = kw.pop("version", None)
    token = action_token(membership=member, action=action, object_id=obj.id, version=version)
    return reverse("mail-action", args=[token])


def accept_link(w) -> str:
    return link(w.bob, "commitment.accept", w.promise_proposed)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def audit_verbs(w, verb: str) -> int:
    return AuditEntry.objects.filter(community=w.community, verb=verb).count()


# ---------------------------------------------------------------------------------------------
# Each action changes the real object


def test_it_shows_what_accepting_will_do_and_does_it_on_the_button(w, client):
    url = accept_link(w)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your household, Petrovs, promises to give Sidorovs 1 h of labour by" in text
    assert 'method="post"' in text and "csrfmiddlewaretoken" in text
    assert fresh(w.promise_proposed).accepted_at is None
    done = client.post(url)
    assert done.status_code == 200
    assert "It is recorded." in done.content.decode()
    promise = fresh(w.promise_proposed)
    assert promise.accepted_at is not None and promise.answered_by == w.bob
    assert not promise.answered_in_person  # bob is of the giver household: his own answer


def test_it_declines_a_proposed_promise(w, client):
    url = link(w.bob, "commitment.decline", w.promise_proposed)
    assert "says no to giving Sidorovs 1 h of labour" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    promise = fresh(w.promise_proposed)
    assert promise.declined_at is not None and promise.accepted_at is None
    assert audit_verbs(w, "commitment.decline") == 1


def test_the_receiving_household_confirms_the_promise_arrived(w, client):
    url = link(w.bob, "commitment.fulfil", w.promise_petrovs, version=0)
    text = client.get(url).content.decode()
    assert "You confirm that 1 kg of grain from Granary has reached your household, Petrovs" in text
    assert client.post(url).status_code == 200
    promise = fresh(w.promise_petrovs)
    assert promise.quantity_fulfilled == 1_000 and promise.fate == "kept"
    assert promise.fate_by == w.bob


def test_a_committee_member_approves_a_round(w, client):
    round_ = w.round
    url = link(w.vera, "round.approve", round_, version=round_.revision)
    text = client.get(url).content.decode()
    assert "You approve this version of the round: 2 kg of grain from Granary" in text
    assert "shared among 2 households" in text
    assert client.post(url).status_code == 200
    decision = RoundDecision.objects.get(round=round_, member=w.vera)
    assert decision.decision == "approve" and decision.revision == round_.revision
    assert fresh(round_).status == "draft"  # the quorum is two
    assert client.post(link(w.olga, "round.approve", round_, version=1)).status_code == 200
    assert fresh(round_).status == "approved"


def test_a_link_for_an_edited_round_approves_nothing(w, client):
    url = link(w.vera, "round.approve", w.round, version=w.round.revision)
    round_edit(actor=w.alice, round=w.round, quantity=1_000)
    assert client.get(url).status_code == 409
    response = client.post(url)
    assert response.status_code == 409
    assert "changed since the e-mail was sent" in response.content.decode()
    assert not RoundDecision.objects.filter(round=w.round, member=w.vera).exists()
    assert not ActionUse.objects.exists()


# ---------------------------------------------------------------------------------------------
# Once, in time, untampered; GET never acts


def test_a_link_works_once(w, client):
    url = accept_link(w)
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 409
    assert "This link was already used" in again.content.decode()
    assert audit_verbs(w, "commitment.accept") == 1
    assert ActionUse.objects.get().membership == w.bob
    assert client.get(url).status_code == 409  # and its page says so too


def test_get_never_acts(w):
    url = accept_link(w)
    for _ in range(3):
        assert Client().get(url).status_code == 200
    assert Client().head(url).status_code == 200
    assert fresh(w.promise_proposed).accepted_at is None
    assert not ActionUse.objects.exists()
    assert audit_verbs(w, "commitment.accept") == 0


def test_an_expired_link_sends_to_the_page(w, client, settings):
    made = time.time() - (settings.POMOCHI_ACTION_LINK_DAYS + 1) * DAY
    with mock.patch("django.core.signing.time.time", return_value=made):
        url = accept_link(w)
    page = reverse("promise", args=["village", w.promise_proposed.id])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        text = response.content.decode()
        assert "This link has expired; open the page instead." in text
        assert f'href="{page}"' in text
    assert fresh(w.promise_proposed).accepted_at is None
    assert not ActionUse.objects.exists()


def test_a_link_a_day_short_of_expiry_still_works(w, client, settings):
    made = time.time() - (settings.POMOCHI_ACTION_LINK_DAYS - 1) * DAY
    with mock.patch("django.core.signing.time.time", return_value=made):
        url = accept_link(w)
    assert client.post(url).status_code == 200
    assert fresh(w.promise_proposed).accepted_at is not None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: "x" + t[1:],  # the payload
        lambda t: "nonsense",
    ],
    ids=["signature", "payload", "nonsense"],
)
def test_a_tampered_link_is_refused_plainly(w, client, spoil):
    token = action_token(
        membership=w.bob, action="commitment.accept", object_id=w.promise_proposed.id
    )
    url = reverse("mail-action", args=[spoil(token)])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert fresh(w.promise_proposed).accepted_at is None


def test_an_unsubscribe_link_is_no_action_link(w, client):
    """Each use has its salt: a token made for one is refused by the other."""
    url = reverse("mail-action", args=[unsubscribe_token(w.bob)])
    assert client.post(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# The member as they are now: the service's own policy decides


def test_a_link_for_someone_whose_role_was_removed_is_refused(w, client):
    url = link(w.vera, "round.approve", w.round, version=w.round.revision)
    membership_set_roles(actor=w.olga, membership=w.vera, committee=False)
    assert client.get(url).status_code == 403  # nothing described to one who may not
    response = client.post(url)
    assert response.status_code == 403
    assert "You are not allowed to do this here." in response.content.decode()
    assert not RoundDecision.objects.filter(round=w.round, member=w.vera).exists()
    assert not ActionUse.objects.exists()  # refused: the link was not used up


def test_a_link_for_someone_who_left_is_refused(w, client):
    url = accept_link(w)
    membership_leave(actor=w.bob, membership=w.bob)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert fresh(w.promise_proposed).accepted_at is None


def test_a_link_answered_on_the_page_meanwhile_does_nothing_more(w, client):
    from pomochi.aid.services import commitment_accept

    url = link(w.bob, "commitment.decline", w.promise_proposed)
    commitment_accept(actor=w.bob, commitment=w.promise_proposed)
    response = client.post(url)
    assert response.status_code == 409
    assert "This promise is not waiting for an answer." in response.content.decode()
    assert fresh(w.promise_proposed).declined_at is None


def test_the_action_button_needs_its_csrf_token(w):
    """Only the unsubscribe link takes a POST without one (RFC 8058)."""
    client = Client(enforce_csrf_checks=True)
    assert client.post(accept_link(w)).status_code == 403
    assert fresh(w.promise_proposed).accepted_at is None


def test_the_page_speaks_the_members_language(w, client):
    w.bob.user.language = "ru"
    w.bob.user.save(update_fields=["language"])
    response = client.get(accept_link(w))
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Which mail carries which button


def news(w, member, kind: str, obj) -> Notification:
    return Notification.objects.filter(recipient=member, kind=kind, about_id=obj.id).get()


def labels(notification, member) -> list[str]:
    return [a["label"] for a in actions_for(notification, member)]


def test_the_giver_household_is_offered_to_accept_or_decline(w):
    proposed = news(w, w.bob, "commitment.proposed", w.promise_proposed)
    assert labels(proposed, w.bob) == ["Accept the promise", "Decline it"]
    assert all(
        a["url"].startswith("http://localhost:8000/mail/act/") for a in actions_for(proposed, w.bob)
    )
    commitment_accept_by_link(w)
    assert labels(proposed, w.bob) == []  # answered: nothing left to do


def commitment_accept_by_link(w):
    assert Client().post(accept_link(w)).status_code == 200


def test_only_the_receiving_household_confirms_an_arrival(w):
    made = news(w, w.bob, "commitment.made", w.promise_petrovs)
    assert labels(made, w.bob) == ["Confirm it has arrived"]
    assert labels(made, w.alice) == []  # a coordinator, of another household
    commitment_accept_by_link(w)  # now owed by the Petrovs to the Sidorovs
    to_giver = Notification(
        recipient=w.bob, kind="commitment.made", about="commitment", about_id=w.promise_proposed.id
    )
    assert labels(to_giver, w.bob) == []  # the Petrovs give this one: they credit nobody


def test_the_committee_is_offered_to_approve_a_round_once(w):
    decide = news(w, w.vera, "allocation.decide", w.round)
    assert labels(decide, w.vera) == ["Approve the round"]
    round_decide(actor=w.vera, round=w.round, approve=True)
    assert labels(decide, w.vera) == []


def test_the_mail_carries_the_buttons(w):
    Mail.objects.all().delete()
    Notification.objects.update(delivery="x")  # only the news made below is routed
    Notification.objects.create(
        community=w.community,
        recipient=w.bob,
        kind="commitment.proposed",
        params=news(w, w.bob, "commitment.proposed", w.promise_proposed).params,
        about="commitment",
        about_id=w.promise_proposed.id,
        created_at=w.promise_proposed.created_at,
    )
    news_route()
    mail.outbox.clear()
    assert mail_send_due().sent == 1
    body = mail.outbox[0].body
    urls = re.findall(r"(?:Accept the promise|Decline it): (\S+)", body)
    assert len(urls) == 2
    path = urls[0].removeprefix("http://localhost:8000")
    assert Client().post(path).status_code == 200
    assert Commitment.objects.get(pk=w.promise_proposed.pk).accepted_at is not None


# ---------------------------------------------------------------------------------------------
# Unsubscribing


def test_unsubscribing_asks_first_then_turns_mail_off(w, client):
    url = reverse("unsubscribe", args=[unsubscribe_token(w.bob)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Pomochi will send you no more e-mail from Village" in page.content.decode()
    assert not MailSettings.objects.filter(membership=w.bob).exists()
    assert client.post(url).status_code == 200
    assert MailSettings.objects.get(membership=w.bob).no_mail is True


def test_the_one_click_unsubscribe_of_a_mail_program_needs_no_csrf_token(w):
    """RFC 8058: the mail program POSTs List-Unsubscribe=One-Click, with no cookie or token."""
    url = reverse("unsubscribe", args=[unsubscribe_token(w.bob)])
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert MailSettings.objects.get(membership=w.bob).no_mail is True
    assert not MailSettings.objects.filter(membership=w.alice).exists()


def test_an_unsubscribed_member_is_sent_no_news(w):
    Client().post(reverse("unsubscribe", args=[unsubscribe_token(w.bob)]))
    Mail.objects.all().delete()
    Notification.objects.update(delivery="")
    news_route()
    assert not Mail.objects.filter(recipient=w.bob).exists()
    assert Mail.objects.filter(recipient=w.alice).exists()


def test_a_bad_unsubscribe_link_is_refused(w, client):
    token = unsubscribe_token(w.bob)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nonsense"):
        url = reverse("unsubscribe", args=[bad])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not MailSettings.objects.exists()
