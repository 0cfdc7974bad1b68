"""Bringing a neighbour in, on phones: alice makes an invitation for the Sidorovs' household
and reads out its code; Nina, who has no account, types the code on her own phone, makes her
account and lands in the village — nobody was added without her own act."""

import re

import pytest
from playwright.sync_api import expect

from pomochi.communities.models import Membership
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def test_a_neighbour_joins_with_a_code_read_out_by_a_coordinator(
    phone, browser, live_server, log_in, village
):
    v = village
    alice = log_in(phone, "alice")
    alice.goto(f"{live_server.url}/c/village/members/")
    with alice.expect_navigation():
        alice.get_by_role("link", name="Invite people").tap()
    alice.get_by_label("Household").select_option(label="Sidorovs")
    with alice.expect_navigation():
        alice.get_by_role("button", name="Make an invitation").tap()
    code = alice.locator("p.code strong").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
    overflow = alice.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the invitation page is wider than the phone"

    nina_phone = browser.new_context(**PHONE)
    try:
        nina = nina_phone.new_page()
        nina.goto(f"{live_server.url}/invite/")
        nina.get_by_label("Invitation code").fill(code.lower().replace("-", " "))
        with nina.expect_navigation():
            nina.get_by_role("button", name="Continue").tap()
        expect(nina.get_by_role("heading", name="Join Village")).to_be_visible()
        expect(nina.get_by_text("You would join the household Sidorovs.")).to_be_visible()
        nina.get_by_label("Username").fill("nina")
        nina.get_by_label("Name as neighbours know it").fill("Nina Sidorova")
        nina.get_by_label("Password", exact=True).fill("Rye-field-over-the-river-2026")
        nina.get_by_label("Password again").fill("Rye-field-over-the-river-2026")
        with nina.expect_navigation():
            nina.get_by_role("button", name="Create my account and join").tap()
        expect(nina.get_by_text("Welcome to Village.")).to_be_visible()
        assert nina.url.endswith("/c/village/")
    finally:
        nina_phone.close()
    membership = Membership.objects.get(user__username="nina", community=v.community)
    assert membership.household == v.sidorovs and not membership.is_coordinator
