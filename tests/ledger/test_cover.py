"""A store's stock over time and its cover (ledger.cover): exact figures, on the community's
clock, in a fixed number of queries; the store's page and the API say the same."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from pomochi.ledger.attention import stores_low
from pomochi.ledger.cover import (
    MonthFlow,
    community_covers,
    ration_text,
    store_cover,
)
from pomochi.ledger.cover_pages import cover_line, cover_sentences
from pomochi.ledger.models import Pool
from pomochi.ledger.services import (
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    pool_create,
)
from pomochi.web import attention
from tests.api.conftest import ApiClient
from tests.conftest import bylaws_with

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def at(y, m, d, h=12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture
def granary(village):
    """The village on Vladivostok's clock (UTC+10), its Granary's grain:

    10 Sep   60 kg in from the Ivanovs
    5 Oct    10 kg out to the Petrovs
    31 Oct   40 kg in at 20:00 UTC: 1 November in Vladivostok
    10 Nov   6 kg out to the Sidorovs, reversed on 2 Dec (a correction, +6 kg)
    20 Nov   8 kg out to the Orlovs
    Now (7 Dec): 82 kg. Handed out in the last 12 weeks: 10 + 8 kg (the reversed 6 kg did not
    happen), 1.5 kg a week. 10 people.
    """
    v = village
    v.community.timezone = "Asia/Vladivostok"
    v.community.save()
    grain, pool = v.grain, v.granary

    def give(household, grams, when):
        return event_distribute(
            actor=v.alice,
            pool=pool,
            household=household,
            resource=grain,
            quantity=grams,
            occurred_at=when,
        )

    for grams, when in ((60_000, at(2026, 9, 10)), (40_000, at(2026, 10, 31, 20))):
        event_contribute(
            actor=v.alice,
            household=v.ivanovs,
            pool=pool,
            resource=grain,
            quantity=grams,
            occurred_at=when,
        )
    give(v.petrovs, 10_000, at(2026, 10, 5))
    mistaken = give(v.sidorovs, 6_000, at(2026, 11, 10))
    event_reverse(
        actor=v.alice, event=mistaken, reason="wrong household", occurred_at=at(2026, 12, 2)
    )
    give(v.orlovs, 8_000, at(2026, 11, 20))
    return v


def grain_cover(v):
    pool = Pool.objects.select_related("community").get(pk=v.granary.pk)  # as the page reads it
    (cover,) = store_cover(pool=pool, now=NOW)
    return cover


def test_the_stock_month_by_month_on_the_communitys_clock(granary):
    cover = grain_cover(granary)
    assert cover.months == (
        MonthFlow(date(2026, 9, 1), inflow=60_000, outflow=0, corrected=0, stock=60_000),
        MonthFlow(date(2026, 10, 1), inflow=0, outflow=10_000, corrected=0, stock=50_000),
        MonthFlow(date(2026, 11, 1), inflow=40_000, outflow=14_000, corrected=0, stock=76_000),
        MonthFlow(date(2026, 12, 1), inflow=0, outflow=0, corrected=6_000, stock=82_000),
    )
    assert cover.stock == 82_000  # the holding: the last month's end


def test_the_cover_at_the_recent_rate(granary):
    cover = grain_cover(granary)
    # 18 kg over 12 weeks: 1.5 kg a week; 82 kg last 54.67 weeks, whole weeks down.
    assert (cover.distributed, cover.recent_weeks) == (18_000, 12)
    assert cover.weeks_at_rate == 54
    assert cover.ration is None and cover.weeks_at_ration is None
    assert cover.weeks == 54 and not cover.low


def test_the_cover_at_the_bylaws_standard_ration(granary):
    bylaws_with(granary, standard_rations={"grain": "2"}, cover_attention_weeks=5)
    cover = grain_cover(granary)
    # 2 kg × 10 people = 20 kg a week: 82 kg last 4 whole weeks, under the bylaws' 5.
    assert (cover.ration, cover.people) == (Decimal(2), 10)
    assert cover.weeks_at_ration == 4
    assert cover.weeks == 4 and cover.threshold == 5 and cover.low


def test_an_older_distribution_is_outside_the_window(granary):
    # A month later, only the 20 November distribution is within the last 12 weeks.
    (cover,) = store_cover(pool=granary.granary, now=NOW + timedelta(weeks=5))
    assert cover.distributed == 8_000
    assert cover.weeks_at_rate == 82_000 * 12 // 8_000  # 123


def test_the_cover_in_words(granary):
    bylaws_with(granary, standard_rations={"grain": "2"})
    cover = grain_cover(granary)
    assert cover_sentences(cover) == [
        "At the recent rate (the last 12 weeks) the grain lasts 54 weeks.",
        "At the standard ration of 2 kg a person a week, for 10 people, 4 weeks.",
    ]
    assert cover_line(cover) == "grain: 54 weeks at the recent rate, 4 weeks at the standard ration"


def test_without_distributions_or_ration_it_says_what_is_missing(stocked_village):
    (cover,) = store_cover(pool=stocked_village.granary)
    assert cover.weeks is None and not cover.low
    assert cover_sentences(cover) == [
        "Nothing of the grain was handed out in the last 12 weeks.",
        "The bylaws set no standard ration of grain.",
    ]
    assert cover_line(cover) is None


def test_a_ration_is_written_to_its_own_places(village):
    assert ration_text(Decimal("0.25"), village.grain) == "0.25 kg"
    assert ration_text(Decimal("2"), village.grain) == "2 kg"
    village.grain.decimal_places = 0
    assert ration_text(Decimal("0.25"), village.grain) == "0.25 kg"


def test_an_empty_store_at_a_ration_has_no_cover(granary):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"})
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-82_000, reason="mice")
    cover = grain_cover(v)
    assert cover.stock == 0 and cover.weeks_at_ration == 0 and cover.low


def test_it_reads_a_fixed_number_of_queries(granary, django_assert_max_num_queries):
    pool = Pool.objects.select_related("community").get(pk=granary.granary.pk)
    with django_assert_max_num_queries(5):
        store_cover(pool=pool, now=NOW)
    # many more events, in many months: the same queries
    for week in range(60):
        event_contribute(
            actor=granary.alice,
            household=granary.petrovs,
            pool=granary.granary,
            resource=granary.grain,
            quantity=1_000,
            occurred_at=at(2025, 1, 1) + timedelta(weeks=week),
        )
    with django_assert_max_num_queries(5):
        (cover,) = store_cover(pool=pool, now=NOW)
    assert len(cover.months) == 24 and cover.months[-1].stock == 142_000
    with django_assert_max_num_queries(4):
        community_covers(community=granary.community, now=NOW)


def test_community_covers_every_store_and_nothing_of_another(granary, hamlet):
    covers = community_covers(community=granary.community, now=NOW)
    assert [(c.pool_name, c.resource.name, c.stock) for c in covers] == [
        ("Granary", "grain", 82_000)
    ]


def test_the_store_page_shows_the_cover_charts_and_figures(granary, client):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"})
    client.force_login(v.bob.user)
    page = client.get(f"/c/village/pools/{v.granary.id}/").content.decode()
    ((shown),) = client.get(f"/c/village/pools/{v.granary.id}/").context["covers"]
    assert "At the standard ration of 2 kg a person a week, for 10 people, 4 weeks." in page
    stock = ElementTree.fromstring(str(shown.stock_chart))
    assert stock.get("role") == "img"
    assert stock.find(f"{SVG}title").text.startswith("Stock of grain at the end of each month")
    flow = ElementTree.fromstring(str(shown.flow_chart))
    assert len(flow.findall(f"{SVG}rect[@class='in']")) == 2  # September and November
    assert len(flow.findall(f"{SVG}rect[@class='out']")) == 2  # October and November
    assert str(shown.stock_chart) in page and str(shown.flow_chart) in page
    # the table beside the charts holds the numbers
    assert [m["stock"] for m in shown.months] == ["60 kg", "50 kg", "76 kg", "82 kg"]
    assert shown.months[-1]["corrected"] == "+6 kg" and shown.corrections
    assert '<td class="num">76 kg</td>' in page


def test_the_api_gives_the_same_figures_as_the_page(granary, client):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"})
    client.force_login(v.bob.user)
    shown = client.get(f"/c/village/pools/{v.granary.id}/").context["covers"][0].cover
    response = ApiClient(v.bob.user).get(f"/communities/village/pools/{v.granary.id}/cover")
    assert response.status_code == 200
    (grain,) = response.json()["resources"]
    assert grain["resource"] == v.grain.id and grain["resource_name"] == "grain"
    assert grain["stock"] == shown.stock == 82_000
    assert grain["weeks_at_rate"] == shown.weeks_at_rate
    assert grain["weeks_at_ration"] == shown.weeks_at_ration == 4
    assert grain["ration"] == "2" and grain["people"] == 10
    assert grain["distributed"] == shown.distributed and grain["recent_weeks"] == 12
    assert grain["low"] is False and grain["threshold"] == 4  # 4 weeks is not under 4
    assert [m["stock"] for m in grain["months"]] == [m.stock for m in shown.months]


def test_a_low_store_needs_the_coordinators_attention(granary, client):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"}, cover_attention_weeks=5)
    items = attention.attention_for(actor=v.alice, community=v.community)
    (low,) = [i for i in items if i.kind == "store.cover_low"]
    assert low.link == f"/c/village/pools/{v.granary.id}/"
    assert low.params == {"pool": "Granary", "resource": "grain", "weeks": 4, "threshold": 5}
    assert low.sentence == "Granary: the grain lasts 4 weeks, under the bylaws' 5"
    assert low.order == attention.LATE and not low.urgent  # weeks ahead: after what is urgent today
    # a plain member has no such list; at 4 weeks' threshold it is not low
    assert attention.attention_for(actor=v.bob, community=v.community) == []
    bylaws_with(v, cover_attention_weeks=4)
    assert not [
        i
        for i in attention.attention_for(actor=v.alice, community=v.community)
        if i.kind == "store.cover_low"
    ]


def test_an_empty_store_lasts_less_than_a_week(granary):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"})
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-82_000, reason="mice")
    (low,) = [
        i
        for i in attention.attention_for(actor=v.vera, community=v.community)
        if i.kind == "store.cover_low"
    ]
    assert low.sentence == "Granary: the grain lasts less than a week"
    assert low.urgent and low.order == attention.NOW


def test_the_low_stores_beyond_a_few_are_counted(granary, django_assert_max_num_queries):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"}, cover_attention_weeks=5)
    for n in range(4):
        pool = pool_create(
            actor=v.alice, community=v.community, name=f"Barn {n}", resources=[v.grain]
        )
        event_contribute(
            actor=v.alice, household=v.ivanovs, pool=pool, resource=v.grain, quantity=1_000
        )
    with django_assert_max_num_queries(4):
        items = stores_low(actor=v.alice, community=v.community, today=date(2026, 12, 7))
    assert [i.params.get("pool") for i in items] == ["Barn 0", "Barn 1", "Barn 2", None]
    assert items[-1].count == 2 and items[-1].sentence == "2 more stores under their cover"


def test_the_home_page_shows_a_cover_line_per_store(granary, client):
    v = granary
    bylaws_with(v, standard_rations={"grain": "2"}, cover_attention_weeks=5)
    client.force_login(v.bob.user)
    page = client.get("/c/village/").content.decode()
    assert '<p class="cover error">grain: ' in page
    assert "4 weeks at the standard ration</p>" in page
