"""The whole allocation path on phones: bob asks for grain, alice opens a round with his need
in it, the committee (vera and olga: the quorum is 2) approves, alice carries it out, and bob
reads his share and its reason on the round page and in his notifications."""

import re

import pytest
from playwright.sync_api import expect

from pomochi.aid.models import AllocationRound, Need
from pomochi.aid.services import need_post
from pomochi.ledger.models import Holding
from pomochi.ledger.services import event_contribute
from tests.e2e.conftest import PHONE
from tests.e2e.test_browser import snapshot

pytestmark = pytest.mark.e2e

BOBS_REASON = (
    "You asked 30 kg; 2 households shared 35 kg by max-min fairness; everyone's cap was 25 kg; "
    "you receive 25 kg."
)


@pytest.fixture
def phones(browser, log_in):
    """Another person's phone, logged in through the form: phones("vera")."""
    contexts = []

    def phone_of(username: str):
        context = browser.new_context(**PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return log_in(context.new_page(), username)

    yield phone_of
    for context in contexts:
        context.close()


def assert_fits_the_phone(page, what: str):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than a 390px phone"


def tap_and_wait(page, locator):
    with page.expect_navigation():
        locator.tap()


def test_a_need_goes_through_a_round_to_a_share_with_its_reason(
    phone, phones, live_server, log_in, village
):
    v = village
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=100_000
    )
    need_post(  # the Sidorovs asked a coordinator in person
        actor=v.alice,
        community=v.community,
        household=v.sidorovs,
        resource=v.grain,
        quantity=10_000,
        urgency="urgent",
    )

    # bob asks for 30 kg of grain.
    bob = log_in(phone, "bob")
    tap_and_wait(bob, bob.get_by_role("link", name="Needs", exact=True))
    tap_and_wait(bob, bob.get_by_role("link", name="Ask for help"))
    expect(bob.get_by_label("For household")).to_have_value(str(v.petrovs.id))
    bob.get_by_label("What").select_option(label="grain (kg)")
    bob.get_by_label("How much").fill("30")
    bob.get_by_label("How urgent").select_option(label="soon")
    assert_fits_the_phone(bob, "the need form")
    tap_and_wait(bob, bob.get_by_role("button", name="Save"))
    expect(bob.get_by_role("status")).to_have_text("Your need of 30 kg of grain is posted.")
    need = Need.objects.get(household=v.petrovs)
    assert (need.quantity, need.urgency) == (30_000, "soon")

    # alice, a coordinator, opens a round of 35 kg from the Granary: step 1, then step 2.
    alice = phones("alice")
    tap_and_wait(alice, alice.get_by_role("link", name="Rounds"))
    tap_and_wait(alice, alice.get_by_role("link", name="Open a round"))
    alice.get_by_label("From pool").select_option(label="Granary")
    alice.get_by_label("What to share").select_option(label="grain (kg)")
    tap_and_wait(alice, alice.get_by_role("button", name="Next"))
    expect(alice.locator(".facts")).to_contain_text("100 kg grain")
    alice.get_by_label("How much to share").fill("35")
    expect(alice.get_by_role("radio", name=re.compile("^Max-min fairness"))).to_be_checked()
    expect(alice.get_by_role("checkbox", name=re.compile("^Petrovs · 30 kg"))).to_be_checked()
    expect(alice.get_by_role("checkbox", name=re.compile("^Sidorovs · 10 kg"))).to_be_checked()
    assert_fits_the_phone(alice, "the round form")
    snapshot(alice, "phone-round-form")
    tap_and_wait(alice, alice.get_by_role("button", name="Draft the round"))
    expect(alice.locator(".badge")).to_have_text("draft")
    round_ = AllocationRound.objects.get()
    round_url = f"{live_server.url}/c/village/rounds/{round_.id}/"
    expect(alice).to_have_url(round_url)

    # The committee approves: vera finds the round through her notification, olga directly.
    vera = phones("vera")
    tap_and_wait(vera, vera.locator("header .bell"))
    expect(vera.locator(".notifications")).to_contain_text(
        "An allocation of grain from Granary awaits the committee's decision."
    )
    tap_and_wait(vera, vera.get_by_role("link", name="Open"))
    expect(vera).to_have_url(round_url)  # the notification leads to the round itself
    expect(vera.locator(".shares li")).to_have_count(2)  # the committee sees every share
    tap_and_wait(vera, vera.get_by_role("button", name="Approve"))
    expect(vera.get_by_role("status")).to_have_text("Your approval is recorded.")
    olga = phones("olga")
    olga.goto(round_url)
    tap_and_wait(olga, olga.get_by_role("button", name="Approve"))
    expect(olga.locator(".badge")).to_have_text("approved")

    # alice carries it out, once she has read what it will do: then the stock moves.
    alice.reload()
    tap_and_wait(alice, alice.get_by_role("link", name="Carry it out"))
    expect(alice.locator(".confirm .what")).to_have_text(
        "2 households receive 35 kg of grain from Granary; this cannot be undone, only "
        "corrected entry by entry."
    )
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 100_000
    assert_fits_the_phone(alice, "the confirmation")
    tap_and_wait(alice, alice.get_by_role("button", name="Yes, carry it out"))
    expect(alice.get_by_role("status")).to_have_text(
        "Carried out: 35 kg of grain handed out from Granary."
    )
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 65_000

    # bob has news: his share and its reason, in his notifications and on the round page.
    bob.goto(f"{live_server.url}/c/village/")
    bell = bob.locator("header .bell")
    expect(bell.locator(".count")).to_have_text("1")
    tap_and_wait(bob, bell)
    expect(bob.locator(".notifications li")).to_have_text(
        re.compile(re.escape(f"Your share of grain from Granary: 25 kg. {BOBS_REASON}"))
    )
    expect(bob.locator("header .bell .count")).to_have_text("0")
    bob.goto(round_url)
    expect(bob.get_by_role("heading", name="Your share", exact=True)).to_be_visible()
    shares = bob.locator(".shares li")
    expect(shares).to_have_count(1)  # his own, nobody else's
    expect(shares).to_contain_text("Petrovs")
    expect(shares.locator(".why")).to_have_text(BOBS_REASON)
    expect(bob.locator("main")).not_to_contain_text("Sidorovs")
    expect(bob.get_by_role("button", name="Send the appeal")).to_be_visible()
    assert_fits_the_phone(bob, "the round page")
    snapshot(bob, "phone-round-share")
