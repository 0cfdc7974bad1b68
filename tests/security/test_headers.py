"""Headers every page sends: a Content-Security-Policy, and no caching of what is private."""

import re
from pathlib import Path

import pytest
from django.conf import settings as project_settings
from django.urls import reverse

TEMPLATES = Path(project_settings.PACKAGE_DIR) / "templates"


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


@pytest.mark.parametrize(
    "url, logged_in",
    [
        ("/login/", False),
        ("/account/password/reset/", False),
        ("/c/village/", True),
        ("/admin/login/", False),
        ("/api/v1/docs", False),
    ],
)
def test_every_page_has_a_content_security_policy_allowing_only_the_site(
    client, village, url, logged_in
):
    if logged_in:
        client.force_login(village.bob.user)
    response = client.get(url)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_of_a_logged_in_person_are_not_stored(client, village):
    client.force_login(village.bob.user)
    for url in ["/c/village/", reverse("tokens"), "/c/village/needs/"]:
        cache = client.get(url)["Cache-Control"]
        assert "private" in cache and "no-store" in cache, url


def test_api_answers_to_a_token_are_not_stored(client, village):
    from pomochi.accounts.tokens import token_create

    _token, secret = token_create(user=village.bob.user, name="phone")
    response = client.get("/api/v1/communities", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_csrf_cookie_is_not_readable_by_scripts(client, db):
    response = client.get("/login/")
    assert response.cookies["csrftoken"]["httponly"] is True


def test_htmx_sends_the_csrf_token_from_the_page_not_the_cookie(client, village):
    client.force_login(village.bob.user)
    page = client.get("/c/village/").content.decode()
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", page)


def test_htmx_is_told_not_to_inject_its_inline_styles(client, db):
    page = client.get("/login/").content.decode()
    assert '"includeIndicatorStyles": false' in page


def test_no_template_has_inline_script_or_style():
    """What the policy would block in a browser: inline <script> bodies, on…= handlers,
    style= attributes and <style> elements."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
            r"<style",
            r"hx-on",
            r"javascript:",
        ):
            found += [
                f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)
            ]
    assert not found
