"""Notifications in the permission matrix: each member reads their own, and sets their own
preferences. The links in e-mail are the authority on their pages, not a log-in: they answer
everyone alike, anonymous included (tests/notify/test_links.py tests what they do).

Conventions, roles and the runner: tests/matrix.py.
"""

from pomochi.notify.kinds import KINDS
from pomochi.notify.links import action_token, unsubscribe_token
from pomochi.notify.models import MailSettings, Preference
from tests.matrix import (
    EMPTY,
    VILLAGE,
    Route,
    api,
    everyone,
    form_errors,
    html,
    membership_of,
    page,
    permission_matrix,
)


def own_notifications(response, w, role):
    mine = set(membership_of(w, role).notifications.values_list("id", flat=True))
    assert {n["id"] for n in response.context["rows"]} <= mine


def own_over_the_api(response, w, role):
    mine = set(membership_of(w, role).notifications.values_list("id", flat=True))
    assert {n["id"] for n in response.json()["items"]} <= mine


def all_by_email(w, role):
    """Every kind of news by e-mail at once, the digest daily: the page's form as sent."""
    return {name: "now" for name in KINDS} | {"digest": "daily"}


def saved_for_the_caller_alone(response, w, role):
    if role == "anonymous":
        return  # sent to log in
    me = membership_of(w, role)
    assert me.mail_settings.digest == "daily"
    assert Preference.objects.filter(membership=me, kind="need.posted", delivery="now").exists()
    others = Preference.objects.exclude(membership=me)
    assert not others.exists() and MailSettings.objects.exclude(membership=me).count() == 0


def own_settings(response, w, role):
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    if body is not None:
        assert {k["kind"] for k in body["kinds"]} == set(KINDS)
        assert body["reachable"] is True
    else:
        assert response.context["form"]["need.urgent"].value() == "now"


def bobs_unsubscribe(w, role):
    return unsubscribe_token(w.bob)


def bobs_accept_link(w, role):
    """The Petrovs (bob) are asked to give the Sidorovs an hour: the link to accept."""
    return action_token(
        membership=w.bob, action="commitment.accept", object_id=w.promise_proposed.id
    )


def nothing_accepted(response, w, role):
    w.promise_proposed.refresh_from_db()
    assert w.promise_proposed.accepted_at is None
    assert "Your household, Petrovs, promises to give Sidorovs 1 h of labour" in html(response)


def accepted(response, w, role):
    w.promise_proposed.refresh_from_db()
    assert w.promise_proposed.accepted_at is not None and w.promise_proposed.answered_by == w.bob


def bob_hears_no_more(response, w, role):
    assert MailSettings.objects.get(membership=w.bob).no_mail is True


def tampered(make):
    """The same link with the last character of its signature changed."""

    def token(w, role):
        made = make(w, role)
        return made[:-1] + ("A" if made[-1] != "A" else "B")

    return token


SETTINGS = ("api-v1:get_notification_settings", "api-v1:put_notification_settings")

ROUTES = [
    Route("notification-settings", page(), kwargs=VILLAGE, check=own_settings),
    Route(
        "notification-settings",
        page(302),
        kwargs=VILLAGE,
        method="POST",
        data=all_by_email,
        check=saved_for_the_caller_alone,
        check_on=(302,),
    ),
    Route(
        "notification-settings",
        page(422),
        kwargs=VILLAGE,
        method="POST",
        data=EMPTY,
        variant="empty",
        check=form_errors,
    ),
    Route(SETTINGS[0], api(), kwargs=VILLAGE, check=own_settings),
    Route(
        SETTINGS[1],
        api(),
        kwargs=VILLAGE,
        method="PUT",
        data={"kinds": {"need.posted": "now"}, "digest": "daily", "no_mail": False},
        check=saved_for_the_caller_alone,
        check_on=(200,),
    ),
    Route(
        SETTINGS[1],
        api(422),
        kwargs=VILLAGE,
        method="PUT",
        data={"kinds": {"need.lost": "now"}, "digest": "daily", "no_mail": False},
        variant="unknown kind",
    ),
    # Links in e-mail: the signed token, not a log-in, says who acts.
    Route("unsubscribe", everyone(200), kwargs={"token": bobs_unsubscribe}, to_login=False),
    Route(
        "unsubscribe",
        everyone(200),
        kwargs={"token": bobs_unsubscribe},
        method="POST",
        data={"List-Unsubscribe": "One-Click"},
        check=bob_hears_no_more,
        check_on=(200,),
        to_login=False,
    ),
    Route(
        "unsubscribe",
        everyone(404),
        kwargs={"token": tampered(bobs_unsubscribe)},
        variant="tampered",
        to_login=False,
    ),
    Route(
        "mail-action",
        everyone(200),
        kwargs={"token": bobs_accept_link},
        check=nothing_accepted,
        check_on=(200,),
        to_login=False,
    ),
    Route(
        "mail-action",
        everyone(200),
        kwargs={"token": bobs_accept_link},
        method="POST",
        check=accepted,
        check_on=(200,),
        to_login=False,
    ),
    Route(
        "mail-action",
        everyone(404),
        kwargs={"token": tampered(bobs_accept_link)},
        method="POST",
        variant="tampered",
        to_login=False,
    ),
    Route("notifications", page(), kwargs=VILLAGE, check=own_notifications),
    Route("api-v1:list_notifications", api(), kwargs=VILLAGE, check=own_over_the_api),
    Route(
        "api-v1:mark_notifications_read",
        api(),
        kwargs=VILLAGE,
        method="POST",
        data={"ids": []},
    ),
]


test_permission_matrix = permission_matrix(ROUTES)
