"""Password-reset e-mails are limited per account and per address, and the page never says
whether one went out."""

from datetime import timedelta

import pytest
from django.urls import reverse

from pomochi.accounts.models import PasswordResetRequest
from tests.conftest import delivered, make_user

A, B = "198.51.100.1", "198.51.100.2"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def ask(client, email, ip=A):
    return client.post(reverse("password-reset"), {"email": email}, REMOTE_ADDR=ip)


def test_an_account_gets_at_most_three_reset_emails_an_hour(client, db):
    make_user("dasha")
    for n in range(5):
        response = ask(client, "dasha@example.org", ip=f"203.0.113.{n}")  # from anywhere
        assert response.status_code == 302 and response["Location"] == reverse(
            "password-reset-sent"
        )
    assert len(delivered()) == 3


def test_an_address_sends_at_most_ten_reset_forms_an_hour(client, db):
    for n in range(12):
        make_user(f"user{n}")
    for n in range(12):
        assert ask(client, f"user{n}@example.org").status_code == 302
    assert len(delivered()) == 10
    ask(client, "user11@example.org", ip=B)  # another address is not held back
    assert len(delivered()) == 11


def test_the_page_answers_the_same_whether_or_not_the_address_has_an_account(client, db):
    make_user("dasha")
    for _ in range(3):
        ask(client, "dasha@example.org")
    known = ask(client, "dasha@example.org")  # over the limit: nothing sent
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page = client.get(known["Location"]).content.decode()
    assert "If an account has that address" in page


def test_the_limit_is_per_hour(client, db):
    make_user("dasha")
    for _ in range(3):
        ask(client, "dasha@example.org")
    PasswordResetRequest.objects.update(
        at=PasswordResetRequest.objects.latest("at").at - timedelta(hours=2)
    )
    ask(client, "dasha@example.org")
    assert len(delivered()) == 4
