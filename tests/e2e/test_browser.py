"""What a coordinator does on a phone: log in, record, be told about a mistake, read Russian."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute

pytestmark = pytest.mark.e2e

# Set POMOCHI_SCREENSHOT_DIR to keep phone screenshots of the pages, for a person to look at.
SCREENSHOT_DIR = os.environ.get("POMOCHI_SCREENSHOT_DIR")


def snapshot(page, name: str, *, default_dir: Path | None = None) -> Path | None:
    folder = SCREENSHOT_DIR or default_dir
    if folder is None:
        return None
    path = Path(folder) / f"pomochi-{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def fill_contribution(page, *, quantity: str):
    page.get_by_label("From household").select_option(label="Petrovs")
    page.get_by_label("Into pool").select_option(label="Granary")
    page.get_by_label("What").select_option(label="grain (kg)")
    page.get_by_label("How much").fill(quantity)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").tap()


def test_it_logs_in_through_the_form_and_lands_in_the_community(
    phone, live_server, log_in, village
):
    log_in(phone, "alice")
    expect(phone).to_have_url(f"{live_server.url}/c/village/")
    expect(phone.get_by_role("heading", name="Village", level=1)).to_be_visible()
    expect(phone.locator("header.top .who")).to_have_text("alice")


def test_a_coordinator_records_a_contribution_and_sees_the_new_stock(
    phone, live_server, log_in, village, tmp_path
):
    log_in(phone, "alice")
    phone.get_by_role("link", name="Record a contribution").tap()
    expect(phone).to_have_url(f"{live_server.url}/c/village/record/contribute/")
    fill_contribution(phone, quantity="12,5")

    expect(phone).to_have_url(f"{live_server.url}/c/village/")
    expect(phone.get_by_role("status")).to_have_text("Recorded: contribution 12.5 kg.")
    granary = phone.locator("section.card", has=phone.get_by_role("link", name="Granary"))
    expect(granary.locator("tr", has_text="grain").locator("td")).to_have_text("12.5 kg")
    assert Holding.objects.get(pool=village.granary, resource=village.grain).quantity == 12_500

    # Nothing may be wider than the phone: no sideways scrolling to read a number.
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the community page is {overflow}px wider than a 390px phone"
    assert snapshot(phone, "phone", default_dir=tmp_path).stat().st_size > 0


def test_a_bad_quantity_is_explained_next_to_the_field(phone, live_server, log_in, village):
    log_in(phone, "alice")
    phone.goto(f"{live_server.url}/c/village/record/contribute/")
    fill_contribution(phone, quantity="12.5555")

    error = phone.locator("#id_quantity-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("kg are recorded to 3 decimal places")
    # Next to the field: in its row, just below the input, not at the top of the form.
    field = phone.get_by_label("How much")
    expect(field).to_have_value("12.5555")
    assert phone.locator(".row.invalid").filter(has=field).count() == 1
    below = error.bounding_box()["y"] - (field.bounding_box()["y"] + field.bounding_box()["height"])
    assert 0 <= below < 40
    snapshot(phone, "phone-form-error")
    assert not Event.objects.exists()


def test_the_language_button_switches_to_russian(phone, live_server, log_in, village):
    log_in(phone, "alice")
    menu = phone.locator("header.top details.menu:not(.account) > summary")
    menu.tap()  # the language is switched from the header's menu
    with phone.expect_navigation():
        phone.get_by_role("button", name="Русский").tap()

    expect(phone).to_have_url(f"{live_server.url}/c/village/")
    expect(phone.locator("html")).to_have_attribute("lang", "ru")
    expect(phone.get_by_role("heading", name="Общие запасы")).to_be_visible()
    phone.locator("header.top details.account > summary").tap()
    expect(phone.get_by_role("button", name="Выйти")).to_be_visible()
    snapshot(phone, "phone-ru")

    menu.tap()
    with phone.expect_navigation():
        phone.get_by_role("button", name="English").tap()
    expect(phone.get_by_role("heading", name="Shared stores")).to_be_visible()


def test_another_communitys_page_is_not_found(phone, live_server, log_in, village, hamlet):
    log_in(phone, "charlie")
    expect(phone).to_have_url(f"{live_server.url}/c/hamlet/")

    response = phone.goto(f"{live_server.url}/c/village/")
    assert response.status == 404
    expect(phone.locator("body")).not_to_contain_text("Granary")
    response = phone.goto(f"{live_server.url}/c/village/pools/{village.granary.id}/")
    assert response.status == 404


def test_older_movements_load_in_place(phone, live_server, log_in, village):
    """The pager is a plain link that htmx turns into an in-place swap (and a pushed URL)."""
    v = village
    for quantity in range(1, 13):
        event_contribute(
            actor=v.alice,
            household=v.ivanovs,
            pool=v.granary,
            resource=v.grain,
            quantity=quantity * 1_000,
        )
    log_in(phone, "alice")
    assert phone.locator(".events li").count() == 10
    phone.get_by_role("link", name="Older").click()
    phone.wait_for_url("**/c/village/?page=2")
    assert phone.locator(".events li").count() == 2
    assert phone.locator("h1").count() == 1  # swapped in place, not a page inside a page
