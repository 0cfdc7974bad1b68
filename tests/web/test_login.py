import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from pomochi import settings as project_settings
from pomochi.accounts.models import LoginFailure
from tests.conftest import make_user


def test_passwords_are_hashed_with_argon2_in_production():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_it_hashes_new_passwords_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user("dasha")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_it_logs_in_and_lands_in_the_only_community(client, village):
    response = client.post(reverse("login"), {"username": "bob", "password": "bob-pass-2026"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("community", args=["village"])


def test_a_wrong_password_is_refused_and_counted(client, village):
    response = client.post(reverse("login"), {"username": "bob", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert LoginFailure.objects.filter(username="bob").count() == 1


def test_it_stops_checking_passwords_after_too_many_failures(client, village, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "bob", "password": "guess"})
    # even the right password is refused while throttled, so guessing cannot go on
    response = client.post(reverse("login"), {"username": "bob", "password": "bob-pass-2026"})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_clears_the_failures(client, village):
    client.post(reverse("login"), {"username": "bob", "password": "guess"})
    client.post(reverse("login"), {"username": "bob", "password": "bob-pass-2026"})
    assert not LoginFailure.objects.filter(username="bob").exists()


def test_log_out_needs_a_post(client, village):
    client.force_login(village.bob.user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/", "/c/village/"])
def test_pages_send_strangers_to_log_in(client, village, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
