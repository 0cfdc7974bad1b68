"""How a member hears the news: the settings page and GET/PUT …/notifications/settings, one
service (preferences_set) behind both; one's own alone; every value checked, nothing changed on
a refusal; the delivery job follows the choice."""

import pytest
from django.urls import reverse

from pomochi.accounts.models import TokenScope
from pomochi.accounts.tokens import token_create
from pomochi.errors import InvalidInput, NotAllowed
from pomochi.notify.delivery import news_route
from pomochi.notify.kinds import KINDS
from pomochi.notify.models import Mail, MailSettings, Notification, Preference
from pomochi.notify.services import preferences_set
from tests.api.conftest import ApiClient
from tests.conftest import notification_for

SETTINGS = "/communities/village/notifications/settings"

# The services this file's matrix calls (tests/test_service_matrix.py gathers them).
COVERS = {preferences_set}


def page_url(slug="village"):
    return reverse("notification-settings", args=[slug])


def defaults() -> dict:
    return {name: str(kind.default) for name, kind in KINDS.items()}


def form(**changes) -> dict:
    return defaults() | {"digest": "weekly"} | changes


def choices(member) -> dict:
    return dict(Preference.objects.filter(membership=member).values_list("kind", "delivery"))


def settings_of(member):
    return MailSettings.objects.filter(membership=member).first()


# ---------------------------------------------------------------------------------------------
# The page


def test_it_shows_the_defaults_preselected(client, village):
    client.force_login(village.bob.user)
    response = client.get(page_url())
    assert response.status_code == 200
    f = response.context["form"]
    assert f["need.urgent"].value() == "now" and f["need.posted"].value() == "digest"
    assert f["digest"].value() == "weekly" and not f["no_mail"].value()
    text = response.content.decode()
    assert "An urgent need is posted" in text and "by e-mail at once" in text
    assert "No e-mail can reach you" not in text


def test_it_folds_away_the_news_of_roles_one_does_not_hold(client, village):
    client.force_login(village.bob.user)  # a plain member of the Petrovs
    groups = {str(g["title"]): g["heard"] for g in client.get(page_url()).context["form"].groups()}
    assert groups == {
        "About your household": True,
        "About what you asked, proposed or invited": True,
        "For coordinators": False,
        "For the committee": False,
    }


def test_it_saves_the_choice(client, village):
    client.force_login(village.bob.user)
    changes = {"need.urgent": "app", "commitment.proposed": "digest", "digest": "daily"}
    response = client.post(page_url(), form(**changes))
    assert response.status_code == 302 and response["Location"] == page_url()
    # only what differs from the default is stored: a later change of a default reaches the rest
    assert choices(village.bob) == {"need.urgent": "app", "commitment.proposed": "digest"}
    assert settings_of(village.bob).digest == "daily" and not settings_of(village.bob).no_mail
    assert "Your choices are saved." in client.get(page_url()).content.decode()
    assert client.get(page_url()).context["form"]["need.urgent"].value() == "app"


def test_it_turns_all_mail_off_and_on_again(client, village):
    client.force_login(village.bob.user)
    client.post(page_url(), form(no_mail="on"))
    assert settings_of(village.bob).no_mail is True
    client.post(page_url(), form())
    assert settings_of(village.bob).no_mail is False


def test_back_to_the_default_forgets_the_choice(client, village):
    preferences_set(
        actor=village.bob,
        membership=village.bob,
        deliveries={"need.urgent": "app"},
        digest="weekly",
        no_mail=False,
    )
    client.force_login(village.bob.user)
    client.post(page_url(), form())
    assert choices(village.bob) == {}


@pytest.mark.parametrize(
    "bad", [{"need.urgent": "pigeon"}, {"digest": "hourly"}, {"digest": ""}], ids=str
)
def test_an_unknown_value_is_refused_and_nothing_changes(client, village, bad):
    preferences_set(
        actor=village.bob,
        membership=village.bob,
        deliveries={"match": "now"},
        digest="daily",
        no_mail=False,
    )
    client.force_login(village.bob.user)
    response = client.post(page_url(), form(**{"need.urgent": "app"}) | bad)
    assert response.status_code == 422
    assert response.context["form"].errors[next(iter(bad))]
    assert choices(village.bob) == {"match": "now"}
    assert settings_of(village.bob).digest == "daily"


def test_a_member_without_an_address_is_told_that_mail_cannot_reach_them(client, village):
    village.bob.user.email = ""
    village.bob.user.save(update_fields=["email"])
    client.force_login(village.bob.user)
    text = client.get(page_url()).content.decode()
    assert "No e-mail can reach you: your account has no e-mail address." in text
    assert f'href="{reverse("account-email")}"' in text  # where to add one


def test_the_notifications_page_links_to_the_settings(client, village):
    client.force_login(village.bob.user)
    text = client.get(reverse("notifications", args=["village"])).content.decode()
    assert f'href="{page_url()}"' in text


def test_the_page_shows_the_callers_own_settings_only(client, village, hamlet):
    preferences_set(
        actor=village.alice,
        membership=village.alice,
        deliveries={"need.urgent": "app"},
        digest="off",
        no_mail=True,
    )
    client.force_login(village.bob.user)
    f = client.get(page_url()).context["form"]
    assert f["need.urgent"].value() == "now" and f["digest"].value() == "weekly"
    client.post(page_url(), form(digest="daily"))
    assert settings_of(village.alice).digest == "off" and choices(village.alice) == {
        "need.urgent": "app"
    }
    client.force_login(hamlet.charlie.user)  # not a member of the village
    assert client.get(page_url()).status_code == 404
    assert client.post(page_url(), form()).status_code == 404


# ---------------------------------------------------------------------------------------------
# The service


def test_an_unknown_kind_is_refused_naming_it_and_nothing_changes(village):
    preferences_set(
        actor=village.bob, membership=village.bob, deliveries={}, digest="daily", no_mail=False
    )
    with pytest.raises(InvalidInput, match="There is no such kind of news: need.lost.") as e:
        preferences_set(
            actor=village.bob,
            membership=village.bob,
            deliveries={"need.urgent": "app", "need.lost": "now"},
            digest="off",
            no_mail=True,
        )
    assert e.value.field == "kinds"
    assert choices(village.bob) == {}
    assert settings_of(village.bob).digest == "daily" and not settings_of(village.bob).no_mail


def test_an_unknown_delivery_is_refused_with_the_choices(village):
    with pytest.raises(InvalidInput, match="choose one of: by e-mail at once, in the digest"):
        preferences_set(
            actor=village.bob,
            membership=village.bob,
            deliveries={"need.urgent": "pigeon"},
            digest="daily",
            no_mail=False,
        )
    assert choices(village.bob) == {} and settings_of(village.bob) is None


ROLES = ("olga", "alice", "bob", "vera", "charlie")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_member_themself_sets_their_preferences(village, hamlet, role):
    """The service matrix: bob's settings, by every role; only bob."""
    actor = hamlet.charlie if role == "charlie" else getattr(village, role)
    call = lambda: preferences_set(  # noqa: E731
        actor=actor,
        membership=village.bob,
        deliveries={"need.urgent": "app"},
        digest="off",
        no_mail=True,
    )
    if role == "bob":
        call()
        assert choices(village.bob) == {"need.urgent": "app"}
    else:
        with pytest.raises(NotAllowed):
            call()
        assert choices(village.bob) == {} and settings_of(village.bob) is None


def test_the_delivery_job_follows_the_choice(village):
    preferences_set(
        actor=village.bob,
        membership=village.bob,
        deliveries={"allocation.share": "app"},
        digest="weekly",
        no_mail=False,
    )
    quiet = notification_for(village.bob, kind="allocation.share", params={})
    loud = notification_for(village.bob, kind="appeal.decided", params={})
    news_route()
    assert Notification.objects.get(pk=quiet.pk).delivery == "app"
    assert list(
        Mail.objects.filter(recipient=village.bob).values_list("notification", flat=True)
    ) == [loud.pk]


# ---------------------------------------------------------------------------------------------
# The API


def test_the_api_reads_the_callers_own(village):
    preferences_set(
        actor=village.bob,
        membership=village.bob,
        deliveries={"match": "now"},
        digest="daily",
        no_mail=False,
    )
    body = ApiClient(village.bob.user).get(SETTINGS).json()
    assert body["digest"] == "daily" and body["no_mail"] is False and body["reachable"] is True
    rows = {row["kind"]: row for row in body["kinds"]}
    assert list(rows) == list(KINDS)
    assert rows["match"] == {
        "kind": "match",
        "label": "Someone offers what your household needs",
        "default": "digest",
        "delivery": "now",
        "heard": True,
    }
    assert rows["allocation.decide"]["heard"] is False  # bob is not on the committee
    alice = ApiClient(village.alice.user).get(SETTINGS).json()
    assert alice["digest"] == "weekly"
    assert {r["kind"]: r["delivery"] for r in alice["kinds"]}["match"] == "digest"


def put(client, body):
    return client.client.put(
        f"/api/v1{SETTINGS}", body, content_type="application/json", headers=client.headers
    )


def test_the_api_saves_as_the_page_does(village):
    client = ApiClient(village.bob.user)
    response = put(client, {"kinds": {"need.urgent": "app"}, "digest": "off", "no_mail": True})
    assert response.status_code == 200
    assert response.json()["digest"] == "off" and response.json()["no_mail"] is True
    assert choices(village.bob) == {"need.urgent": "app"}
    # the whole choice: a kind not named is its default again
    put(client, {"digest": "off", "no_mail": True})
    assert choices(village.bob) == {}
    assert not MailSettings.objects.exclude(membership=village.bob).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kinds": {"need.lost": "now"}, "digest": "off", "no_mail": True}, "kinds"),
        ({"kinds": {"need.urgent": "pigeon"}, "digest": "off", "no_mail": True}, "kinds"),
        ({"digest": "hourly", "no_mail": True}, "digest"),
        ({"digest": "off", "no_mail": "perhaps"}, "no_mail"),
        ({"no_mail": True}, "digest"),
    ],
    ids=["kind", "delivery", "digest", "no_mail", "missing"],
)
def test_the_api_refuses_unknown_values_and_changes_nothing(village, body, field):
    client = ApiClient(village.bob.user)
    put(client, {"kinds": {"match": "now"}, "digest": "daily", "no_mail": False})
    response = put(client, body)
    assert response.status_code == 422, response.content
    assert any(name.startswith(field) for name in response.json()["fields"]), response.json()
    assert choices(village.bob) == {"match": "now"} and settings_of(village.bob).digest == "daily"


def test_a_read_only_token_changes_nothing(village):
    client = ApiClient()
    _token, secret = token_create(user=village.bob.user, name="reader", scope=TokenScope.READ)
    client.headers["Authorization"] = f"Bearer {secret}"
    assert client.get(SETTINGS).status_code == 200
    assert put(client, {"digest": "off", "no_mail": True}).status_code == 403
    assert settings_of(village.bob) is None


def test_another_communitys_member_reads_nothing(village, hamlet):
    client = ApiClient(hamlet.charlie.user)
    assert client.get(SETTINGS).status_code == 404
    assert put(client, {"digest": "off", "no_mail": True}).status_code == 404
    assert settings_of(village.bob) is None and settings_of(hamlet.charlie) is None
