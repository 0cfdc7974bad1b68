"""The aid lists' filters in a real browser: with htmx the list changes in place; without
JavaScript the same form is a plain GET."""

import pytest
from playwright.sync_api import expect

from pomochi.aid.services import need_post
from tests.e2e.conftest import PHONE, watch_csp

pytestmark = pytest.mark.e2e


@pytest.fixture
def needs(village):
    v = village
    for household, resource in ((v.petrovs, v.grain), (v.sidorovs, v.potatoes)):
        need_post(
            actor=v.alice,
            community=v.community,
            household=household,
            resource=resource,
            quantity=20,
            urgency="urgent",
        )
    return v


def test_choosing_a_resource_changes_the_list_in_place(phone, live_server, log_in, needs):
    log_in(phone, "alice")
    phone.goto(f"{live_server.url}/c/village/needs/")
    cards = phone.locator("#needs-list ul.cards > li")
    expect(cards).to_have_count(2)
    phone.evaluate("window.stayed = true")  # gone if the browser loads a new page
    phone.get_by_label("What").select_option(label="potatoes (kg)")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Sidorovs")
    assert phone.evaluate("window.stayed === true")
    expect(phone).to_have_url(
        f"{live_server.url}/c/village/needs/?resource={needs.potatoes.id}&state=&household="
    )


def test_the_filters_work_without_javascript(browser, live_server, log_in, needs):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    violations = watch_csp(page)
    log_in(page, "alice")
    page.goto(f"{live_server.url}/c/village/needs/")
    page.get_by_label("What").select_option(label="grain (kg)")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").tap()
    cards = page.locator("#needs-list ul.cards > li")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Petrovs")
    assert f"resource={needs.grain.id}" in page.url
    context.close()
    assert not violations
