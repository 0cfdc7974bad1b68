"""One's own e-mail address: set, changed or removed on the account's page, with the password;
the old address is told."""

from django.urls import reverse

from tests.conftest import delivered, make_user


def test_a_member_adds_an_address_with_their_password(client, db):
    user = make_user("nina")
    user.email = ""
    user.save(update_fields=["email"])
    client.force_login(user)
    page = client.post(
        reverse("account-email"), {"email": "nina@example.org", "password": "nina-pass-2026"}
    )
    assert page.status_code == 302
    user.refresh_from_db()
    assert user.email == "nina@example.org"
    assert delivered() == []  # there was no old address to tell


def test_a_wrong_password_or_a_bad_address_changes_nothing(client, db):
    user = make_user("nina")
    client.force_login(user)
    wrong = client.post(reverse("account-email"), {"email": "new@example.org", "password": "guess"})
    assert wrong.status_code == 422 and "That is not your password." in wrong.content.decode()
    bad = client.post(reverse("account-email"), {"email": "not an address", "password": "x"})
    assert bad.status_code == 422
    user.refresh_from_db()
    assert user.email == "nina@example.org"


def test_the_old_address_is_told_of_the_change(client, db):
    user = make_user("nina")
    client.force_login(user)
    client.post(
        reverse("account-email"), {"email": "nina@new.example", "password": "nina-pass-2026"}
    )
    [told] = delivered()
    assert told.to == ["nina@example.org"]
    assert "nina@new.example" in told.body


def test_the_page_needs_a_log_in(client, db):
    response = client.get(reverse("account-email"))
    assert response.status_code == 302 and "login" in response["Location"]
