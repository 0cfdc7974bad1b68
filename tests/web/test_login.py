import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from pomochi import settings as project_settings
from tests.conftest import make_user

A, B = "198.51.100.1", "198.51.100.2"
LOCKED = "Too many failed attempts"


def log_in(client, password, *, username="bob", url=None, **headers):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, **headers
    )


def fail(client, times, **kwargs):
    for _ in range(times):
        log_in(client, "guess", **kwargs)


def test_passwords_are_hashed_with_argon2_in_production():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_it_hashes_new_passwords_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user("dasha")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_it_logs_in_and_lands_in_the_only_community(client, village):
    response = log_in(client, "bob-pass-2026")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("community", args=["village"])


def test_a_wrong_password_is_refused_and_counted(client, village):
    response = log_in(client, "nope", REMOTE_ADDR=A)
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert AccessAttempt.objects.get(username="bob", ip_address=A).failures_since_start == 1


def test_five_failures_lock_the_account_at_that_address_even_with_the_right_password(
    client, village
):
    fail(client, 5, REMOTE_ADDR=A)
    response = log_in(client, "bob-pass-2026", REMOTE_ADDR=A)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert 'action="/login/"' in page and "<header" in page  # our page, not a bare 403 text
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, village):
    fail(client, 4, REMOTE_ADDR=A)
    assert log_in(client, "bob-pass-2026", REMOTE_ADDR=A).status_code == 302


def test_the_owner_still_logs_in_from_an_address_that_has_not_failed(client, village):
    fail(client, 5, REMOTE_ADDR=A)
    assert log_in(client, "bob-pass-2026", REMOTE_ADDR=B).status_code == 302
    assert client.session["_auth_user_id"] == str(village.bob.user.pk)


def test_a_lock_out_holds_one_account_only(client, village):
    fail(client, 5, REMOTE_ADDR=A)
    assert log_in(client, "alice-pass-2026", username="alice", REMOTE_ADDR=A).status_code == 302


def test_the_lock_out_is_said_in_russian(client, village):
    fail(client, 5, REMOTE_ADDR=A)
    response = log_in(client, "bob-pass-2026", REMOTE_ADDR=A, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert 'lang="ru"' in response.content.decode()
    assert LOCKED not in response.content.decode()


def test_the_lock_out_ends_after_a_quarter_of_an_hour(client, village):
    from datetime import timedelta

    fail(client, 5, REMOTE_ADDR=A)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, "bob-pass-2026", REMOTE_ADDR=A).status_code == 302


def test_a_success_clears_the_failures(client, village):
    log_in(client, "guess", REMOTE_ADDR=A)
    log_in(client, "bob-pass-2026", REMOTE_ADDR=A)
    assert not AccessAttempt.objects.filter(username="bob").exists()


def test_without_the_proxy_setting_the_forwarded_header_is_ignored(client, village, settings):
    """Everyone behind one proxy shares REMOTE_ADDR; a header the client sends is not believed,
    and the lock-out still holds only the account that failed."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = project_settings.client_address_headers(False)
    for n in range(5):
        log_in(client, "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")  # rotating does not help
    assert log_in(client, "bob-pass-2026", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    # the attacker cannot lock everybody out: every other account still logs in from that address
    assert log_in(client, "alice-pass-2026", username="alice").status_code == 302


def test_behind_the_proxy_clients_are_told_apart_by_the_header(client, village, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = project_settings.client_address_headers(True)
    # the proxy appends the address it saw; what the client put to its left is not believed
    for n in range(5):
        log_in(client, "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {A}")
    assert log_in(client, "bob-pass-2026", HTTP_X_FORWARDED_FOR=A).status_code == 429
    assert log_in(client, "bob-pass-2026", HTTP_X_FORWARDED_FOR=B).status_code == 302
    assert AccessAttempt.objects.get(username="bob").ip_address == A


def test_the_proxy_setting_follows_the_environment():
    assert project_settings.client_address_headers(False) == ("REMOTE_ADDR",)
    assert project_settings.client_address_headers(True)[0] == "HTTP_X_FORWARDED_FOR"


def test_the_admin_log_in_is_throttled_too(client, db):
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    url = reverse("admin:login")
    fail(client, 5, username="root", url=url, REMOTE_ADDR=A)
    response = log_in(client, "root-pass-2026", username="root", url=url, REMOTE_ADDR=A)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert (
        log_in(client, "root-pass-2026", username="root", url=url, REMOTE_ADDR=B).status_code == 302
    )


def test_the_api_does_not_go_through_axes(client, village):
    fail(client, 5, REMOTE_ADDR=A)
    response = client.get(
        "/api/v1/communities", HTTP_AUTHORIZATION="Bearer pmc_nope", REMOTE_ADDR=A
    )
    assert response.status_code == 401
    assert AccessAttempt.objects.get().failures_since_start == 5


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
