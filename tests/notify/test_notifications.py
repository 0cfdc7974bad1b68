"""The notifications list and the unread count in the header."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from pomochi.aid.rounds import round_decide, round_execute, round_open
from pomochi.notify.context_processors import unread_notifications
from pomochi.notify.models import Notification
from tests.conftest import enrol, notification_for


def url(name, slug="village"):
    return reverse(name, args=[slug])


@pytest.fixture
def shared_village(needy_village):
    """The needy village after a round of 60 kg of grain by max-min, carried out."""
    v = needy_village
    v.round = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=60_000,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
    )
    round_decide(actor=v.vera, round=v.round, approve=True)
    round_decide(actor=v.olga, round=v.round, approve=True)
    round_execute(actor=v.alice, round=v.round)
    return v


def test_bob_reads_his_share_and_its_reason(client, shared_village):
    v = shared_village
    client.force_login(v.bob.user)
    page = client.get(url("notifications"))
    texts = [n["text"] for n in page.context["rows"]]
    assert texts == [
        "Your share of grain from Granary: 25 kg. You asked 30 kg; 3 households shared 60 kg "
        "by max-min fairness; everyone's cap was 25 kg; you receive 25 kg."
    ]
    assert escape(texts[0]) in page.content.decode()
    # It links to the round itself, not only to the list of rounds.
    assert [n["link"] for n in page.context["rows"]] == [
        reverse("round", args=["village", v.round.id])
    ]


def test_the_header_count_drops_to_zero_once_the_list_is_seen(client, shared_village):
    v = shared_village
    client.force_login(v.bob.user)
    home = client.get(url("community"))
    assert home.context["unread_notifications"] == 1
    assert home.context["notifications_url"] == url("notifications")
    assert '<span class="count">1</span>' in home.content.decode()
    page = client.get(url("notifications"))
    assert [n["read"] for n in page.context["rows"]] == [False]  # shown as new once
    assert page.context["unread_notifications"] == 0  # already in the header of this page
    assert client.get(url("community")).context["unread_notifications"] == 0
    again = client.get(url("notifications"))
    assert [n["read"] for n in again.context["rows"]] == [True]
    assert Notification.objects.get(recipient=v.bob).read_at is not None


def test_each_member_sees_only_their_own_notifications(client, shared_village):
    v = shared_village
    client.force_login(v.vera.user)  # committee: asked to decide; no household, so no share
    kinds = [n["kind"] for n in client.get(url("notifications")).context["rows"]]
    assert kinds == ["allocation.decide"]
    client.force_login(v.alice.user)  # coordinator of the Ivanovs, who asked for nothing
    kinds = [n["kind"] for n in client.get(url("notifications")).context["rows"]]
    assert kinds[0] == "allocation.approved"  # and, as a coordinator, the needs posted before
    assert set(kinds[1:]) == {"need.posted"}
    assert Notification.objects.filter(recipient=v.bob, read_at__isnull=True).count() == 1


def test_outside_a_community_the_header_sums_every_community(rf_user, needy_village, hamlet):
    v = needy_village
    in_hamlet = enrol(actor=hamlet.charlie, community=hamlet.community, user=v.bob.user)
    notification_for(in_hamlet, kind="appeal.filed", params={"resource": "grain"})
    notification_for(v.bob, kind="appeal.filed", params={"resource": "grain"})
    notification_for(v.bob, kind="appeal.filed", params={"resource": "grain"})
    context = unread_notifications(rf_user(v.bob.user))
    assert context == {
        "unread_notifications": 3,
        "notifications_url": url("notifications", "hamlet"),  # the first with news, by name
    }
    request = rf_user(v.bob.user)
    request.membership = v.bob  # on a page of the village: the village's count only
    assert unread_notifications(request)["unread_notifications"] == 2


def test_no_count_for_someone_logged_out_or_in_no_community(rf_user, needy_village):
    from django.contrib.auth.models import AnonymousUser

    from tests.conftest import make_user

    assert unread_notifications(rf_user(AnonymousUser())) == {}
    assert unread_notifications(rf_user(make_user("stranger"))) == {}


def test_another_communitys_list_is_not_found(client, shared_village, hamlet):
    client.force_login(hamlet.charlie.user)
    assert client.get(url("notifications")).status_code == 404
    assert client.get(url("notifications", "hamlet")).status_code == 200


@pytest.fixture
def rf_user():
    def make(user):
        request = RequestFactory().get("/")
        request.user = user
        return request

    return make


def test_the_api_lists_the_callers_own_as_the_page_words_them(client, shared_village):
    from tests.api.conftest import ApiClient

    v = shared_village
    listed = ApiClient(v.bob.user).get("/communities/village/notifications").json()
    assert listed["unread"] == 1
    assert [n["text"] for n in listed["items"]] == [
        "Your share of grain from Granary: 25 kg. You asked 30 kg; 3 households shared 60 kg "
        "by max-min fairness; everyone's cap was 25 kg; you receive 25 kg."
    ]
    assert (
        listed["items"][0]["link"] == reverse("round", args=["village", v.round.id])
        and listed["items"][0]["read"] is False
    )
    # Reading the list does not mark it read; the page and the API agree field by field.
    client.force_login(v.bob.user)
    page = client.get(url("notifications")).context["rows"]
    assert [{**n, "created_at": None} for n in listed["items"]] == [
        {**n, "created_at": None} for n in page
    ]
    vera = ApiClient(v.vera.user).get("/communities/village/notifications").json()
    assert [n["kind"] for n in vera["items"]] == ["allocation.decide"]


def test_the_api_marks_only_the_callers_own_read(shared_village):
    from tests.api.conftest import ApiClient

    v = shared_village
    vera_id = Notification.objects.get(recipient=v.vera).id
    bob = ApiClient(v.bob.user)
    mine = bob.get("/communities/village/notifications").json()["items"][0]["id"]
    others = bob.post("/communities/village/notifications/read", {"ids": [vera_id]})
    assert others.json() == {"marked": 0, "unread": 1}
    assert Notification.objects.get(pk=vera_id).read_at is None
    marked = bob.post("/communities/village/notifications/read", {"ids": [mine]})
    assert marked.json() == {"marked": 1, "unread": 0}
    assert bob.post("/communities/village/notifications/read", {}).json()["marked"] == 0
    too_many = bob.post("/communities/village/notifications/read", {"ids": list(range(201))})
    assert too_many.status_code == 422
