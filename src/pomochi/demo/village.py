"""A believable demo village with years of history, built only through the services.

`pomochi seed_demo` calls `build_demo_village`. Every row is written by
`pomochi.communities.services`, `pomochi.ledger.services` and `ledger.waiting`, and the mutual
aid (needs, offers, promises, rounds, appeals) by `pomochi.aid.services` and `aid.rounds`, as a
coordinator's clicks would be, so the demo also exercises the whole write path, and
`pomochi verify_audit` passes on it. Each thing is written at the moment it happens, on the
demo's own clock (`_Clock`): the aid's steps are scenes among the week's movements, so the
stores' stock is what it was then and never goes below zero, in the order of the ledger or of time.

One `random.Random(seed)` drives everything (never the global one): the same seed gives the same
households and the same events in the same order, so the README, screenshots and tests can rely
on them. Only the calendar moves: the history always ends the day before the build.
"""

import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from pomochi.accounts.models import User
from pomochi.aid.models import Urgency
from pomochi.aid.rounds import (
    appeal_decide,
    appeal_file,
    round_decide,
    round_edit,
    round_execute,
    round_open,
)
from pomochi.aid.services import (
    commitment_accept,
    commitment_fail,
    commitment_fulfil,
    commitment_make,
    need_post,
    need_withdraw,
    offer_post,
)
from pomochi.communities import policy
from pomochi.communities.bylaws import default_rules
from pomochi.communities.invitations import invitation_accept, invitation_create
from pomochi.communities.models import (
    Community,
    Household,
    Membership,
    ResourceKind,
    ResourceType,
)
from pomochi.communities.quantities import format_quantity
from pomochi.communities.services import (
    community_create,
    household_create,
    membership_set_household,
    membership_set_roles,
    resource_create,
)
from pomochi.demo.words import ENGLISH, LANGUAGES, DemoWords
from pomochi.ledger.models import Pool, PoolKind
from pomochi.ledger.services import (
    Line,
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
    events_distribute_batch,
    pool_create,
)
from pomochi.ledger.waiting import contribution_confirm, contribution_decline, contribution_submit

PASSWORD = "pomochi-demo"
TIMEZONE = "Europe/Moscow"  # no daylight saving since 2014: no ambiguous local times
WEEKS_PER_SEASON = 52
# Flows below are tuned for this many households; other sizes scale the number of events.
TUNED_FOR = 40

# username → (coordinator, committee)
LOGINS = {
    "founder": (True, True),
    "coordinator": (True, False),
    "committee": (False, True),
    "member": (False, False),
}
_LOGIN_NAME = re.compile(r"^(founder|coordinator|committee|member)(-\d+)?$")

# Household sizes 1..8, weighted like a Russian village: many couples and pensioners alone.
SIZE_WEIGHTS = (12, 22, 18, 18, 12, 9, 5, 4)


@dataclass(frozen=True)
class _Resource:
    key: str
    kind: str
    places: int
    step: int  # what people actually weigh out or count, in the smallest unit


# Names and units in each language: demo.words (grain in kg, firewood in bundles …).
RESOURCES = (
    _Resource("grain", ResourceKind.CONSUMABLE, 3, 100),  # to 100 g
    _Resource("potatoes", ResourceKind.CONSUMABLE, 1, 5),  # to half a kilo
    _Resource("seed", ResourceKind.CONSUMABLE, 1, 5),
    _Resource("firewood", ResourceKind.CONSUMABLE, 0, 1),
    _Resource("plough", ResourceKind.DURABLE, 0, 1),
    _Resource("labour", ResourceKind.LABOUR, 2, 25),  # quarter hours
)
SPEC = {r.key: r for r in RESOURCES}
# The bylaws' standard rations per person per week, in each resource's unit (the drill's and a
# store's cover's): seed is sown, not eaten, so it has none.
STANDARD_RATIONS = {"grain": "2", "potatoes": "3", "firewood": "1"}
POOLS = (  # named in demo.words
    ("granary", PoolKind.GRANARY),
    ("seed_bank", PoolKind.SEED_BANK),
    ("tools", PoolKind.TOOL_LIBRARY),
    ("kitchen", PoolKind.KITCHEN),
)
# What each store keeps: the flows, openings and spoilage below move nothing else into it.
KEEPS = {
    "granary": ("grain", "potatoes"),
    "seed_bank": ("seed",),
    "tools": ("plough",),
    "kitchen": ("potatoes", "firewood"),
}


@dataclass(frozen=True)
class _Flow:
    """A recurring movement between households and a store, by month of the farming year."""

    action: str  # contribute | distribute
    resource: str
    pool: str
    months: frozenset[int]
    per_week: float  # expected events a week, for TUNED_FOR households, in a normal year
    crisis_per_week: float  # the same in the year after a failed harvest
    low: float  # amount in the resource's unit, per person if per_person
    high: float
    per_person: bool = True
    crisis_scale: float = 1.0  # a failed harvest leaves less to give
    who: str = "able"  # able | needy | vulnerable


def _months(*months: int) -> frozenset[int]:
    return frozenset(months)


WINTER = _months(12, 1, 2, 3)
WINTER_TO_SUMMER = _months(11, 12, 1, 2, 3, 4, 5, 6, 7)
FLOWS = (
    # The harvest comes in: grain in August and September, potatoes after, seed kept in October.
    _Flow("contribute", "grain", "granary", _months(8, 9), 6, 2.5, 4, 9, crisis_scale=0.4),
    _Flow("contribute", "potatoes", "granary", _months(9, 10), 5, 2, 8, 20, crisis_scale=0.4),
    _Flow("contribute", "potatoes", "kitchen", _months(10, 11), 2, 1, 10, 40, per_person=False),
    _Flow("contribute", "seed", "seed_bank", _months(10), 6, 2, 1.5, 4, crisis_scale=0.5),
    _Flow("contribute", "firewood", "kitchen", _months(9, 10, 11), 3, 3, 2, 10, per_person=False),
    # Winter to the next harvest: the stores feed those who run short.
    _Flow("distribute", "grain", "granary", WINTER_TO_SUMMER, 2, 6, 2, 4, who="needy"),
    _Flow("distribute", "potatoes", "granary", WINTER_TO_SUMMER - {7}, 2, 5, 3, 8, who="needy"),
    # The kitchen's potatoes and firewood go to the old and the ill.
    _Flow("distribute", "potatoes", "kitchen", WINTER, 1.5, 2.5, 5, 15, False, who="vulnerable"),
    _Flow("distribute", "firewood", "kitchen", WINTER, 2, 3, 2, 8, False, who="vulnerable"),
    _Flow("distribute", "seed", "seed_bank", _months(4, 5), 3, 4, 1, 3, who="needy"),
)
# (resource, pool, chance a household gave, low, high, per person) when the ledger began
OPENING = (
    ("grain", "granary", 0.85, 8, 16, True),
    ("potatoes", "granary", 0.8, 15, 35, True),
    ("seed", "seed_bank", 0.6, 2, 4, True),
    ("potatoes", "kitchen", 0.3, 10, 30, False),
    ("firewood", "kitchen", 0.6, 3, 10, False),
)
WORK_PER_WEEK = {1: 4, 2: 4, 3: 5, 4: 14, 5: 14, 6: 9, 7: 9, 8: 12, 9: 12, 10: 8, 11: 6, 12: 4}
# (resource, weight, low, high) of a gift between neighbours, in the resource's unit
GIFTS = (("potatoes", 55, 3, 25), ("grain", 25, 2, 12), ("firewood", 20, 1, 6))
# (month, pool, resource, lowest and highest share lost, reason in demo.words) checked in the
# month's first week
SPOILAGE = (
    (2, "kitchen", "potatoes", 0.05, 0.10, "frozen"),
    (3, "granary", "potatoes", 0.03, 0.08, "rotted"),
    (5, "granary", "grain", 0.01, 0.03, "mice"),
    (11, "kitchen", "firewood", 0.02, 0.06, "damp"),
    (12, "granary", "potatoes", 0.02, 0.05, "rotted"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    roles: tuple[str, ...]
    household: str


@dataclass
class DemoVillage:
    """What was built, for the command to report."""

    community: Community
    households: list[Household]
    pools: dict[str, Pool]
    resources: dict[str, ResourceType]
    logins: list[DemoLogin]
    events: Counter = field(default_factory=Counter)  # by action
    first_day: date | None = None
    last_day: date | None = None
    failed_harvest: int | None = None  # the year whose harvest failed
    password: str = PASSWORD


@dataclass
class _Move:
    """One planned event; amounts drawn from stores are settled when it is recorded."""

    at: datetime
    action: str
    actor: Membership
    resource: str
    quantity: int = 0
    pool: str = ""
    household: Household | None = None
    other: Household | None = None
    note: str = ""
    share: float = 0.0  # adjustments: the share of the stock lost


@dataclass
class _Scene:
    """Something done through the aid services at a moment of the history (a need posted, a
    round carried out), run in its place among the week's movements so the stores' stock is
    what it was then."""

    at: datetime
    run: Callable[[], None]


class _Clock:
    """The demo's own clock: while the village is built, "now" is the moment each thing happens.

    The services date what they write by `django.utils.timezone.now()` (a promise made, a round
    carried out, an audit entry) and check dates against `timezone.localdate()` (a promise is
    late if delivered after its day), so the builder sets this clock to each movement's moment
    and each scene's, and a promise made three weeks before the demo's end is late when it is
    delivered a week after its day. Both are put back when the build ends, however it ends. The
    build is one command in one thread; nothing else runs meanwhile.
    """

    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def localdate(self, value: datetime | None = None, timezone: ZoneInfo | None = None) -> date:
        return localtime(value or self.moment, timezone).date()

    def __enter__(self) -> "_Clock":
        self.saved = timezone.now, timezone.localdate
        timezone.now, timezone.localdate = self.now, self.localdate
        return self

    def __exit__(self, *exc) -> None:
        timezone.now, timezone.localdate = self.saved


def demo_logins(community: Community) -> list[DemoLogin]:
    """The demo logins of a community already loaded, for `seed_demo --if-absent` to repeat."""
    found = []
    memberships = community.memberships.select_related("user", "household").order_by("id")
    for m in memberships:
        if match := _LOGIN_NAME.match(m.user.username):
            order = list(LOGINS).index(match.group(1))
            household = m.household.name if m.household else ""
            found.append((order, DemoLogin(m.user.username, tuple(m.roles), household)))
    return [login for _order, login in sorted(found, key=lambda pair: pair[0])]


@transaction.atomic
def build_demo_village(
    *,
    slug: str,
    name: str,
    households: int,
    seasons: int,
    seed: int,
    stdout=None,
    today: date | None = None,
    language: str = ENGLISH.language,
) -> DemoVillage:
    """Create a community with `households` households and `seasons` years of history.

    All or nothing: one transaction. The caller checks that `slug` is free. Demo usernames get
    the first free suffix ("", "-2", "-3" …), since usernames are shared by all communities.
    Progress lines go to `stdout` (a command's), if given. `today` is for tests; the history
    ends the day before it. `language` (a key of demo.words.LANGUAGES) names the households,
    people, stores and resources and writes the notes in that language, and is the community's;
    the same seed gives the same village in every language.
    """
    words = LANGUAGES[language]
    with translation.override(words.language):  # amounts in notes as the village reads them
        return _Builder(seed=seed, stdout=stdout, words=words).build(
            slug=slug, name=name, households=households, seasons=seasons, today=today
        )


class _Builder:
    """Plans each week from the seed alone, then records it; keeps the stores' stock in step."""

    def __init__(self, *, seed: int, stdout, words: DemoWords = ENGLISH):
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.words = words
        self.stock: Counter = Counter()  # (pool key, resource key) → quantity, mirrors holdings
        self.peak: Counter = Counter()
        self.events: Counter = Counter()

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")

    def build(self, *, slug, name, households, seasons, today) -> DemoVillage:
        zone = ZoneInfo(TIMEZONE)
        today = today or timezone.localdate(timezone=zone)
        self.end = datetime.combine(today, time(), tzinfo=zone)
        self.start = self.end - timedelta(weeks=WEEKS_PER_SEASON * seasons)
        self.factor = households / TUNED_FOR
        harvests = [y for y in range(self.start.year, self.end.year + 1) if self._saw_harvest(y)]
        # A failed harvest with normal years around it, so the dip and the recovery both show.
        self.failed = self.rng.choice(harvests[1:-1] or harvests[:-1] or harvests)
        # The village is founded the morning before its ledger begins.
        with _Clock((self.start - timedelta(days=1)).replace(hour=9)) as self.clock:
            return self._build(slug=slug, name=name, households=households, seasons=seasons)

    def _build(self, *, slug, name, households, seasons) -> DemoVillage:
        self._people(slug=slug, name=name, households=households)
        self.scenes: list[_Scene] = []
        self._plan_aid()
        self.say(
            _("Built %(n)d households; writing %(seasons)d years of history…")
            % {"n": households, "seasons": seasons}
        )
        self._opening_stock()
        weeks = WEEKS_PER_SEASON * seasons
        for week in range(weeks):
            week_start = self.start + timedelta(weeks=week)
            week_end = week_start + timedelta(weeks=1)
            moves = [
                *self._plan_week(week_start, first=week == 0),
                *(s for s in self.scenes if week_start <= s.at < week_end),
            ]
            for move in sorted(moves, key=lambda m: m.at):
                self.clock.moment = move.at
                if isinstance(move, _Scene):
                    move.run()
                else:
                    self._record(move)
            if (week + 1) % WEEKS_PER_SEASON == 0:
                self.say(
                    _("Year %(k)d of %(seasons)d: %(events)d events so far.")
                    % {
                        "k": (week + 1) // WEEKS_PER_SEASON,
                        "seasons": seasons,
                        "events": sum(self.events.values()),
                    }
                )
        self._mistake_and_reversal()
        self._record_waiting()
        return DemoVillage(
            community=self.community,
            households=self.households,
            pools=self.pools,
            resources=self.resources,
            logins=self.logins,
            events=self.events,
            first_day=self.start.date(),
            last_day=(self.end - timedelta(days=1)).date(),
            failed_harvest=self.failed,
        )

    def _saw_harvest(self, year: int) -> bool:
        return self.start.date() <= date(year, 9, 30) and date(year, 8, 1) < self.end.date()

    def _crisis(self, moment: datetime) -> bool:
        """From the failed harvest in August to the next one: the hungry year."""
        farming_year = moment.year if moment.month >= 8 else moment.year - 1
        return farming_year == self.failed

    # People and places

    def _people(self, *, slug: str, name: str, households: int) -> None:
        specs = list(self._household_specs(households))
        homes = self.rng.sample(range(households), k=min(len(LOGINS), households))
        homes = [homes[i % len(homes)] for i in range(len(LOGINS))]
        suffix = _free_suffix()
        users = [
            self._user(username + suffix, surname=specs[home]["name"].split()[0])
            for username, home in zip(LOGINS, homes, strict=True)
        ]
        self.community = community_create(
            slug=slug,
            name=name,
            founder=users[0],
            timezone=TIMEZONE,
            language=self.words.language,
            rules=default_rules()
            | {
                "standard_rations": {
                    self.words.resources[key][0]: ration for key, ration in STANDARD_RATIONS.items()
                }
            },
        )
        self.founder = self.community.memberships.get(user=users[0])
        self.households = [
            household_create(actor=self.founder, community=self.community, **spec) for spec in specs
        ]

        self.actors: dict[str, Membership] = {}
        self.logins = []
        for username, user, home in zip(LOGINS, users, homes, strict=True):
            household = self.households[home]
            coordinator, committee = LOGINS[username]
            if username == "founder":
                m = membership_set_household(
                    actor=self.founder, membership=self.founder, household=household
                )
            else:
                # As a real village does it: the founder invites, each person accepts.
                issued = invitation_create(
                    actor=self.founder, community=self.community, household=household
                )
                m = invitation_accept(user=user, code=issued.code)
                if coordinator or committee:
                    m = membership_set_roles(
                        actor=self.founder,
                        membership=m,
                        coordinator=coordinator,
                        committee=committee,
                    )
            self.actors[username] = m
            self.logins.append(DemoLogin(user.username, tuple(m.roles), household.name))
        self.founder = self.actors["founder"]
        self.member_home = self.actors["member"].household_id
        self.home = {
            username: self.households[home] for username, home in zip(LOGINS, homes, strict=True)
        }

        self.resources = {
            r.key: resource_create(
                actor=self.founder,
                community=self.community,
                name=self.words.resources[r.key][0],
                unit=self.words.resources[r.key][1],
                kind=r.kind,
                decimal_places=r.places,
            )
            for r in RESOURCES
        }
        self.pools = {
            key: pool_create(
                actor=self.founder,
                community=self.community,
                name=self.words.pools[key],
                kind=kind,
                resources=[self.resources[r] for r in KEEPS[key]],
            )
            for key, kind in POOLS
        }
        # Who gives and who needs, as weights for picking households.
        self.able = [h.size * (0.4 if h.has_ill_or_disabled else 1.0) for h in self.households]
        self.needy = [
            1 + 0.5 * h.size + 3 * h.has_elderly + 4 * h.has_ill_or_disabled + 1.5 * h.has_children
            for h in self.households
        ]
        self.vulnerable = [
            w if (h.has_elderly or h.has_ill_or_disabled) else 0.0
            for h, w in zip(self.households, self.needy, strict=True)
        ]
        if not any(self.vulnerable):
            self.vulnerable = self.needy

    def _user(self, username: str, surname: str) -> User:
        sex = self.rng.choice("fm")
        first = self.rng.choice(self.words.first_names[sex])
        family = self.words.family_name(surname, sex)  # Ivanovs: Ivanova
        return User.objects.create_user(
            username=username,
            password=PASSWORD,
            email=f"{username}@example.org",
            first_name=first,
            last_name=family,
            display_name=f"{first} {family}",
        )

    def _household_specs(self, n: int) -> Iterator[dict]:
        surnames = self.words.surnames
        names = [self.words.household(s) for s in self.rng.sample(surnames, len(surnames))]
        places = list(self.words.where)
        while len(names) < n:
            where = places.pop(self.rng.randrange(len(places)))
            names += [
                self.words.household(s, where) for s in self.rng.sample(surnames, len(surnames))
            ]
        for household_name in names[:n]:
            size = self.rng.choices(range(1, 9), weights=SIZE_WEIGHTS)[0]
            yield {
                "name": household_name,
                "size": size,
                "has_children": size >= 3 and self.rng.random() < 0.65,
                "has_elderly": self.rng.random() < (0.6 if size <= 2 else 0.3),
                "has_ill_or_disabled": self.rng.random() < 0.12,
            }

    # Planning: what happens in a week, drawn from the seed alone

    def _opening_stock(self) -> None:
        """What was already in the stores when the village began keeping this ledger.

        Enough to last until the first harvest, so the first winter does not look like a crisis.
        """
        months_to_harvest = (8 - self.start.month) % 12 or 12
        scale = 0.3 + months_to_harvest / 12
        moves = []
        for h in self.households:
            for key, pool, chance, low, high, per_person in OPENING:
                if self.rng.random() < chance:
                    people = h.size if per_person else 1
                    qty = self._amount(key, low * scale, high * scale, people)
                    moves.append(
                        self._contribution(self.start, h, key, pool, qty, self.words.opening_stock)
                    )
        ploughs = self.rng.sample(self.households, k=self.rng.randint(1, 2))
        for h in ploughs:
            moves.append(
                self._contribution(self.start, h, "plough", "tools", 1, self.words.old_plough)
            )
        for move in sorted(moves, key=lambda m: m.at):
            # All of it was there when the ledger began: before the first week's movements, so
            # a store's stock over time never dips below zero in its first days.
            move.at = self.start.replace(hour=7)
            self.clock.moment = move.at
            self._record(move)

    def _plan_week(self, week_start: datetime, *, first: bool) -> Iterator[_Move]:
        month = (week_start + timedelta(days=3)).month
        crisis = self._crisis(week_start + timedelta(days=3))
        for flow in FLOWS:
            if month not in flow.months:
                continue
            rate = flow.crisis_per_week if crisis else flow.per_week
            weights = getattr(self, flow.who)
            for h in self._pick(self._count(rate), weights):
                scale = flow.crisis_scale if crisis else 1.0
                qty = self._amount(
                    flow.resource,
                    flow.low * scale,
                    flow.high * scale,
                    h.size if flow.per_person else 1,
                )
                if flow.action == "contribute":
                    yield self._contribution(week_start, h, flow.resource, flow.pool, qty, "")
                else:
                    yield _Move(
                        at=self._when(week_start),
                        action="distribute",
                        actor=self._coordinator(),
                        resource=flow.resource,
                        quantity=qty,
                        pool=flow.pool,
                        household=h,
                    )
        yield from self._plan_gifts(week_start, crisis)
        yield from self._plan_work(week_start, month, crisis)
        for spoil_month, pool, key, low, high, reason in SPOILAGE:
            if month == spoil_month and week_start.day <= 7:
                yield _Move(
                    at=self._when(week_start),
                    action="adjust",
                    actor=self._committee(),
                    resource=key,
                    pool=pool,
                    share=self.rng.uniform(low, high),
                    note=self.words.spoilage[reason],
                )
        if first:
            yield _Move(
                at=self._when(week_start),
                action="adjust",
                actor=self._committee(),
                resource="firewood",
                pool="kitchen",
                quantity=self.rng.randint(3, 9),
                note=self.words.recount,
            )

    def _plan_gifts(self, week_start: datetime, crisis: bool) -> Iterator[_Move]:
        for giver in self._pick(self._count(5 if crisis else 3.5), self.able):
            receiver = self._pick_other(giver, self.needy)
            key, _weight, low, high = self.rng.choices(GIFTS, weights=[g[1] for g in GIFTS])[0]
            yield _Move(
                at=self._when(week_start),
                action="transfer",
                actor=self._own_or_coordinator(giver),
                resource=key,
                quantity=self._amount(key, low, high),
                household=giver,
                other=receiver,
                note=self.rng.choice(self.words.gift_notes),
            )

    def _plan_work(self, week_start: datetime, month: int, crisis: bool) -> Iterator[_Move]:
        tasks = next(t for months, t in self.words.work.items() if month in months)
        rate = WORK_PER_WEEK[month] * (1.3 if crisis else 1.0)
        for worker in self._pick(self._count(rate), self.able):
            beneficiary = self._pick_other(worker, self.needy)
            yield _Move(
                at=self._when(week_start),
                action="work",
                actor=self._own_or_coordinator(beneficiary),
                resource="labour",
                quantity=self._amount("labour", 1, 8),
                household=worker,
                other=beneficiary,
                note=self.rng.choice(tasks),
            )

    def _contribution(self, week_start, household, key, pool, quantity, note) -> _Move:
        return _Move(
            at=self._when(week_start),
            action="contribute",
            actor=self._own_or_coordinator(household),
            resource=key,
            quantity=quantity,
            pool=pool,
            household=household,
            note=note,
        )

    def _count(self, per_week: float) -> int:
        expected = per_week * self.factor
        whole = int(expected)
        return whole + (self.rng.random() < expected - whole)

    def _pick(self, k: int, weights: list[float]) -> list[Household]:
        """k different households, more likely the heavier ones."""
        if k == 0:
            return []
        drawn = self.rng.choices(self.households, weights=weights, k=3 * k)
        return list(dict.fromkeys(drawn))[:k]

    def _pick_other(self, household: Household, weights: list[float]) -> Household:
        while True:
            other = self.rng.choices(self.households, weights=weights)[0]
            if other.id != household.id:
                return other

    def _when(self, week_start: datetime) -> datetime:
        day = week_start + timedelta(days=self.rng.randrange(7))
        return day.replace(hour=self.rng.randint(7, 19), minute=self.rng.randrange(0, 60, 5))

    def _amount(self, key: str, low: float, high: float, people: int = 1) -> int:
        """An amount in the smallest unit, as people weigh it out (whole steps, at least one)."""
        spec = SPEC[key]
        value = self.rng.uniform(low, high) * people * 10**spec.places
        return max(1, round(value / spec.step)) * spec.step

    def _coordinator(self) -> Membership:
        return self.actors["coordinator"] if self.rng.random() < 0.75 else self.founder

    def _committee(self) -> Membership:
        return self.actors["committee"] if self.rng.random() < 0.7 else self.founder

    def _own_or_coordinator(self, household: Household) -> Membership:
        """Members record their own household's giving (and the work they received)."""
        if household.id == self.member_home:
            return self.actors["member"]
        return self._coordinator()

    # Recording: the services, with the stores' stock settled at the moment of each event

    def _record(self, move: _Move) -> None:
        resource = self.resources[move.resource]
        common = {"actor": move.actor, "resource": resource, "occurred_at": move.at}
        store = (move.pool, move.resource)
        if move.action == "contribute":
            values = {
                "household": move.household,
                "pool": self.pools[move.pool],
                "quantity": move.quantity,
                "note": move.note,
                **common,
            }
            if policy.can(move.actor, "ledger.contribute", move.household):
                event_contribute(**values)
            else:  # mutual checks: the member's record waits until the keeper confirms it
                record = contribution_submit(**values)
                contribution_confirm(actor=self.actors["coordinator"], record=record)
            self._stock(store, move.quantity)
        elif move.action == "distribute":
            quantity, note = self._ration(move)
            if not quantity:
                return
            event_distribute(
                pool=self.pools[move.pool],
                household=move.household,
                quantity=quantity,
                note=note,
                **common,
            )
            self._stock(store, -quantity)
        elif move.action == "adjust":
            step = SPEC[move.resource].step
            change = move.quantity or -(int(self.stock[store] * move.share) // step * step)
            if not change:
                return
            event_adjust(pool=self.pools[move.pool], change=change, reason=move.note, **common)
            self._stock(store, change)
        elif move.action == "transfer":
            event_transfer(
                from_household=move.household,
                to_household=move.other,
                quantity=move.quantity,
                note=move.note,
                **common,
            )
        else:
            event_work(
                worker=move.household,
                beneficiary=move.other,
                quantity=move.quantity,
                note=move.note,
                **common,
            )
        self.events[move.action] += 1

    def _ration(self, move: _Move) -> tuple[int, str]:
        """Never more than the store holds; once it runs low, small shares so that it lasts.

        Low: under a sixth of the most it has held. Then half what was asked, and at most a
        twentieth of what is left, so it dwindles but never quite empties. Less than one whole
        unit (a kilo, a bundle) is not worth the trip: nothing is given.
        """
        store = (move.pool, move.resource)
        spec = SPEC[move.resource]
        left, step = self.stock[store], spec.step
        if left >= self.peak[store] / 6:
            quantity, note = min(move.quantity, left), ""
        else:
            quantity = min(move.quantity // 2, left // 20)
            note = self.words.rationed.format(store=self.pools[move.pool].name.lower())
        quantity = quantity // step * step
        return (quantity, note) if quantity >= 10**spec.places else (0, "")

    def _stock(self, store: tuple[str, str], change: int) -> None:
        self.stock[store] += change
        self.peak[store] = max(self.peak[store], self.stock[store])

    def _record_waiting(self) -> None:
        """The member's household brought firewood yesterday: the record waits for the keeper
        to confirm it arrived (mutual checks), as it would on the day someone opens the demo."""
        member = self.actors["member"]
        self.clock.moment = self._day(1, 10)
        contribution_submit(
            actor=member,
            household=self.home["member"],
            pool=self.pools["granary"],
            resource=self.resources["grain"],
            quantity=self._amount("grain", 5, 15),
            occurred_at=self.clock.moment,
        )
        # The committee member is no coordinator: their household's firewood waits too.
        self.clock.moment = self._day(1, 16)
        contribution_submit(
            actor=self.actors["committee"],
            household=self.home["committee"],
            pool=self.pools["kitchen"],
            resource=self.resources["firewood"],
            quantity=self._amount("firewood", 2, 6),
            occurred_at=self.clock.moment,
        )

    def _mistake_and_reversal(self) -> None:
        """A contribution typed with an extra zero, reversed by the committee, then re-entered.

        The reversal is dated when it is recorded (the ledger does not backdate reversals), so
        the mistake is put at the very end of the history, where "noticed today" is believable.
        """
        household = self._pick(1, self.able)[0]
        meant = self._amount("grain", 5, 30)
        at = (self.end - timedelta(days=2)).replace(hour=self.rng.randint(9, 17))
        self.clock.moment = at
        grain, granary = self.resources["grain"], self.pools["granary"]
        wrong = event_contribute(
            actor=self.actors["coordinator"],
            household=household,
            pool=granary,
            resource=grain,
            quantity=meant * 10,
            occurred_at=at,
        )
        typed, right = (format_quantity(q, resource=grain) for q in (meant * 10, meant))
        reason = self.words.mistake.format(typed=typed, right=right)
        self.clock.moment = at + timedelta(hours=1)  # noticed within the hour
        event_reverse(actor=self.actors["committee"], event=wrong, reason=reason)
        event_contribute(
            actor=self.actors["coordinator"],
            household=household,
            pool=granary,
            resource=grain,
            quantity=meant,
            occurred_at=at,
            note=self.words.reentered,
        )
        self.events.update({"contribute": 2, "reverse": 1})
        self._stock(("granary", "grain"), meant)

    # Mutual aid: needs, offers, promises, rounds and appeals, through the aid services

    def _day(self, before_end: int, hour: int) -> datetime:
        """A moment `before_end` days before the demo's end (its days are the community's)."""
        return (self.end - timedelta(days=before_end)).replace(hour=hour)

    def _date(self, after: datetime, days: int) -> date:
        return (after + timedelta(days=days)).date()

    def _scene(self, at: datetime, run: Callable[[], None]) -> None:
        self.scenes.append(_Scene(at=at, run=run))

    def _as(self, household: Household) -> Membership:
        """Who records for a household: one of its own people with a demo login, else a
        coordinator (most households have nobody online)."""
        for username in ("member", "committee", "coordinator", "founder"):
            if self.home[username].id == household.id:
                return self.actors[username]
        return self.actors["coordinator"]

    def _plan_aid(self) -> None:
        """What the village asked, offered and promised, planned from the seed before the history
        is recorded, each step a scene at its moment.

        The hungry year: after the failed harvest the granary's grain is shared by a round the
        committee first sends back, then approves; one household appeals, and the committee
        dismisses it. The last weeks: offers of goods and of labour with skills; promises kept,
        late, broken, excused, overdue and proposed; needs open and met at every urgency, the
        member's own among them; a round of potatoes a few days ago whose appeal waits; a weekly
        ration from the granary; members' records waiting, and one declined.
        """
        member = self.home["member"]
        others = [h for h in self.households if h.id != member.id]
        self.rng.shuffle(others)
        self.cast = others or [member]
        self._plan_crisis_round(member)
        self._plan_offers_and_promises(member)
        self._plan_winter_round(member)
        self._plan_rations()
        self._plan_declined_record(member)

    def _other(self, i: int) -> Household:
        return self.cast[i % len(self.cast)]

    def _pair(self, i: int) -> tuple[Household, Household]:
        """(giver, receiver): two different households, the member's when there are few."""
        giver, receiver = self._other(i), self._other(i + 1)
        if giver.id == receiver.id:
            receiver = self.home["member"] if giver.id != self.home["member"].id else self._other(0)
        return giver, receiver

    def _need(
        self, household, key, quantity, urgency, needed_by=None, note=""
    ) -> tuple[Callable[[], None], dict]:
        """A scene step that posts a need, and the dict in which later steps find it ("need")."""
        held = {}

        def post():
            held["need"] = need_post(
                actor=self._as(household),
                community=self.community,
                household=household,
                resource=self.resources[key],
                quantity=quantity,
                urgency=urgency,
                needed_by=needed_by,
                note=note,
            )

        return post, held

    def _plan_crisis_round(self, member: Household) -> None:
        at = min(
            datetime(self.failed + 1, 2, 10, 10, tzinfo=self.end.tzinfo),
            self._day(42, 10),
        )
        households = [member, *self.cast[:4]] if self.cast[0].id != member.id else [member]
        urgencies = (Urgency.URGENT, Urgency.SOON, Urgency.ROUTINE)
        needs = []
        for i, h in enumerate(households):
            urgency = urgencies[i % 3]
            needed_by = {Urgency.URGENT: 10, Urgency.SOON: 21}.get(urgency)
            quantity = self._amount("grain", 2, 4, h.size * 4)  # a month's bread
            post, held = self._need(
                h,
                "grain",
                quantity,
                urgency,
                needed_by=self._date(at, needed_by) if needed_by else None,
                note=self.words.need_notes[i % len(self.words.need_notes)] if i == 2 else "",
            )
            self._scene(at - timedelta(days=6, hours=-i), post)
            needs.append(held)
        state = {}

        def open_round():
            asked = sum(held["need"].quantity for held in needs)
            state["round"] = self._round_open(
                "granary", "grain", asked, [held["need"] for held in needs], self.words.crisis_round
            )

        def send_back():
            if round_ := state.get("round"):
                round_decide(
                    actor=self.actors["committee"],
                    round=round_,
                    approve=False,
                    note=self.words.round_reject,
                )
                step = SPEC["grain"].step
                state["round"] = round_edit(
                    actor=self.actors["coordinator"],
                    round=round_,
                    quantity=max(step, round_.quantity * 4 // 5 // step * step),
                )

        self._scene(at - timedelta(days=3), open_round)
        self._scene(at - timedelta(days=2), send_back)
        self._scene(at - timedelta(days=1), lambda: self._round_approve(state))
        self._scene(at, lambda: self._round_execute(state))

        def appeal():
            if share := self._share_short_of_most(state):
                state["appeal"] = appeal_file(
                    actor=self._as(share.household), share=share, reason=self.words.appeals[0]
                )

        def decide():
            if appeal := state.get("appeal"):
                appeal_decide(
                    actor=self.actors["committee"],
                    appeal=appeal,
                    upheld=False,
                    note=self.words.appeal_dismissed,
                )

        def withdraw_the_rest():
            """The harvest came in: what the round could not give is not asked any more."""
            for held in needs:
                need = held["need"]
                need.refresh_from_db()
                if need.quantity_met < need.quantity:
                    need_withdraw(actor=self.actors["coordinator"], need=need)

        self._scene(at + timedelta(days=2, hours=2), appeal)
        self._scene(at + timedelta(days=5, hours=1), decide)
        self._scene(at + timedelta(days=24), withdraw_the_rest)

    def _round_open(self, pool: str, key: str, asked: int, needs: list, note: str):
        """A round of at most what was asked and a quarter of the store, if it holds enough."""
        step = SPEC[key].step
        quantity = min(asked * 7 // 10, self.stock[pool, key] // 4) // step * step
        if quantity < 10 ** SPEC[key].places * len(needs):  # not a kilo each: no round
            return None
        return round_open(
            actor=self.actors["coordinator"],
            pool=self.pools[pool],
            resource=self.resources[key],
            quantity=quantity,
            needs=needs,
            note=note,
        )

    def _round_approve(self, state: dict) -> None:
        if round_ := state.get("round"):
            round_decide(actor=self.founder, round=round_, approve=True)
            state["round"] = round_decide(
                actor=self.actors["committee"],
                round=round_,
                approve=True,
                note=self.words.round_approve,
            )

    def _round_execute(self, state: dict) -> None:
        if round_ := state.get("round"):
            state["round"] = round_execute(actor=self.actors["coordinator"], round=round_)
            shares = list(round_.shares.filter(revision=round_.revision, share__gt=0))
            self.events["distribute"] += len(shares)
            pool = next(k for k, p in self.pools.items() if p.id == round_.pool_id)
            key = next(k for k, r in self.resources.items() if r.id == round_.resource_id)
            self._stock((pool, key), -sum(s.share for s in shares))

    def _share_short_of_most(self, state: dict, household: Household | None = None):
        round_ = state.get("round")
        if round_ is None:
            return None
        shares = round_.shares.filter(revision=round_.revision).select_related("household")
        if household is not None:
            shares = shares.filter(household=household)
        return max(shares, key=lambda s: (s.asked - s.share, -s.id), default=None)

    def _plan_offers_and_promises(self, member: Household) -> None:
        """The last month: offers, and promises that end kept, late, broken, excused, overdue or
        still proposed; needs met and open at every urgency, the member's urgent one among them."""
        words = self.words
        labour = "labour"
        offers = {}

        def offer(name, household, key, quantity, skill, note):
            """note: an index into the offers' notes, or None."""

            def post():
                offers[name] = offer_post(
                    actor=self._as(household),
                    community=self.community,
                    household=household,
                    resource=self.resources[key],
                    quantity=quantity,
                    skill=skill,
                    available_until=self._date(self.end, 30),
                    note="" if note is None else words.offer_notes[note],
                )

            return post

        g1, r1 = self._pair(0)  # potatoes, kept
        g3, r3 = self._pair(2)  # carpentry, broken
        g4, r4 = self._pair(3)  # firewood, excused
        g5, r5 = self._pair(4)  # grain, overdue
        for days, step in (
            (30, offer("potatoes", g1, "potatoes", self._amount("potatoes", 30, 60), "", 0)),
            (29, offer("firewood", g4, "firewood", self._amount("firewood", 8, 15), "", 1)),
            (28, offer("carpentry", g3, labour, self._amount(labour, 6, 10), words.skills[0], 2)),
            (27, offer("stoves", self._other(5), labour, 400, words.skills[1], 3)),
            (
                25,
                offer("childcare", member, labour, self._amount(labour, 8, 12), words.skills[2], 4),
            ),
            (24, offer("sewing", self._other(6), labour, 600, words.skills[3], None)),
        ):
            self._scene(self._day(days, 9), step)

        def promise(held, giver=None, pool=None, offer_name=None, due=None, made=None):
            state = {}

            def make():
                need = held["need"]
                promised = commitment_make(
                    actor=self.actors["coordinator"],
                    community=self.community,
                    receiver=need.household,
                    resource=need.resource,
                    quantity=need.quantity,
                    due_on=due,
                    giver_household=giver,
                    giver_pool=self.pools[pool] if pool else None,
                    need=need,
                    offer=offers.get(offer_name),
                )
                if promised.accepted_at is None:
                    promised = commitment_accept(actor=self._as(giver), commitment=promised)
                state["promise"] = promised

            return make, state

        def fulfil(state, pool=None, key=None):
            def deliver():
                promise = state["promise"]
                quantity = promise.quantity
                if pool:  # a store gives only what it holds
                    if self.stock[pool, key] < quantity:
                        return
                    self._stock((pool, key), -quantity)
                commitment_fulfil(
                    actor=self._as(promise.receiver_household),
                    commitment=promise,
                    quantity=quantity,
                )
                kind = promise.resource.kind
                action = (
                    "work" if kind == ResourceKind.LABOUR else "distribute" if pool else "transfer"
                )
                self.events[action] += 1

            return deliver

        def fail(state, excused, reason):
            return lambda: commitment_fail(
                actor=self.actors["coordinator"],
                commitment=state["promise"],
                excused=excused,
                reason=reason,
            )

        # Kept: potatoes from a neighbour's cellar, routine, delivered before the day.
        post, held = self._need(r1, "potatoes", self._amount("potatoes", 10, 20), Urgency.ROUTINE)
        make, kept = promise(held, giver=g1, offer_name="potatoes", due=self._date(self.end, -20))
        self._scene(self._day(27, 11), post)
        self._scene(self._day(26, 12), make)
        self._scene(self._day(22, 17), fulfil(kept))
        # Late: firewood from the kitchen, needed soon, delivered three days after its day.
        _g, r2 = self._pair(1)
        post, held = self._need(
            r2, "firewood", self._amount("firewood", 3, 6), Urgency.SOON, self._date(self.end, -10)
        )
        make, late = promise(held, pool="kitchen", due=self._date(self.end, -19))
        self._scene(self._day(24, 10), post)
        self._scene(self._day(23, 11), make)
        self._scene(self._day(16, 15), fulfil(late, "kitchen", "firewood"))
        # Broken: a roof mended by a carpenter who never came; the need stays open.
        post, held = self._need(
            r3, labour, self._amount(labour, 4, 6), Urgency.ROUTINE, None, words.need_notes[3]
        )
        make, broken = promise(
            held, giver=g3, offer_name="carpentry", due=self._date(self.end, -14)
        )
        self._scene(self._day(21, 10), post)
        self._scene(self._day(20, 10), make)
        self._scene(self._day(12, 18), fail(broken, False, words.broken))
        # Excused: firewood promised by a household that fell ill; needed again, soon.
        post, held = self._need(
            r4, "firewood", self._amount("firewood", 2, 4), Urgency.SOON, self._date(self.end, 7)
        )
        make, excused = promise(
            held, giver=g4, offer_name="firewood", due=self._date(self.end, -10)
        )
        self._scene(self._day(18, 10), post)
        self._scene(self._day(17, 10), make)
        self._scene(self._day(9, 11), fail(excused, True, words.excused))
        # Overdue: grain a neighbour promised for three days ago, not yet brought.
        post, held = self._need(r5, "grain", self._amount("grain", 5, 10), Urgency.ROUTINE)
        make, _overdue = promise(held, giver=g5, due=self._date(self.end, -3))
        self._scene(self._day(12, 10), post)
        self._scene(self._day(11, 9), make)
        # Urgent and met: potatoes from the granary the next day.
        _g, r6 = self._pair(5)
        post, held = self._need(
            r6,
            "potatoes",
            self._amount("potatoes", 8, 15),
            Urgency.URGENT,
            self._date(self.end, -1),
            words.need_notes[0],
        )
        make, urgent = promise(held, pool="granary", due=self._date(self.end, -6))
        self._scene(self._day(8, 8), post)
        self._scene(self._day(8, 9), make)
        self._scene(self._day(7, 16), fulfil(urgent, "granary", "potatoes"))
        # The member's household: grain needed urgently, nothing promised yet (the first thing a
        # coordinator's home asks of them), and its childcare proposed to a household that asks.
        post, _held = self._need(
            member,
            "grain",
            self._amount("grain", 2, 3, member.size * 2),
            Urgency.URGENT,
            self._date(self.end, 5),
            words.need_notes[1],
        )
        self._scene(self._day(2, 19), post)
        asker = self._other(7) if self._other(7).id != member.id else self._other(0)
        if asker.id != member.id:
            post, held = self._need(
                asker, labour, 600, Urgency.SOON, self._date(self.end, 10), words.need_notes[2]
            )

            def propose():
                need = held["need"]
                commitment_make(
                    actor=self.actors["coordinator"],
                    community=self.community,
                    receiver=asker,
                    resource=need.resource,
                    quantity=min(need.quantity, offers["childcare"].remaining),
                    due_on=self._date(self.end, 6),
                    giver_household=member,
                    need=need,
                    offer=offers["childcare"],
                )

            self._scene(self._day(3, 10), post)
            self._scene(self._day(1, 12), propose)

    def _plan_winter_round(self, member: Household) -> None:
        """Potatoes from the granary a few days ago; the member's household appeals its share,
        and the appeal waits for the committee."""
        households = [member, *(h for h in self.cast[:3] if h.id != member.id)]
        needs = []
        for i, h in enumerate(households):
            post, held = self._need(
                h,
                "potatoes",
                self._amount("potatoes", 4, 8, h.size * 2),
                (Urgency.ROUTINE, Urgency.SOON)[i % 2],
            )
            self._scene(self._day(10, 9 + i), post)
            needs.append(held)
        state = {}

        def open_round():
            asked = sum(held["need"].quantity for held in needs)
            state["round"] = self._round_open(
                "granary", "potatoes", asked, [h["need"] for h in needs], self.words.winter_round
            )

        def appeal():
            if share := self._share_short_of_most(state, household=member):
                appeal_file(actor=self.actors["member"], share=share, reason=self.words.appeals[1])

        self._scene(self._day(8, 11), open_round)
        self._scene(self._day(7, 10), lambda: self._round_approve(state))
        self._scene(self._day(6, 12), lambda: self._round_execute(state))
        self._scene(self._day(4, 20), appeal)

    def _plan_rations(self) -> None:
        """The last eight weeks: each Saturday the granary hands the households on its list a
        week's grain and potatoes a person, as long as a tenth of the store covers it."""
        listed = sorted(
            self._pick(max(1, round(len(self.households) / 5)), self.needy), key=lambda h: h.id
        )
        for week in range(8, 0, -1):
            for key, per_person in (("grain", 1.5), ("potatoes", 3)):
                at = self._day(7 * week - 1, 11 if key == "grain" else 12)
                self._scene(
                    at,
                    lambda key=key, per=per_person, at=at: self._ration_out(key, per, listed, at),
                )

    def _ration_out(self, key: str, per_person: float, listed: list, at: datetime) -> None:
        spec = SPEC[key]
        ration = round(per_person * 10**spec.places)
        people = sum(h.size for h in listed)
        # As the store runs low the ration shrinks: never more than a tenth of it a week.
        ration = min(ration, self.stock["granary", key] // 10 // people) // spec.step * spec.step
        if ration < 10**spec.places // 2:  # under half a kilo a person: not handed out
            return
        resource = self.resources[key]
        note = self.words.ration.format(amount=format_quantity(ration, resource=resource))
        events_distribute_batch(
            actor=self.actors["coordinator"],
            pool=self.pools["granary"],
            resource=resource,
            lines=[Line(household=h, quantity=ration * h.size, note=note) for h in listed],
            occurred_at=at,
            return_events=False,
        )
        self._stock(("granary", key), -ration * people)
        self.events["distribute"] += len(listed)

    def _plan_declined_record(self, member: Household) -> None:
        """A record of the member's that the keeper found nothing of, declined with the reason."""
        state = {}

        def submit():
            state["record"] = contribution_submit(
                actor=self.actors["member"],
                household=member,
                pool=self.pools["kitchen"],
                resource=self.resources["potatoes"],
                quantity=self._amount("potatoes", 10, 20),
                occurred_at=self.clock.moment,
            )

        def decline():
            contribution_decline(
                actor=self.actors["coordinator"],
                record=state["record"],
                reason=self.words.record_declined,
            )

        self._scene(self._day(9, 18), submit)
        self._scene(self._day(8, 10), decline)


def _free_suffix() -> str:
    """The first of "", "-2", "-3" … with which none of the demo usernames is taken."""
    n = 1
    while True:
        suffix = f"-{n}" if n > 1 else ""
        if not User.objects.filter(username__in=[u + suffix for u in LOGINS]).exists():
            return suffix
        n += 1
