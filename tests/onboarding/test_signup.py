"""Sign-up at /signup/ (POMOCHI_SIGNUP=open, the default) and its absence when accounts are made
by invitation only; the log-in page links to it only when it is open."""

import pytest
from django.urls import reverse

from pomochi.accounts.models import User
from pomochi.accounts.services import account_sign_up
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import make_user

PASSWORD = "Harvest-moon-over-the-mill-2026"
FORM = {"username": "zoya", "email": "", "password": PASSWORD, "password_again": PASSWORD}


def test_it_makes_an_account_and_logs_it_in(client, db):
    response = client.post(reverse("signup"), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="zoya")
    assert user.check_password(PASSWORD) and user.email == ""
    home = client.get(reverse("home"))
    assert home.context["user"] == user
    assert reverse("found") in home.content.decode()


def test_two_different_passwords_are_refused(client, db):
    response = client.post(reverse("signup"), FORM | {"password_again": PASSWORD + "x"})
    assert response.status_code == 422
    assert "differ" in str(response.context["form"].errors["password_again"])
    assert not User.objects.exists()


def test_a_weak_password_is_refused_by_djangos_validators(client, db):
    response = client.post(reverse("signup"), FORM | {"password": "1234", "password_again": "1234"})
    assert response.status_code == 422
    assert "too short" in str(response.context["form"].errors["password"])
    assert not User.objects.exists()


def test_a_taken_username_is_refused_in_any_case(client, db):
    make_user("zoya")
    response = client.post(reverse("signup"), FORM | {"username": "Zoya"})
    assert response.status_code == 422
    assert "taken" in str(response.context["form"].errors["username"])
    assert User.objects.count() == 1
    with pytest.raises(Conflict):
        account_sign_up(username="zoya", password=PASSWORD)


def test_a_username_with_a_space_is_refused(db):
    with pytest.raises(InvalidInput) as refused:
        account_sign_up(username="zoya ivanova", password=PASSWORD)
    assert refused.value.field == "username"
    assert not User.objects.exists()


def test_the_log_in_page_links_to_it(client, db):
    assert reverse("signup") in client.get(reverse("login")).content.decode()


def test_by_invitation_only_there_is_no_sign_up(client, settings, db):
    settings.POMOCHI_SIGNUP = "invitation"
    page = client.get(reverse("signup"))
    assert page.status_code == 403
    assert "invitation only" in page.content.decode()
    assert reverse("invite-code") in page.content.decode()
    assert client.post(reverse("signup"), FORM).status_code == 403
    assert not User.objects.exists()
    with pytest.raises(NotAllowed, match="invitation only"):
        account_sign_up(username="zoya", password=PASSWORD)
    assert not User.objects.exists()
    assert reverse("signup") not in client.get(reverse("login")).content.decode()


def test_by_invitation_only_an_invitation_still_makes_an_account(client, settings, village):
    from pomochi.communities.invitations import invitation_create

    settings.POMOCHI_SIGNUP = "invitation"
    issued = invitation_create(actor=village.alice, community=village.community)
    response = client.post(
        reverse("invite", args=[issued.code]),
        {"username": "zoya", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="zoya").memberships.get().community == village.community


def test_a_logged_in_person_is_sent_home(client, db):
    client.force_login(make_user("zoya"))
    response = client.get(reverse("signup"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
