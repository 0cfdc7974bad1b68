"""API tokens expire, may be read-only, and all stop working when the password changes or the
account is deactivated."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from pomochi.accounts.models import ApiToken
from pomochi.accounts.tokens import token_create, token_user
from pomochi.api.auth import TokenAuth
from pomochi.errors import InvalidInput, NotAllowed
from tests.conftest import delivered, make_user


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_works_for_90_days_unless_chosen_otherwise(db):
    user = make_user("dasha")
    token, _secret = token_create(user=user, name="phone")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    token, _secret = token_create(user=user, name="laptop", days=7)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


@pytest.mark.parametrize("days", [0, -1, 367, True])
def test_a_lifetime_beyond_a_year_or_none_is_refused(db, days):
    with pytest.raises(InvalidInput):
        token_create(user=make_user("dasha"), name="phone", days=days)


def test_an_expired_token_stops_working(db):
    user = make_user("dasha")
    token, secret = token_create(user=user, name="phone")
    assert token_user(secret) == user
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_user(secret) is None


def test_the_tokens_page_chooses_the_lifetime_and_the_scope(client, db):
    user = make_user("dasha")
    client.force_login(user)
    page = client.get(reverse("tokens")).content.decode()
    assert 'value="90" selected' in page and 'value="read"' in page and "checked" in page
    client.post(reverse("tokens"), {"name": "sheet", "days": "30", "scope": "write"})
    token = ApiToken.objects.get(user=user)
    assert token.scope == "write"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert "works until" in client.get(reverse("tokens")).content.decode()


def test_the_page_offers_read_only_first(client, db):
    client.force_login(make_user("dasha"))
    client.post(reverse("tokens"), {"name": "sheet", "days": "90", "scope": ""})
    assert not ApiToken.objects.exists()  # the choice is made, not assumed
    client.post(reverse("tokens"), {"name": "sheet", "days": "90", "scope": "read"})
    assert ApiToken.objects.get().scope == "read"


def test_a_read_only_token_reads_but_changes_nothing(client, village):
    _token, secret = token_create(user=village.alice.user, name="sheet")
    assert client.get("/api/v1/communities/village/needs", **bearer(secret)).status_code == 200
    for method, path in [
        ("post", "/api/v1/communities/village/needs"),
        ("patch", "/api/v1/communities/village/needs/1"),
    ]:
        response = getattr(client, method)(
            path, data={}, content_type="application/json", **bearer(secret)
        )
        assert response.status_code == 403, (method, response.content)
        body = response.json()
        assert set(body) == {"message", "fields"} and "only read" in body["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_read_only_token_is_refused_every_writing_method(db, method):
    _token, secret = token_create(user=make_user("dasha"), name="sheet")
    request = RequestFactory().generic(method, "/api/v1/x", HTTP_AUTHORIZATION=f"Bearer {secret}")
    with pytest.raises(NotAllowed):
        TokenAuth()(request)


def test_a_read_write_token_may_write(client, village):
    _token, secret = token_create(user=village.alice.user, name="sheet", scope="write")
    response = client.post(
        "/api/v1/communities/village/needs",
        data={},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 422  # reached the endpoint: the empty body is refused


def test_changing_the_password_revokes_every_token(client, db):
    user = make_user("dasha")
    secrets = [token_create(user=user, name=n)[1] for n in ("phone", "sheet")]
    other = token_create(user=make_user("egor"), name="phone")[1]
    client.force_login(user)
    client.post(
        reverse("password-change"),
        {
            "old_password": "dasha-pass-2026",
            "new_password1": "a-long-new-secret-77",
            "new_password2": "a-long-new-secret-77",
        },
    )
    assert [token_user(s) for s in secrets] == [None, None]
    assert token_user(other) is not None


def test_a_password_reset_revokes_every_token(client, db, settings):

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("dasha")
    secret = token_create(user=user, name="phone")[1]
    client.post(reverse("password-reset"), {"email": "dasha@example.org"})
    link = next(line for line in delivered()[0].body.splitlines() if "/reset/" in line)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "fresh-secret-2026-x", "new_password2": "fresh-secret-2026-x"},
    )
    assert token_user(secret) is None


def test_deactivating_the_account_revokes_every_token(db):
    user = make_user("dasha")
    token, secret = token_create(user=user, name="phone")
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert token_user(secret) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_logging_in_and_upgrading_an_old_hash_keep_the_tokens(client, db, settings):
    user = make_user("dasha")  # hashed with MD5, which the production list does not have first
    secret = token_create(user=user, name="phone")[1]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    before = user.password
    client.post(reverse("login"), {"username": "dasha", "password": "dasha-pass-2026"})
    user.refresh_from_db()
    assert user.password != before  # upgraded at log-in
    assert token_user(secret) == user


def test_tokens_made_before_the_migration_keep_working_for_90_days(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("accounts", "0003_drop_login_failure")]
    after = [("accounts", "0004_token_expiry_and_scope")]
    executor = MigrationExecutor(connection)
    latest = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "accounts"]
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldUser = old_apps.get_model("accounts", "User")
        OldToken = old_apps.get_model("accounts", "ApiToken")
        owner = OldUser.objects.create(username="old-timer")
        OldToken.objects.create(user=owner, name="old", prefix="pmc_x", token_hash="0" * 64)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        token = (
            MigrationExecutor(connection)
            .loader.project_state(after)
            .apps.get_model("accounts", "ApiToken")
            .objects.get(name="old")
        )
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert token.scope == "write"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
