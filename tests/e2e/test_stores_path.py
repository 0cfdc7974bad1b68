"""Setting up a store on a small phone (360×740): alice adds the Cellar, ticks grain, records
12.5 kg of grain into it, and archives the tool library once it is empty."""

import pytest
from playwright.sync_api import expect

from pomochi.ledger.models import Holding, Pool
from pomochi.ledger.services import event_adjust, event_contribute
from tests.e2e.conftest import watch_csp

pytestmark = pytest.mark.e2e


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp(page)
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def fits(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than a 360px phone"


def test_a_coordinator_sets_up_a_store_and_archives_an_empty_one(
    small_phone, live_server, log_in, village
):
    v = village
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.tools, resource=v.plough, quantity=1
    )
    event_adjust(actor=v.vera, pool=v.tools, resource=v.plough, change=-1, reason="broken")
    page = log_in(small_phone, "alice")
    with page.expect_navigation():
        page.get_by_role("link", name="Stores: add, edit, archive").tap()
    fits(page, "the stores page")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a store").tap()
    page.get_by_label("Name").fill("Cellar")
    page.get_by_label("Kind").select_option(label="other store")
    page.get_by_label("grain").check()
    fits(page, "the store form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").tap()
    expect(page.get_by_text("Store Cellar added.")).to_be_visible()
    cellar = Pool.objects.get(community=v.community, name="Cellar")
    assert [r.name for r in cellar.resources.all()] == ["grain"]

    page.goto(f"{live_server.url}/c/village/record/contribute/")
    page.get_by_label("From household").select_option(label="Petrovs")
    page.get_by_label("Into pool").select_option(label="Cellar")
    page.get_by_label("What").select_option(label="grain (kg)")
    page.get_by_label("How much").fill("12.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("status")).to_have_text("Recorded: contribution 12.5 kg.")
    assert Holding.objects.get(pool=cellar, resource=v.grain).quantity == 12_500

    page.goto(f"{live_server.url}/c/village/pools/")
    tools = page.locator(f"#pool-{v.tools.id}")
    with page.expect_navigation():
        tools.get_by_role("button", name="Archive").tap()
    expect(page.get_by_text("Tool library is archived; its history stays.")).to_be_visible()
    expect(page.locator("ul.archived-stores")).to_contain_text("Tool library")
    fits(page, "the stores page with an archived store")
    assert Pool.objects.get(pk=v.tools.pk).archived_at is not None
