"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

The village is built through the services on a transactional database, so the live server's
thread sees it. Without /usr/bin/chromium the browser tests are skipped, loudly; with
POMOCHI_E2E=required (CI) they fail instead, so they can never be skipped by accident.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.conftest import build_village

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are ordinary blocking calls, which Django would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "chromium missing: install Debian's chromium (make test does so as root)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",  # the browser asks for English; the header button switches to Russian
}


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("POMOCHI_E2E") == "required":
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, on 127.0.0.1 and speaking plain HTTP.

    The HTTPS redirect is switched off while the server starts: SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server builds its handler, before any per-test
    settings fixture (the root conftest's plain_http) can change it.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(request.config.getvalue("liveserver") or "127.0.0.1")
    yield server
    server.stop()


# Every page reports what its Content-Security-Policy blocked; a test that saw any fails.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
});
"""


def watch_csp(page) -> list[str]:
    """The page's CSP violations, as Chromium logs them and as the page's event reports them."""
    seen: list[str] = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page: its own cookies, touch, a short patience for each step.
    Fails the test if the page's Content-Security-Policy blocked anything."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp(page)
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def village(transactional_db):
    """The shared village, committed for real: the live server reads it from another thread."""
    return build_village()


@pytest.fixture
def log_in(live_server):
    """Log in through the login form, as a person would; returns the page it lands on."""

    def log_in(page, username: str):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(f"{username}-pass-2026")
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").tap()
        return page

    return log_in
