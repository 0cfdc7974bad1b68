"""The ledger against a model: random sequences of service calls, each one predicted first.

A plain-Python model of a small village (two pools, grain and potatoes as stock, labour as a flow,
three households, four people with different roles) says whether each call must succeed, and with
which error it must be refused. After every step the database must agree with the model and with
itself: holdings are the sum of their events and never negative, a retry is recorded once, and
the audit chain verifies.
"""

import itertools
from dataclasses import dataclass, replace

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.quantities import format_quantity
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.models import Event, Holding, IdempotencyRecord
from pomochi.ledger.services import (
    IdempotencyConflict,
    NotEnoughStock,
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
    not_kept_message,
    pool_update,
)
from tests.conftest import build_village

# Who may do what (communities/policy.py), as the model knows it.
ROLES = {
    # name: (coordinator, committee, household)
    "olga": (True, True, "orlovs"),
    "alice": (True, False, "ivanovs"),
    "bob": (False, False, "petrovs"),
    "vera": (False, True, None),
}
HOUSEHOLDS = ("orlovs", "ivanovs", "petrovs")
POOLS = ("granary", "tools")
# What each store keeps (the machine's village: the tool library took potatoes in too), so
# that stock put into a store is sometimes refused as not kept there.
KEEPS = {"granary": {"grain", "potatoes"}, "tools": {"potatoes"}}
GOODS = ("grain", "potatoes")
LABOUR = "labour"

# Coordinators act most of the time; bob and vera are there to be refused now and then.
actors = st.sampled_from(("olga", "alice", "olga", "alice", "bob", "vera"))
households = st.sampled_from(HOUSEHOLDS)
pools = st.sampled_from(POOLS)
# Mostly the right kind of resource for the action; labour as stock (or grain as work) is refused.
goods = st.sampled_from(("grain", "potatoes", "grain", "potatoes", LABOUR))
work_resources = st.sampled_from((LABOUR, LABOUR, LABOUR, "grain"))
# Small enough that a pool runs short now and then.
amounts = st.integers(min_value=1, max_value=1_000)


@dataclass(frozen=True)
class Call:
    """One service call, as the model sees it. Equal calls have equal idempotency fingerprints."""

    action: str
    actor: str
    resource: str = ""
    quantity: int = 0  # signed for an adjustment
    pool: str = ""
    giver: str = ""
    receiver: str = ""
    target: int | None = None  # the event a reversal undoes


CALLS = {
    "contribute": st.builds(
        Call,
        action=st.just("contribute"),
        actor=actors,
        resource=goods,
        quantity=st.integers(min_value=1, max_value=5_000),
        pool=pools,
        giver=households,
    ),
    "distribute": st.builds(
        Call,
        action=st.just("distribute"),
        actor=actors,
        resource=goods,
        quantity=amounts,
        pool=pools,
        receiver=households,
    ),
    "transfer": st.builds(
        Call,
        action=st.just("transfer"),
        actor=actors,
        resource=goods,
        quantity=amounts,
        giver=households,
        receiver=households,
    ),
    "work": st.builds(
        Call,
        action=st.just("work"),
        actor=actors,
        resource=work_resources,
        quantity=amounts,
        giver=households,
        receiver=households,
    ),
    "adjust": st.builds(
        Call,
        action=st.just("adjust"),
        actor=actors,
        resource=goods,
        quantity=st.integers(min_value=-1_000, max_value=1_000).filter(bool),
        pool=pools,
    ),
}
any_call = st.one_of(*CALLS.values())


@dataclass(frozen=True)
class Recorded:
    """The call must record one event moving `quantity` out of `take_from` and into `put_into`."""

    action: str
    resource: str
    quantity: int
    take_from: str | None
    put_into: str | None


@dataclass(frozen=True)
class Replayed:
    event_id: int


@dataclass(frozen=True)
class Refused:
    error: type[Exception]
    message: str | None = None
    exact: bool = True  # False: any subclass of `error` will do


@dataclass
class ModelEvent:
    action: str
    resource: str
    quantity: int
    take_from: str | None
    put_into: str | None
    reversed: bool = False


def allowed(call: Call) -> bool:
    coordinator, committee, household = ROLES[call.actor]
    match call.action:
        case "contribute":
            # a plain member's contribution waits for a coordinator (ledger.waiting, the
            # default bylaws): event_contribute refuses it
            return coordinator
        case "distribute":
            return coordinator
        case "transfer":
            return coordinator or household == call.giver
        case "work":
            return coordinator or household == call.receiver
        case "adjust":
            return committee
        case "reverse":
            return coordinator or committee
    raise AssertionError(call.action)


class LedgerMachine(RuleBasedStateMachine):
    _slugs = itertools.count()

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint of the test's transaction, rolled back in teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self.v = build_village(slug=f"machine-{next(self._slugs)}", name="Machine village")
            pool_update(
                actor=self.v.olga, pool=self.v.tools, resources=[self.v.plough, self.v.potatoes]
            )
        except BaseException:
            self._rollback()
            raise
        self.community_id = self.v.community.id
        self.audit_before = AuditEntry.objects.filter(community_id=self.community_id).count()
        self.stock = {(pool, resource): 0 for pool in POOLS for resource in GOODS}
        self.events: dict[int, ModelEvent] = {}
        self.keys: dict[tuple[str, str], tuple[Call, int]] = {}
        self._key_numbers = itertools.count(1)

    def _rollback(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def teardown(self):
        self._rollback()

    # The model

    def fresh_key(self) -> str:
        return f"key-{next(self._key_numbers)}"

    def predict(self, call: Call, key: str | None) -> Recorded | Replayed | Refused:
        """The order of checks is the services' order: policy, validation, key, stock."""
        target = self.events.get(call.target) if call.action == "reverse" else None
        if not allowed(call):
            return Refused(NotAllowed)
        claimed = key is not None and (call.actor, key) in self.keys
        if call.action == "reverse":
            if target.action == "reverse":
                return Refused(Conflict, exact=not claimed)
            if target.reversed and not claimed:
                return Refused(Conflict)  # a retry with its key replays instead (below)
            # The mirror image: what came into a pool goes out again, and the other way round.
            outcome = Recorded(
                "reverse", target.resource, target.quantity, target.put_into, target.take_from
            )
        else:
            is_labour = call.resource == LABOUR
            if is_labour != (call.action == "work"):
                return Refused(InvalidInput)
            if call.giver and call.giver == call.receiver:
                return Refused(InvalidInput)
            take_from = put_into = None
            if call.action == "distribute" or (call.action == "adjust" and call.quantity < 0):
                take_from = call.pool
            if call.action == "contribute" or (call.action == "adjust" and call.quantity > 0):
                put_into = call.pool
            outcome = Recorded(call.action, call.resource, abs(call.quantity), take_from, put_into)
        if key is not None and (call.actor, key) in self.keys:
            first_call, event_id = self.keys[(call.actor, key)]
            if first_call == call:
                return Replayed(event_id)
            return Refused(IdempotencyConflict)
        if (
            outcome.put_into is not None
            and call.action != "reverse"  # a reversal gives back what was taken
            and outcome.resource not in KEEPS[outcome.put_into]
        ):
            resource = getattr(self.v, outcome.resource)
            pool = getattr(self.v, outcome.put_into)
            return Refused(InvalidInput, not_kept_message(pool, resource))
        if outcome.take_from is not None:
            left = self.stock[(outcome.take_from, outcome.resource)]
            if left < outcome.quantity:
                resource = getattr(self.v, outcome.resource)
                pool = getattr(self.v, outcome.take_from)
                return Refused(
                    NotEnoughStock,
                    f"Not enough {resource.name} in {pool.name}: "
                    f"{format_quantity(left, resource=resource)} left, "
                    f"{format_quantity(outcome.quantity, resource=resource)} asked.",
                )
        return outcome

    def apply(self, call: Call, key: str | None, event: Event, outcome: Recorded) -> None:
        if outcome.take_from is not None:
            self.stock[(outcome.take_from, outcome.resource)] -= outcome.quantity
        if outcome.put_into is not None:
            self.stock[(outcome.put_into, outcome.resource)] += outcome.quantity
        self.events[event.id] = ModelEvent(
            outcome.action, outcome.resource, outcome.quantity, outcome.take_from, outcome.put_into
        )
        if call.action == "reverse":
            self.events[call.target].reversed = True
        if key is not None:
            self.keys[(call.actor, key)] = (call, event.id)

    # The system

    def perform(self, call: Call, key: str | None) -> Event:
        v = self.v
        actor = getattr(v, call.actor)
        resource = getattr(v, call.resource) if call.resource else None
        pool = getattr(v, call.pool) if call.pool else None
        giver = getattr(v, call.giver) if call.giver else None
        receiver = getattr(v, call.receiver) if call.receiver else None
        common = {"actor": actor, "idempotency_key": key}
        match call.action:
            case "contribute":
                return event_contribute(
                    household=giver, pool=pool, resource=resource, quantity=call.quantity, **common
                )
            case "distribute":
                return event_distribute(
                    pool=pool,
                    household=receiver,
                    resource=resource,
                    quantity=call.quantity,
                    **common,
                )
            case "transfer":
                return event_transfer(
                    from_household=giver,
                    to_household=receiver,
                    resource=resource,
                    quantity=call.quantity,
                    **common,
                )
            case "work":
                return event_work(
                    worker=giver,
                    beneficiary=receiver,
                    resource=resource,
                    quantity=call.quantity,
                    **common,
                )
            case "adjust":
                return event_adjust(
                    pool=pool, resource=resource, change=call.quantity, reason="recount", **common
                )
            case "reverse":
                event = Event.objects.get(pk=call.target)
                return event_reverse(event=event, reason="recorded by mistake", **common)
        raise AssertionError(call.action)

    def check(self, call: Call, key: str | None) -> None:
        expected = self.predict(call, key)
        if isinstance(expected, Refused):
            with pytest.raises(expected.error) as refused:
                self.perform(call, key)
            if expected.exact:
                assert type(refused.value) is expected.error, refused.value
            if expected.message is not None:
                assert str(refused.value) == expected.message
            return
        event = self.perform(call, key)
        if isinstance(expected, Replayed):
            assert event.id == expected.event_id
            return
        stored = Event.objects.get(pk=event.id)
        pools_by_id = {getattr(self.v, name).id: name for name in POOLS}
        assert (
            stored.action,
            stored.resource_id,
            stored.quantity,
            pools_by_id.get(stored.provider_pool_id),
            pools_by_id.get(stored.receiver_pool_id),
            stored.reverses_id,
        ) == (
            expected.action,
            getattr(self.v, expected.resource).id,
            expected.quantity,
            expected.take_from,
            expected.put_into,
            call.target,
        )
        self.apply(call, key, event, expected)

    # The rules

    def call_with_or_without_key(self, call: Call, keyed: bool) -> None:
        self.check(call, self.fresh_key() if keyed else None)

    @rule(call=CALLS["contribute"], keyed=st.booleans())
    def contribute(self, call, keyed):
        self.call_with_or_without_key(call, keyed)

    @rule(call=CALLS["distribute"], keyed=st.booleans())
    def distribute(self, call, keyed):
        self.call_with_or_without_key(call, keyed)

    @rule(call=CALLS["transfer"], keyed=st.booleans())
    def transfer(self, call, keyed):
        self.call_with_or_without_key(call, keyed)

    @rule(call=CALLS["work"], keyed=st.booleans())
    def work(self, call, keyed):
        self.call_with_or_without_key(call, keyed)

    @rule(call=CALLS["adjust"], keyed=st.booleans())
    def adjust(self, call, keyed):
        self.call_with_or_without_key(call, keyed)

    # Random amounts mostly overshoot what a pool holds; this takes what is there, often all of it.
    @precondition(lambda self: any(self.stock.values()))
    @rule(
        data=st.data(),
        action=st.sampled_from(("distribute", "adjust")),
        household=households,
        keyed=st.booleans(),
    )
    def take_from_the_stock(self, data, action, household, keyed):
        stocked = sorted(place for place, left in self.stock.items() if left)
        pool, resource = data.draw(st.sampled_from(stocked), label="pool and resource")
        left = self.stock[(pool, resource)]
        quantity = data.draw(st.just(left) | st.integers(1, left), label="quantity")
        if action == "distribute":
            call = Call(action, "alice", resource, quantity, pool=pool, receiver=household)
        else:
            call = Call(action, "vera", resource, -quantity, pool=pool)
        self.call_with_or_without_key(call, keyed)

    @precondition(lambda self: self.keys)
    @rule(data=st.data())
    def retry(self, data):
        actor, key = data.draw(st.sampled_from(sorted(self.keys)), label="retried key")
        call, event_id = self.keys[(actor, key)]
        assert self.predict(call, key) == Replayed(event_id)
        self.check(call, key)

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), other=any_call)
    def reuse_key_for_another_call(self, data, other):
        actor, key = data.draw(st.sampled_from(sorted(self.keys)), label="reused key")
        self.check(replace(other, actor=actor), key)

    @precondition(lambda self: self.events)
    @rule(data=st.data(), actor=actors, keyed=st.sampled_from(("none", "fresh", "reused")))
    def reverse(self, data, actor, keyed):
        target = data.draw(st.sampled_from(sorted(self.events)), label="reversed event")
        call = Call("reverse", actor, target=target)
        # A key first used for this very reversal would make this a retry: left out, as above.
        own_keys = sorted(
            key for (a, key), (first, _) in self.keys.items() if a == actor and first != call
        )
        if keyed == "fresh" or (keyed == "reused" and not own_keys):
            key = self.fresh_key()
        elif keyed == "reused":
            key = data.draw(st.sampled_from(own_keys), label="reused key")
        else:
            key = None
        self.check(call, key)

    # After every step

    @invariant()
    def holdings_are_the_sum_of_their_events(self):
        events = Event.objects.filter(community_id=self.community_id)
        for pool_name, resource_name in self.stock:
            pool = getattr(self.v, pool_name)
            resource = getattr(self.v, resource_name)
            into = events.filter(receiver_pool=pool, resource=resource)
            out_of = events.filter(provider_pool=pool, resource=resource)
            total_in = into.aggregate(total=Sum("quantity"))["total"] or 0
            total_out = out_of.aggregate(total=Sum("quantity"))["total"] or 0
            holding = Holding.objects.filter(pool=pool, resource=resource).first()
            quantity = holding.quantity if holding else 0
            assert quantity >= 0
            assert quantity == total_in - total_out == self.stock[(pool_name, resource_name)]
        assert not Holding.objects.filter(resource=self.v.labour).exists()

    @invariant()
    def each_success_is_recorded_once(self):
        assert Event.objects.filter(community_id=self.community_id).count() == len(self.events)
        entries = AuditEntry.objects.filter(community_id=self.community_id).count()
        assert entries == self.audit_before + len(self.events)
        records = IdempotencyRecord.objects.filter(community_id=self.community_id)
        assert records.count() == len(self.keys)

    @invariant()
    def the_chain_verifies(self):
        verdict = verify_community(self.community_id)
        assert verdict.ok, f"seq {verdict.bad_seq}: {verdict.problem}"


def test_the_ledger_agrees_with_its_model(db):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_it_returns_the_first_reversal_to_a_retry(stocked_village):
    v = stocked_village
    given = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=2_000
    )
    first = event_reverse(
        actor=v.alice, event=given, reason="wrong household", idempotency_key="undo-1"
    )
    again = event_reverse(
        actor=v.alice, event=given, reason="wrong household", idempotency_key="undo-1"
    )
    assert again.id == first.id
    assert Event.objects.filter(reverses=given).count() == 1
