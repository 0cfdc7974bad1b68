"""Issue 10's whole path on a small phone, in Russian: a new person signs up, founds a village,
adds what it keeps (grain in кг) and a store for it, a household, prints an invitation slip;
a neighbour redeems the code on her own phone, sets a password and brings 12,5 кг of grain,
which waits for the founder to confirm it (mutual checks) and is then in the ledger."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from pomochi.communities.models import Community, Membership
from pomochi.ledger.models import Holding
from pomochi.onboarding.starters import NONE
from tests.e2e.conftest import watch_csp

pytestmark = pytest.mark.e2e

RUSSIAN_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ru-RU",  # the browser asks for Russian: the pages answer in it
}


def t(text: str) -> str:
    """The Russian the pages show for `text` (the catalogue's own words, not a guess)."""
    with translation.override("ru"):
        return translation.gettext(text)


def a_phone(browser):
    context = browser.new_context(**RUSSIAN_PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page, watch_csp(page)


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).tap()


def test_a_village_founds_itself_and_brings_a_neighbour_in_in_russian(
    browser, live_server, transactional_db
):
    url = live_server.url
    context, marfa, violations = a_phone(browser)
    try:
        marfa.goto(f"{url}/signup/")
        assert marfa.locator("html").get_attribute("lang") == "ru"
        marfa.get_by_label(t("Username")).fill("marfa")
        marfa.get_by_label(t("Password"), exact=True).fill("Barley-in-the-low-field-2026")
        marfa.get_by_label(t("Password again")).fill("Barley-in-the-low-field-2026")
        submit(marfa, t("Create my account"))

        marfa.goto(f"{url}/found/")
        marfa.get_by_label(t("Name"), exact=True).fill("Заречье")
        marfa.get_by_label(t("Short name, for its address")).fill("zarechye")
        marfa.get_by_label(t("Kind of group")).select_option("village")
        marfa.get_by_label(t("Language of the community")).select_option("ru")
        marfa.get_by_label(t("Time zone")).select_option("Europe/Moscow")
        marfa.locator(f'input[name="starter"][value="{NONE}"]').check()
        submit(marfa, t("Found the community"))
        community = Community.objects.get(slug="zarechye")
        assert marfa.url.endswith("/c/zarechye/")

        marfa.goto(f"{url}/c/zarechye/resources/add/")
        marfa.get_by_label(t("Name"), exact=True).fill("зерно")
        marfa.get_by_label(t("Unit")).fill("кг")
        marfa.get_by_label(t("Decimal places")).fill("1")
        submit(marfa, t("Save"))
        marfa.goto(f"{url}/c/zarechye/pools/add/")
        marfa.get_by_label(t("Name"), exact=True).fill("Амбар")
        marfa.get_by_label("зерно").check()
        submit(marfa, t("Save"))

        marfa.goto(f"{url}/c/zarechye/households/add/")
        marfa.get_by_label(t("Name"), exact=True).fill("Сидоровы")
        marfa.get_by_label(t("People")).fill("3")
        submit(marfa, t("Save"))

        marfa.goto(f"{url}/c/zarechye/members/invite/")
        marfa.get_by_label(t("Household"), exact=True).select_option(label="Сидоровы")
        submit(marfa, t("Make an invitation"))
        code = marfa.locator("p.code strong").inner_text()
        width = marfa.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the slip is {width}px wide"

        neighbour, nina, nina_violations = a_phone(browser)
        try:
            nina.goto(f"{url}/invite/")
            nina.get_by_label(t("Invitation code")).fill(code.lower().replace("-", " "))
            submit(nina, t("Continue"))
            nina.get_by_label(t("Username")).fill("nina")
            nina.get_by_label(t("Password"), exact=True).fill("Rye-field-over-the-river-2026")
            nina.get_by_label(t("Password again")).fill("Rye-field-over-the-river-2026")
            submit(nina, t("Create my account and join"))
            assert nina.url.endswith("/c/zarechye/")
            nina.goto(f"{url}/c/zarechye/record/contribute/")
            nina.get_by_label(t("Into pool")).select_option(label="Амбар")
            nina.get_by_label(t("What")).select_option(index=1)
            nina.get_by_label(t("How much")).fill("12,5")
            submit(nina, t("Save"))
            expect(nina.locator("main")).to_contain_text("12,5 кг")
            expect(nina.locator("main")).to_contain_text(t("Your records waiting for confirmation"))
        finally:
            neighbour.close()
        assert not nina_violations, nina_violations

        marfa.goto(f"{url}/c/zarechye/waiting/")
        expect(marfa.locator("main")).to_contain_text("12,5 кг")
        submit(marfa, t("Confirm: it arrived"))
        marfa.goto(f"{url}/c/zarechye/movements/")
        expect(marfa.locator("main")).to_contain_text("12,5 кг")
    finally:
        context.close()
    assert not violations, violations
    nina_membership = Membership.objects.get(user__username="nina", community=community)
    assert nina_membership.household.name == "Сидоровы" and not nina_membership.is_coordinator
    assert Holding.objects.get(pool__community=community).quantity == 125
