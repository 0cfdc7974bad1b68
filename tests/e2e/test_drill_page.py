"""A coordinator rehearses a crisis on a phone: half the grain lost, a blockade, and the weeks
the stores would last, with the chart, and nothing recorded."""

import pytest
from playwright.sync_api import expect

from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute
from tests.conftest import bylaws_with
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


def test_the_drill_with_its_defaults_says_the_ration_it_used(phone, live_server, log_in, village):
    """No false all-clear: the first visit drills at the bylaws' standard ration, says so, and
    asks for a ration where the bylaws set none."""
    v = village
    bylaws_with(v, standard_rations={"grain": "2"})
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=100_000
    )
    log_in(phone, "alice")
    phone.goto(f"{live_server.url}/c/village/drill/")

    result = phone.locator("section.drill-result", has=phone.get_by_role("heading", name="grain"))
    # 100 kg in, 12.5 kg a week coming in (this week's ÷ 8), ten people at 2 kg: 20 kg asked.
    expect(result.locator("dd.ration")).to_have_text("2 kg the standard ration of the bylaws")
    expect(result.locator(".verdict")).to_contain_text("The stores cover everyone for 13 weeks.")
    expect(result.get_by_role("link", name="bylaws")).to_have_attribute(
        "href", "/c/village/bylaws/"
    )
    expect(phone.locator("#rations-missing")).to_have_text(
        "Not drilled: potatoes. The bylaws set no standard ration for it; give one above."
    )
    expect(phone.get_by_text("Empty: the bylaws' standard ration, 2 kg.")).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the drill page is {overflow}px wider than the phone"
