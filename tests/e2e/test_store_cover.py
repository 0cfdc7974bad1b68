"""A member opens a store on a phone: how long its grain lasts in words, the stock month by
month and what came in and went out as charts, the figures beside them, nothing too wide."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pomochi.ledger.services import event_contribute, event_distribute
from tests.conftest import bylaws_with

pytestmark = pytest.mark.e2e


def test_a_member_reads_the_granarys_cover_on_a_phone(phone, live_server, log_in, village):
    v = village
    bylaws_with(v, standard_rations={"grain": "2"})
    now = timezone.now()
    event_contribute(
        actor=v.alice,
        household=v.ivanovs,
        pool=v.granary,
        resource=v.grain,
        quantity=100_000,
        occurred_at=now - timedelta(weeks=10),
    )
    event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.petrovs,
        resource=v.grain,
        quantity=24_000,
        occurred_at=now - timedelta(weeks=2),
    )
    log_in(phone, "bob")
    phone.goto(f"{live_server.url}/c/village/pools/{v.granary.id}/")

    cover = phone.locator("section.cover")
    # 76 kg; 24 kg over 12 weeks is 2 kg a week: 38 weeks; at 2 kg × 10 people, 3 weeks.
    expect(cover.locator(".verdict").first).to_have_text(
        "At the recent rate (the last 12 weeks) the grain lasts 38 weeks."
    )
    expect(cover.locator(".verdict").nth(1)).to_have_text(
        "At the standard ration of 2 kg a person a week, for 10 people, 3 weeks."
    )
    expect(cover.get_by_text("it needs attention")).to_be_visible()
    charts = cover.locator("svg.chart")
    expect(charts).to_have_count(2)
    expect(charts.first).to_be_visible()
    assert charts.first.bounding_box()["width"] > 300
    cover.get_by_text("The figures, month by month").tap()
    expect(cover.locator("table.months tbody tr").last.locator("td").last).to_have_text("76 kg")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the store's page is {overflow}px wider than the phone"
