from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from pomochi.accounts.models import User
from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.models import Community
from pomochi.demo import village as village_module
from pomochi.demo.village import PASSWORD, build_demo_village
from pomochi.ledger.models import Event, Holding, Pool

SMALL = {"households": 8, "seasons": 2, "seed": 7}


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def history(community: Community) -> list[tuple]:
    """The events as a reader sees them, without ids: what the same seed must repeat."""
    events = Event.objects.filter(community=community).order_by("id")
    events = events.select_related(
        "resource", "provider_household", "receiver_household", "provider_pool", "receiver_pool"
    )
    return [
        (
            e.action,
            e.resource.name,
            e.quantity,
            # A reversal is dated when it is recorded: the ledger takes no date for it.
            None if e.action == "reverse" else e.occurred_at,
            str(e.provider_household or e.provider_pool),
            str(e.receiver_household or e.receiver_pool),
            e.note,
        )
        for e in events
    ]


def counts() -> tuple[int, int, int, int]:
    return (
        Community.objects.count(),
        User.objects.count(),
        Event.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def today(monkeypatch):
    """Pin the calendar, so two builds compared across midnight still end on the same day."""
    pinned = date(2026, 11, 26)
    monkeypatch.setattr(
        village_module.timezone, "localdate", lambda value=None, timezone=None: pinned
    )
    return pinned


@pytest.fixture
def demo(db, today):
    output = seed(**SMALL)
    return Community.objects.get(slug="demo"), output


def test_it_builds_households_pools_and_resources(demo):
    community, _output = demo
    households = list(community.households.all())
    assert len(households) == 8
    assert len({h.name for h in households}) == 8
    assert all(h.name.endswith("s") for h in households)  # the Ivanovs, the Petrovs …
    assert all(1 <= h.size <= 8 for h in households)
    assert community.slug == "demo"
    assert community.name == "Verkhnyaya Pokrovka (demo)"
    assert sorted(p.name for p in community.pools.all()) == [
        "Granary",
        "Kitchen",
        "Seed bank",
        "Tool library",
    ]
    resources = {r.name: (r.unit, r.kind, r.decimal_places) for r in community.resources.all()}
    assert resources == {
        "grain": ("kg", "consumable", 3),
        "potatoes": ("kg", "consumable", 1),
        "seed potatoes": ("kg", "consumable", 1),
        "firewood": ("bundles", "consumable", 0),
        "plough": ("pcs", "durable", 0),
        "labour": ("h", "labour", 2),
    }


def test_it_gives_a_few_households_children_elderly_or_illness(db, today):
    seed(households=60, seasons=1, seed=3)
    households = Community.objects.get(slug="demo").households.all()
    assert 0 < sum(h.has_children for h in households) < 60
    assert 0 < sum(h.has_elderly for h in households) < 60
    assert 0 < sum(h.has_ill_or_disabled for h in households) < 60
    assert {h.size for h in households} >= {1, 2, 3, 4, 5}


def test_it_names_as_many_households_as_allowed_apart():
    specs = list(village_module._Builder(seed=1, stdout=None)._household_specs(2000))
    names = [spec["name"] for spec in specs]
    assert len(set(names)) == 2000
    assert "(" in names[-1]  # namesakes told apart by where they live: "Ivanovs (by the mill)"


def test_it_records_every_kind_of_event(demo):
    community, _output = demo
    actions = Counter(Event.objects.filter(community=community).values_list("action", flat=True))
    assert set(actions) == {"contribute", "distribute", "transfer", "work", "adjust", "reverse"}
    assert actions["reverse"] == 1
    reversal = Event.objects.get(community=community, action="reverse")
    assert reversal.reverses.action == "contribute"
    assert reversal.quantity == reversal.reverses.quantity
    assert reversal.note.startswith("Typed ")
    for adjustment in Event.objects.filter(community=community, action="adjust"):
        assert adjustment.note  # the reason is on record
        assert adjustment.provider_pool_id or adjustment.receiver_pool_id
    spoilage = Event.objects.filter(community=community, action="adjust", note__contains="Spoil")
    assert spoilage.exists()


def test_it_spreads_the_history_over_the_seasons(demo, today):
    community, _output = demo
    events = Event.objects.filter(community=community).exclude(action="reverse")
    first = events.order_by("occurred_at").first().occurred_at.date()
    last = events.order_by("occurred_at").last().occurred_at.date()
    assert first == today - timedelta(weeks=104)
    assert today - timedelta(days=7) <= last < today
    for quarter in range(8):
        start = today - timedelta(weeks=104 - 13 * quarter)
        end = start + timedelta(weeks=13)
        assert events.filter(occurred_at__date__gte=start, occurred_at__date__lt=end).count() > 10


def test_it_leaves_an_audit_chain_that_verifies(demo):
    community, _output = demo
    assert verify_community(community.id).ok
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("demo: OK")
    events = Event.objects.filter(community=community).count()
    entries = AuditEntry.objects.filter(community=community, verb__startswith="event.").count()
    assert entries == events


def test_it_never_lets_a_store_go_below_zero(demo):
    community, _output = demo
    balance = Counter()
    for e in Event.objects.filter(community=community).order_by("id"):
        if e.receiver_pool_id:
            balance[e.receiver_pool_id, e.resource_id] += e.quantity
        if e.provider_pool_id:
            balance[e.provider_pool_id, e.resource_id] -= e.quantity
            assert balance[e.provider_pool_id, e.resource_id] >= 0, e
    assert not Holding.objects.filter(pool__community=community, quantity__lt=0).exists()


def test_it_conserves_every_store(demo):
    community, _output = demo
    events = Event.objects.filter(community=community)
    for pool in Pool.objects.filter(community=community):
        for resource in community.resources.all():
            came = events.filter(receiver_pool=pool, resource=resource).aggregate(s=Sum("quantity"))
            went = events.filter(provider_pool=pool, resource=resource).aggregate(s=Sum("quantity"))
            holding = Holding.objects.filter(pool=pool, resource=resource).first()
            held = holding.quantity if holding else 0
            assert held == (came["s"] or 0) - (went["s"] or 0), (pool, resource)


def test_it_keeps_stock_in_the_stores(demo):
    community, _output = demo
    stock = {
        (h.pool.name, h.resource.name): h.quantity
        for h in Holding.objects.filter(pool__community=community).select_related(
            "pool", "resource"
        )
    }
    assert stock[("Granary", "grain")] > 0
    assert stock[("Tool library", "plough")] in (1, 2)
    assert ("Granary", "labour") not in stock  # labour is a flow, never stock


def test_it_creates_the_demo_logins(demo):
    community, output = demo
    roles = {}
    for username in ("founder", "coordinator", "committee", "member"):
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD)
        membership = community.memberships.get(user=user)
        assert membership.household is not None
        assert membership.household.community_id == community.id
        roles[username] = (membership.is_coordinator, membership.is_committee)
        assert username in output
    assert roles == {
        "founder": (True, True),
        "coordinator": (True, False),
        "committee": (False, True),
        "member": (False, False),
    }
    assert "pomochi-demo" in output


def test_it_repeats_the_same_village_for_the_same_seed(demo):
    community, _output = demo
    output = seed(add_another=True, **SMALL)
    again = Community.objects.get(slug="demo-2")
    assert "demo-2" in output
    assert again.name == "Verkhnyaya Pokrovka (demo 2)"
    assert history(again) == history(community)
    households = "name", "size", "has_children", "has_elderly", "has_ill_or_disabled"
    assert list(again.households.values_list(*households)) == list(
        community.households.values_list(*households)
    )
    assert verify_community(again.id).ok


def test_it_gives_another_village_for_another_seed(demo):
    community, _output = demo
    seed(add_another=True, **{**SMALL, "seed": 8})
    again = Community.objects.get(slug="demo-2")
    assert history(again) != history(community)
    assert set(again.households.values_list("name", flat=True)) != set(
        community.households.values_list("name", flat=True)
    )


def test_it_suffixes_the_logins_of_another_village(demo):
    _community, _output = demo
    output = seed(add_another=True, **SMALL)
    seed(add_another=True, **SMALL)
    again = Community.objects.get(slug="demo-2")
    for username in ("founder-2", "coordinator-2", "committee-2", "member-2"):
        assert again.memberships.filter(user__username=username).exists()
        assert username in output
    third = Community.objects.get(slug="demo-3")
    assert third.memberships.filter(user__username="member-3").exists()


def test_it_refuses_to_load_twice_and_changes_nothing(demo):
    before = counts()
    with pytest.raises(CommandError, match="“demo” already exists; nothing was changed"):
        seed(**SMALL)
    assert counts() == before


def test_it_leaves_a_loaded_demo_alone_if_absent(demo):
    before = counts()
    output = seed("--if-absent")
    assert "is already loaded" in output
    assert "founder" in output and "member" in output and PASSWORD in output
    assert counts() == before


def test_it_loads_the_demo_if_absent(db, today):
    output = seed("--if-absent", households=4, seasons=1)
    assert Community.objects.filter(slug="demo").exists()
    assert "Loaded" in output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"households": 1}, "--households must be between 2 and 2000; 1 was given"),
        ({"households": 2001}, "--households must be between 2 and 2000"),
        ({"seasons": 0}, "--seasons must be between 1 and 20; 0 was given"),
        ({"seasons": 21}, "--seasons must be between 1 and 20"),
        ({"slug": "two words"}, "--slug must be letters, digits"),
        ({"slug": "x" * 51}, "--slug can be at most 50"),
        ({"if_absent": True, "add_another": True}, "not both"),
    ],
)
def test_it_refuses_bad_arguments(db, options, message):
    with pytest.raises(CommandError, match=message):
        seed(**options)
    assert counts() == (0, 0, 0, 0)


def test_it_refuses_a_number_that_is_not_one(db):
    with pytest.raises(CommandError, match="invalid int value"):
        seed("--households", "many")
    assert counts() == (0, 0, 0, 0)


def test_it_leaves_nothing_behind_when_it_fails_halfway(db, today, monkeypatch):
    recorded = []

    def work_then_fail(**kwargs):
        recorded.append(kwargs)
        if len(recorded) > 20:
            raise RuntimeError("the lights went out")
        return real_work(**kwargs)

    real_work = village_module.event_work
    monkeypatch.setattr(village_module, "event_work", work_then_fail)
    with pytest.raises(RuntimeError, match="the lights went out"):
        seed(**SMALL)
    assert counts() == (0, 0, 0, 0)


def test_it_works_with_the_fewest_households_and_one_season(db, today):
    seed(households=2, seasons=1, seed=5)
    community = Community.objects.get(slug="demo")
    assert community.households.count() == 2
    assert community.memberships.count() == 4
    assert verify_community(community.id).ok


def test_it_tells_a_failed_harvest_from_a_normal_one(db):
    """2025's harvest fails: less comes in, more goes out, and the granary runs low."""
    built = build_demo_village(
        slug="story", name="Story", households=20, seasons=2, seed=11, today=date(2026, 11, 26)
    )
    assert built.failed_harvest == 2025
    events = Event.objects.filter(community=built.community, resource__name="grain")
    zone = village_module.ZoneInfo(village_module.TIMEZONE)

    def between(start: date, end: date):
        return events.filter(
            occurred_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=zone),
            occurred_at__lt=datetime.combine(end, datetime.min.time(), tzinfo=zone),
        )

    def harvest(year: int) -> int:
        came_in = between(date(year, 8, 1), date(year, 10, 1)).filter(action="contribute")
        return came_in.aggregate(s=Sum("quantity"))["s"]

    def handed_out(year: int) -> int:  # December to March after the harvest of `year`
        return between(date(year, 12, 1), date(year + 1, 4, 1)).filter(action="distribute").count()

    assert harvest(2025) < harvest(2026) / 2
    assert handed_out(2025) > handed_out(2024) * 1.5

    granary = built.pools["granary"]
    balance, lowest_in_crisis, highest = 0, None, 0
    for e in events.order_by("id"):
        balance += e.quantity if e.receiver_pool_id == granary.id else 0
        balance -= e.quantity if e.provider_pool_id == granary.id else 0
        highest = max(highest, balance)
        if date(2026, 3, 1) <= e.occurred_at.date() < date(2026, 7, 1):
            lowest_in_crisis = (
                balance if lowest_in_crisis is None else min(lowest_in_crisis, balance)
            )
    assert 0 <= lowest_in_crisis < highest / 10
