from django.urls import reverse

from pomochi.accounts.models import ApiToken
from pomochi.accounts.tokens import token_user
from tests.conftest import delivered, make_user


def test_a_token_is_shown_once_and_stored_hashed(client, db):
    user = make_user("dasha")
    client.force_login(user)
    response = client.post(
        reverse("tokens"), {"name": "spreadsheet", "days": "90", "scope": "read"}
    )
    secret = response.context["secret"]
    assert secret.startswith("pmc_") and secret in response.content.decode()
    stored = ApiToken.objects.get(user=user)
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert token_user(secret) == user
    assert secret not in client.get(reverse("tokens")).content.decode()


def test_a_revoked_token_stops_working(client, db):
    user = make_user("dasha")
    client.force_login(user)
    secret = client.post(
        reverse("tokens"), {"name": "phone", "days": "90", "scope": "read"}
    ).context["secret"]
    token = ApiToken.objects.get(user=user)
    client.post(reverse("token-revoke", args=[token.id]))
    assert token_user(secret) is None


def test_only_the_owner_revokes_a_token(client, db):
    owner, other = make_user("dasha"), make_user("egor")
    client.force_login(owner)
    client.post(reverse("tokens"), {"name": "phone", "days": "90", "scope": "read"})
    token = ApiToken.objects.get(user=owner)
    client.force_login(other)
    assert client.post(reverse("token-revoke", args=[token.id])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_token_needs_a_name(client, db):
    client.force_login(make_user("dasha"))
    response = client.post(reverse("tokens"), {"name": "  ", "days": "90", "scope": "read"})
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_password_change(client, db):
    user = make_user("dasha")
    client.force_login(user)
    response = client.post(
        reverse("password-change"),
        {
            "old_password": "dasha-pass-2026",
            "new_password1": "a-long-new-secret-77",
            "new_password2": "a-long-new-secret-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-secret-77")


def test_password_reset_sends_a_working_link(client, db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("dasha")
    client.post(reverse("password-reset"), {"email": "dasha@example.org"})
    assert len(delivered()) == 1
    link = next(line for line in delivered()[0].body.splitlines() if "/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "fresh-secret-2026-x", "new_password2": "fresh-secret-2026-x"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-secret-2026-x")
