"""A coordinator rehearses a crisis on a phone: half the grain lost, a blockade, and the weeks
the stores would last, with the chart, and nothing recorded."""

import pytest
from playwright.sync_api import expect

from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute
from tests.e2e.test_browser import snapshot

pytestmark = pytest.mark.e2e


def test_a_coordinator_runs_a_drill_and_sees_the_weeks_and_the_chart(
    phone, live_server, log_in, village, tmp_path
):
    v = village
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=100_000
    )
    events, entries = Event.objects.count(), AuditEntry.objects.count()

    log_in(phone, "alice")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Drill").tap()
    expect(phone).to_have_url(f"{live_server.url}/c/village/drill/")
    expect(phone.get_by_text("This is a drill: nothing is recorded.")).to_be_visible()

    phone.get_by_label("Stores lost (%)").fill("50")
    phone.get_by_label("Inflow lost (%)").fill("100")
    phone.get_by_label("Weeks ahead").fill("12")
    phone.get_by_label("grain per person per week (kg)").fill("1,25")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Run the drill").tap()

    # 50 kg left, nothing coming in, ten people at 1.25 kg: four weeks, empty in the fourth.
    result = phone.locator("section.drill-result", has=phone.get_by_role("heading", name="grain"))
    expect(result.locator(".verdict")).to_have_text(
        "The stores cover everyone for 4 weeks. They run empty in week 4."
    )
    expect(result.locator("ol.short-first li").first).to_have_text("Ivanovs, week 5")
    chart = result.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_have_text(
        "Stores of grain week by week over 12 weeks, from 50 kg"
    )
    points = chart.locator("polyline").get_attribute("points").split()
    assert points[0] == "0,18" and points[4] == "106.7,116" and len(points) == 13
    assert chart.bounding_box()["width"] > 300  # as wide as the phone allows, not a thumbnail

    # The form keeps what was asked, for the next try.
    expect(phone.get_by_label("Stores lost (%)")).to_have_value("50")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the drill page is {overflow}px wider than a 390px phone"
    snapshot(phone, "drill", default_dir=tmp_path)

    assert (Event.objects.count(), AuditEntry.objects.count()) == (events, entries)
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 100_000
