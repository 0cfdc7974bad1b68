"""The Content-Security-Policy in a real browser: our pages break none of it, and it bites."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, watch_csp

pytestmark = pytest.mark.e2e

PAGES = [
    "/c/village/",
    "/c/village/needs/",
    "/c/village/offers/",
    "/c/village/promises/",
    "/c/village/members/",
    "/c/village/bylaws/",
    "/c/village/rounds/",
    "/c/village/audit/",
    "/c/village/drill/",
    "/account/tokens/",
    "/account/password/",
]


def test_the_pages_break_no_rule_of_the_policy(phone, live_server, log_in, village):
    """The phone fixture fails the test on any violation; this walks the pages."""
    for url in ["/login/", "/account/password/reset/"]:
        assert phone.goto(f"{live_server.url}{url}").ok
    log_in(phone, "olga")
    for url in PAGES:
        response = phone.goto(f"{live_server.url}{url}")
        assert response.status < 400, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(phone.locator("header.top .who")).to_have_text("olga")


def test_inline_script_and_style_are_refused_and_the_watch_sees_it(
    browser, live_server, log_in, village
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    violations = watch_csp(page)
    log_in(page, "bob")
    ran = page.evaluate(
        """() => {
          window.ran = false;
          const s = document.createElement("script");
          s.textContent = "window.ran = true";
          document.body.appendChild(s);
          document.body.insertAdjacentHTML("beforeend", '<p id="x" style="color: red">x</p>');
          return window.ran;
        }"""
    )
    page.wait_for_timeout(200)
    context.close()
    assert ran is False
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
