"""With the keyboard alone: every control of a page is reached with Tab, in the order it is read,
each shows where the focus is, and a form is filled and sent without touching the screen."""

import pytest
from django.urls import reverse

from pomochi.ledger.models import Event

pytestmark = pytest.mark.e2e

# The page's controls that a person acts on, in document order.
CONTROLS = """() => [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(e => !e.disabled && e.getClientRects().length
    && !e.closest('details:not([open]) > :not(summary)'))
  .map((e, i) => { e.dataset.kbd = i; return i; })"""
FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {html: e.outerHTML.slice(0, 80), kbd: e.dataset.kbd === undefined ? -1 : +e.dataset.kbd,
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                || s.boxShadow !== 'none'}; }"""


def tab_through(page) -> list[dict]:
    """Tab from the top of the page until the focus leaves it: what was focused, in order."""
    page.locator("body").focus()
    seen = []
    for _ in range(200):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["html"].startswith("<body") or (seen and now["kbd"] == seen[0]["kbd"]):
            break
        if not seen or now["kbd"] != seen[-1]["kbd"]:  # a date's day, month, year: one control
            seen.append(now)
    return seen


@pytest.mark.parametrize(
    "name",
    ["community", "needs", "record-contribute", "movements", "audit"],
)
def test_every_control_is_reached_with_tab_and_shows_its_focus(
    phone, live_server, village, log_in, name
):
    log_in(phone, "alice")
    if name == "record-contribute":
        url = reverse("record", kwargs={"slug": "village", "action": "contribute"})
    else:
        url = reverse(name, kwargs={"slug": "village"})
    phone.goto(f"{live_server.url}{url}")
    controls = phone.evaluate(CONTROLS)
    focused = tab_through(phone)
    assert [f["kbd"] for f in focused] == controls, [f["html"] for f in focused]
    assert [f["html"] for f in focused if not f["ring"]] == []


def test_a_coordinator_records_a_contribution_with_the_keyboard_alone(
    phone, live_server, village, log_in
):
    v = village
    log_in(phone, "alice")
    phone.goto(f"{live_server.url}/c/village/record/contribute/")
    phone.get_by_label("From household").focus()
    # each field in turn; in each list the arrow picks its first choice
    while phone.evaluate("() => document.activeElement.name") != "quantity":
        if phone.evaluate("() => document.activeElement.tagName") == "SELECT":
            phone.keyboard.press("ArrowDown")
        phone.keyboard.press("Tab")
    chosen = phone.get_by_label("From household").input_value()
    phone.keyboard.type("2.5")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "Recorded" in phone.locator("main").inner_text()
    event = Event.objects.get(community=v.community, action="contribute", quantity=2_500)
    assert event.provider_household_id == int(chosen)
