"""Neighbours without e-mail, on phones and on paper: alice prints a sheet of slips for every
household without a member; Nina types the Sidorovs' code on her own phone, makes an account with
no e-mail address and is a member. Later she forgets her password: alice prints her a password
code from the members page, and Nina sets a new one with it and is logged in."""

import re

import pytest
from playwright.sync_api import expect

from pomochi.communities.models import Membership
from tests.e2e.conftest import PHONE, watch_csp

pytestmark = pytest.mark.e2e

CODE = r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}"


def redeem(browser, live_server, code: str):
    """A second phone, its own cookies: type the code into the invitation page."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp(page)
    page.goto(f"{live_server.url}/invite/")
    page.get_by_label("Invitation code").fill(code.lower().replace("-", " "))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").tap()
    return context, page, violations


def test_a_printed_slip_brings_in_a_neighbour_and_a_password_code_lets_her_back_in(
    phone, browser, live_server, log_in, village
):
    v = village
    alice = log_in(phone, "alice")
    alice.goto(f"{live_server.url}/c/village/members/invite/")
    with alice.expect_navigation():
        alice.get_by_role("link", name="Print slips for several households").tap()
    alice.get_by_label("Every household with no member and no open invitation").check()
    with alice.expect_navigation():
        alice.get_by_role("button", name="Make the invitations and show the slips").tap()
    slips = alice.locator("article.slip")
    expect(slips).to_have_count(1)  # only the Sidorovs have nobody online
    slip = slips.first
    expect(slip).to_contain_text("Sidorovs")
    expect(slip).to_contain_text(f"{live_server.url}/invite/")
    code = slip.locator(".slip-code").inner_text().strip()
    assert re.fullmatch(CODE, code), code
    assert alice.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # On paper: only the slips, no header, form or buttons.
    alice.emulate_media(media="print")
    expect(alice.locator("header.top")).to_be_hidden()
    expect(
        alice.get_by_role("button", name="Make the invitations and show the slips")
    ).to_be_hidden()
    expect(slip).to_be_visible()
    alice.emulate_media(media="screen")

    nina_phone, nina, violations = redeem(browser, live_server, code)
    try:
        expect(nina.get_by_text("You would join the household Sidorovs.")).to_be_visible()
        nina.get_by_label("Username").fill("nina")
        nina.get_by_label("Password", exact=True).fill("Rye-field-over-the-river-2026")
        nina.get_by_label("Password again").fill("Rye-field-over-the-river-2026")
        with nina.expect_navigation():
            nina.get_by_role("button", name="Create my account and join").tap()
        expect(nina.get_by_text("Welcome to Village.")).to_be_visible()
    finally:
        nina_phone.close()
    assert not violations, violations
    nina_member = Membership.objects.get(user__username="nina", community=v.community)
    assert nina_member.household == v.sidorovs and nina_member.user.email == ""

    # She forgets her password; alice prints her a code from the members page.
    alice.goto(f"{live_server.url}/c/village/members/")
    with alice.expect_navigation():
        alice.get_by_role("link", name="Forgotten passwords").tap()
    row = alice.locator("ul.cards li").filter(has_text="nina")
    with alice.expect_navigation():
        row.get_by_role("button", name="Print a password code").tap()
    slip = alice.locator("article.slip")
    expect(slip).to_contain_text("A new password for the account nina")
    password_code = slip.locator(".slip-code").inner_text().strip()
    assert re.fullmatch(CODE, password_code), password_code

    nina_phone, nina, violations = redeem(browser, live_server, password_code)
    try:
        expect(nina.get_by_role("heading", name="Set a new password")).to_be_visible()
        nina.get_by_label("New password", exact=True).fill("Mill-wheel-turning-slowly-2026")
        nina.get_by_label("New password again").fill("Mill-wheel-turning-slowly-2026")
        with nina.expect_navigation():
            nina.get_by_role("button", name="Set my password and log in").tap()
        expect(nina.get_by_text("Your new password is set. Welcome back.")).to_be_visible()
        assert nina.url.endswith("/c/village/")
        expect(nina.locator("header .who")).to_have_text("nina")
    finally:
        nina_phone.close()
    assert not violations, violations
    nina_member.user.refresh_from_db()
    assert nina_member.user.check_password("Mill-wheel-turning-slowly-2026")
