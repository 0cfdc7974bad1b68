"""On a 360 × 740 phone, the checks issue 11 asks for: a coordinator's 10,000 kg is questioned
before it is recorded; a member notes the audit head, later finds it in the chain ("entry N of
M") and recomputes the chain in the browser; a member's contribution waits until a coordinator
confirms it arrived, and only then is in the ledger."""

import re

import pytest
from playwright.sync_api import expect

from pomochi.audit.models import AuditHead
from pomochi.ledger.models import Event, PendingContribution
from pomochi.ledger.services import event_contribute
from tests.e2e.conftest import PHONE, watch_csp
from tests.e2e.test_allocation_path import tap_and_wait
from tests.e2e.test_browser import snapshot

pytestmark = pytest.mark.e2e

SMALL_PHONE = PHONE | {"viewport": {"width": 360, "height": 740}}


@pytest.fixture
def phones(browser, log_in):
    """A 360 px phone per person, logged in through the form; fails on any CSP violation."""
    contexts, violations = [], []

    def phone_of(username: str):
        context = browser.new_context(**SMALL_PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        violations.extend(watch_csp(page))
        return log_in(page, username)

    yield phone_of
    for context in contexts:
        context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def assert_fits(page, what: str):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than a 360px phone"


def contribute(page, live_server, *, quantity: str):
    page.goto(f"{live_server.url}/c/village/record/contribute/")
    page.get_by_label("From household").select_option(label="Petrovs")
    page.get_by_label("Into pool").select_option(label="Granary")
    page.get_by_label("What").select_option(label="grain (kg)")
    page.get_by_label("How much").fill(quantity)
    tap_and_wait(page, page.get_by_role("button", name="Save"))


def test_a_coordinator_s_10000_kg_is_questioned_then_recorded_when_confirmed(
    phones, live_server, village
):
    v = village
    event_contribute(  # the largest contribution of grain so far: 10 kg
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=10_000
    )
    alice = phones("alice")
    contribute(alice, live_server, quantity="10000")

    confirm = alice.locator(".card.confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(
        "That is 1,000 times the largest contribution of grain so far (10 kg)."
    )
    expect(confirm).to_contain_text("10,000 kg")
    assert Event.objects.filter(action="contribute").count() == 1  # nothing recorded yet
    assert_fits(alice, "the contribution form asking to confirm")
    snapshot(alice, "phone-confirm-large-amount")

    tap_and_wait(alice, alice.get_by_role("button", name="Yes, record it"))
    expect(alice).to_have_url(f"{live_server.url}/c/village/")
    expect(alice.get_by_role("status")).to_contain_text("10,000 kg")
    recorded = Event.objects.filter(action="contribute").order_by("id").last()
    assert (recorded.quantity, recorded.provider_household_id) == (10_000_000, v.petrovs.id)
    assert recorded.recorded_by_id == v.alice.id


def test_a_member_finds_the_head_they_noted_and_recomputes_the_chain(phones, live_server, village):
    v = village
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=25_000
    )
    bob = phones("bob")
    bob.goto(f"{live_server.url}/c/village/audit/")
    noted = bob.locator("p.hash code").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", noted)
    head = AuditHead.objects.get(community=v.community)
    assert noted == head.hash
    noted_at = head.seq
    assert_fits(bob, "the audit page")

    # Later: more is recorded, so the head bob noted is no longer the last entry.
    for quantity in (5_000, 7_500):
        event_contribute(
            actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=quantity
        )
    entries = AuditHead.objects.get(community=v.community).seq
    assert entries > noted_at

    bob.goto(f"{live_server.url}/c/village/audit/")
    bob.locator("#id_head").fill(noted)
    tap_and_wait(bob, bob.get_by_role("button", name="Check the record"))
    result = bob.get_by_role("status")
    expect(result).to_contain_text(f"Found: this head is entry {noted_at} of {entries}")
    expect(result).to_contain_text("Every link of the chain holds")
    assert_fits(bob, "the check of a noted head")
    snapshot(bob, "phone-head-found")

    # A head mistyped by one character is not found.
    typo = noted[:-1] + ("0" if noted[-1] != "0" else "1")
    bob.locator("#id_head").fill(typo)
    tap_and_wait(bob, bob.get_by_role("button", name="Check", exact=True))
    expect(bob.get_by_role("status")).to_contain_text("Not found: this head is not in the chain.")

    # Then the whole chain, recomputed by bob's own browser.
    bob.goto(f"{live_server.url}/c/village/audit/")
    tap_and_wait(bob, bob.get_by_role("link", name="Check the whole chain in your own browser"))
    bob.get_by_role("button", name="Check now").tap()
    box = bob.locator("#chain-check")
    expect(box).to_have_attribute("data-state", re.compile("^(ok|broken|failed)$"), timeout=30_000)
    said = bob.locator("#chain-check-result").inner_text()
    assert box.get_attribute("data-state") == "ok", said
    assert f"{entries} entries recomputed" in said
    assert_fits(bob, "the in-browser verification")


def test_a_member_s_contribution_waits_until_a_coordinator_confirms_it(
    phones, live_server, village
):
    v = village
    bob = phones("bob")
    contribute(bob, live_server, quantity="12,5")
    record = PendingContribution.objects.get(household=v.petrovs)
    assert (record.state, record.quantity) == ("waiting", 12_500)
    assert not Event.objects.filter(action="contribute").exists()  # not in the ledger yet

    bob.goto(f"{live_server.url}/c/village/")
    waiting = bob.locator("section.own-records li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_have_attribute("data-state", "waiting")
    expect(waiting).to_contain_text("12.5 kg")
    expect(waiting).to_contain_text("A coordinator will confirm it when it arrives.")
    assert_fits(bob, "the member's home with a record waiting")

    alice = phones("alice")
    item = alice.locator("section.attention li", has_text="record waiting for confirmation")
    expect(item).to_have_text(re.compile(r"^\s*1 record waiting for confirmation\s*$"))
    tap_and_wait(alice, item.get_by_role("link"))
    card = alice.locator(f"#record-{record.id}")
    expect(card).to_contain_text("12.5 kg")
    expect(card).to_contain_text("Petrovs")
    snapshot(alice, "phone-record-to-confirm")
    tap_and_wait(alice, card.get_by_role("button", name="Confirm: it arrived"))
    record.refresh_from_db()
    assert record.state == "confirmed" and record.event_id is not None
    event = record.event
    assert (event.action, event.quantity, event.provider_household_id) == (
        "contribute",
        12_500,
        v.petrovs.id,
    )

    alice.goto(f"{live_server.url}/c/village/")
    expect(
        alice.locator("section.attention li", has_text="waiting for confirmation")
    ).to_have_count(0)

    # bob finds it in the ledger: among the movements, and no longer waiting on his home.
    bob.goto(f"{live_server.url}/c/village/movements/")
    expect(bob.locator(".events li", has_text="12.5 kg").first).to_contain_text("Petrovs")
    bob.goto(f"{live_server.url}/c/village/")
    expect(bob.locator("section.own-records li[data-state=waiting]")).to_have_count(0)
