"""A believable demo village with years of history, built only through the services.

`pomochi seed_demo` calls `build_demo_village`. Every row is written by
`pomochi.communities.services` and `pomochi.ledger.services`, as a coordinator's clicks would be,
so the demo also exercises the whole write path, and `pomochi verify_audit` passes on it.

One `random.Random(seed)` drives everything (never the global one): the same seed gives the same
households and the same events in the same order, so the README, screenshots and tests can rely
on them. Only the calendar moves: the history always ends the day before the build.
"""

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pomochi.accounts.models import User
from pomochi.communities import policy
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
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
    pool_create,
)
from pomochi.ledger.waiting import contribution_confirm, contribution_submit

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

        self._people(slug=slug, name=name, households=households)
        self.say(
            _("Built %(n)d households; writing %(seasons)d years of history…")
            % {"n": households, "seasons": seasons}
        )
        self._opening_stock()
        weeks = WEEKS_PER_SEASON * seasons
        for week in range(weeks):
            week_start = self.start + timedelta(weeks=week)
            moves = sorted(self._plan_week(week_start, first=week == 0), key=lambda m: m.at)
            for move in moves:
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
        household = next(h for h in self.households if h.id == self.member_home)
        contribution_submit(
            actor=member,
            household=household,
            pool=self.pools["granary"],
            resource=self.resources["grain"],
            quantity=self._amount("grain", 5, 15),
            occurred_at=(self.end - timedelta(days=1)).replace(hour=10),
        )

    def _mistake_and_reversal(self) -> None:
        """A contribution typed with an extra zero, reversed by the committee, then re-entered.

        The reversal is dated when it is recorded (the ledger does not backdate reversals), so
        the mistake is put at the very end of the history, where "noticed today" is believable.
        """
        household = self._pick(1, self.able)[0]
        meant = self._amount("grain", 5, 30)
        at = (self.end - timedelta(days=2)).replace(hour=self.rng.randint(9, 17))
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


def _free_suffix() -> str:
    """The first of "", "-2", "-3" … with which none of the demo usernames is taken."""
    n = 1
    while True:
        suffix = f"-{n}" if n > 1 else ""
        if not User.objects.filter(username__in=[u + suffix for u in LOGINS]).exists():
            return suffix
        n += 1
