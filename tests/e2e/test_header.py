"""The header on a 360 px phone: one line — the community's name, "Notifications" with its count,
the menu and the account menu — in English and in Russian, and the menus open without script."""

import pytest
from playwright.sync_api import expect

from pomochi.communities.models import Community
from tests.conftest import notification_for
from tests.e2e.conftest import PHONE, watch_csp

SMALL_PHONE = PHONE | {"viewport": {"width": 360, "height": 740}}
LONG_NAME = "Verkhnyaya Pokrovka and the hamlets beyond the river, mutual aid society"


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(**SMALL_PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp(page)
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def busy_village(village):
    """A community with a long name, and three unread notifications for bob."""
    Community.objects.filter(pk=village.community.pk).update(name=LONG_NAME)
    for _ in range(3):
        notification_for(
            village.bob,
            kind="allocation.approved",
            params={"resource": "grain", "pool": "Granary"},
        )
    return village


def assert_no_overflow(page) -> None:
    # Against the phone's width, not window.innerWidth: a mobile browser widens its layout
    # viewport to content that is too wide, and innerWidth with it.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width - 360}px wider than a 360px phone"


def assert_one_line(page) -> None:
    assert_no_overflow(page)
    header = page.locator("header.top")
    box = header.bounding_box()
    assert box["height"] <= 56, f"the header is {box['height']}px high: more than one line"
    for part in (
        "a.brand",
        "a.bell",
        "details.menu:not(.account) > summary",
        "details.account > summary",
    ):
        item = header.locator(part).bounding_box()
        assert item is not None, part
        assert box["y"] <= item["y"] and item["y"] + item["height"] <= box["y"] + box["height"], (
            part
        )
        assert item["x"] >= 0 and item["x"] + item["width"] <= 360, part
    brand = header.locator("a.brand")
    truncated = brand.evaluate("e => e.scrollWidth > e.clientWidth")
    assert truncated and brand.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert brand.get_attribute("title") == LONG_NAME


def open_menus(page, *, needs: str, tokens: str, password: str, log_out: str) -> None:
    header = page.locator("header.top")
    menu, account = header.locator("details.menu:not(.account)"), header.locator("details.account")
    expect(menu.get_by_role("link", name=needs, exact=True)).to_be_hidden()
    menu.locator("summary").tap()
    expect(menu.get_by_role("link", name=needs, exact=True)).to_be_visible()
    assert_fits(page, menu.locator(".panel"))
    account.locator("summary").tap()
    for name in (tokens, password):
        expect(account.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(account.get_by_role("button", name=log_out)).to_be_visible()
    expect(menu.get_by_role("link", name=needs, exact=True)).to_be_hidden()  # one menu at a time
    assert_fits(page, account.locator(".panel"))
    account.locator("summary").tap()
    expect(account.get_by_role("button", name=log_out)).to_be_hidden()


def assert_fits(page, panel) -> None:
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert_no_overflow(page)


def test_the_header_is_one_line_on_a_small_phone_in_english_and_russian(
    small_phone, live_server, log_in, busy_village
):
    page = log_in(small_phone, "bob")
    expect(page).to_have_url(f"{live_server.url}/c/village/")
    bell = page.locator("header.top a.bell")
    expect(bell.locator(".label")).to_have_text("Notifications")
    expect(bell.locator(".count")).to_have_text("3")
    assert_one_line(page)
    open_menus(page, needs="Needs", tokens="API tokens", password="Password", log_out="Log out")

    page.locator("header.top details.menu:not(.account) > summary").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Русский").tap()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(bell.locator(".label")).to_have_text("Уведомления")
    expect(bell.locator(".count")).to_have_text("3")
    assert_one_line(page)
    open_menus(page, needs="Нужды", tokens="API-токены", password="Пароль", log_out="Выйти")


def test_the_menu_leads_to_a_section_and_the_header_follows(
    small_phone, live_server, log_in, busy_village
):
    page = log_in(small_phone, "alice")
    page.locator("header.top details.menu:not(.account) > summary").tap()
    with page.expect_navigation():
        page.locator("header.top .panel").get_by_role("link", name="Rounds", exact=True).tap()
    expect(page).to_have_url(f"{live_server.url}/c/village/rounds/")
    expect(page.locator("header.top a.brand")).to_have_text(LONG_NAME)
    assert_one_line(page)
    page.locator("header.top details.account > summary").tap()
    with page.expect_navigation():
        page.get_by_role("link", name="API tokens").tap()
    expect(page).to_have_url(f"{live_server.url}/account/tokens/")
    assert_no_overflow(page)
