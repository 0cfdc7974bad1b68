"""On phones: bob asks for grain, urgently; alice, a coordinator, logs in and finds his need
first on her home page, and follows it to the need's page, where she can promise from a store."""

import pytest
from playwright.sync_api import expect

from pomochi.aid.models import Need
from pomochi.aid.services import need_post
from pomochi.ledger.services import event_contribute
from tests.e2e.conftest import PHONE
from tests.e2e.test_allocation_path import assert_fits_the_phone, tap_and_wait
from tests.e2e.test_browser import snapshot

pytestmark = pytest.mark.e2e


def test_a_member_s_urgent_need_is_the_first_thing_a_coordinator_sees(
    phone, browser, live_server, log_in, village
):
    v = village
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=100_000
    )
    need_post(  # an older need, not urgent and with no date: nothing to attend to yet
        actor=v.alice,
        community=v.community,
        household=v.sidorovs,
        resource=v.potatoes,
        quantity=5_000,
    )

    # bob's home says nothing waits for his household; he asks for 30 kg of grain, urgently.
    bob = log_in(phone, "bob")
    expect(bob.locator("section.own")).to_contain_text("Nothing waits for your household")
    expect(bob.locator("section.attention")).to_have_count(0)
    tap_and_wait(bob, bob.get_by_role("link", name="Needs", exact=True))
    tap_and_wait(bob, bob.get_by_role("link", name="Ask for help"))
    bob.get_by_label("What").select_option(label="grain (kg)")
    bob.get_by_label("How much").fill("30")
    bob.get_by_label("How urgent").select_option(label="urgent")
    tap_and_wait(bob, bob.get_by_role("button", name="Save"))
    expect(bob.get_by_role("status")).to_have_text("Your need of 30 kg of grain is posted.")
    need = Need.objects.get(household=v.petrovs)
    assert (need.quantity, need.urgency) == (30_000, "urgent")

    # his home now lists it, open.
    bob.goto(f"{live_server.url}/c/village/")
    expect(bob.locator("section.own .own-needs li")).to_contain_text("30 kg grain")
    expect(bob.locator("section.own .own-needs li")).to_contain_text("open")

    # alice logs in on her phone: the need is the first thing her home page asks of her.
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    try:
        alice = log_in(context.new_page(), "alice")
        expect(alice).to_have_url(f"{live_server.url}/c/village/")
        first = alice.locator("section.attention li").first
        expect(first).to_have_text("Petrovs: 30 kg of grain needed urgently; nothing is promised.")
        expect(alice.locator("section.attention li")).to_have_count(1)
        # the list comes before the stores and the movements, within the first screen
        box = alice.locator("section.attention").bounding_box()
        assert box is not None and box["y"] < PHONE["viewport"]["height"]
        assert_fits_the_phone(alice, "the coordinator's home page")
        snapshot(alice, "phone-needs-attention")
        tap_and_wait(alice, first.get_by_role("link"))
        expect(alice).to_have_url(f"{live_server.url}/c/village/needs/{need.id}/")
        expect(alice.get_by_role("heading", level=1)).to_have_text("30 kg grain")
        expect(alice.locator(".facts")).to_contain_text("Petrovs")
        expect(alice.get_by_role("button", name="Make it a promise").first).to_be_visible()
    finally:
        context.close()
