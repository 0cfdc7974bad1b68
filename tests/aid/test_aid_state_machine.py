"""Needs, promises and rounds against a model: random sequences of service calls.

A plain-Python model of a village's needs for grain (three households, each with a member who
confirms its deliveries; a coordinator who promises from the Granary and opens rounds; two of
the committee who approve) says whether each call must succeed. After every step, for every
need: met ≤ asked, and met + promised (undelivered part of open promises) + allotted (in draft
or approved rounds) ≤ asked; the database agrees with the model, and the audit chain verifies.
Promises in the Petrovs' name are proposed by the coordinator and answered by bob: a proposal
holds its part of the need until answered, is owed only once accepted, and owes nothing declined.
"""

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pomochi.aid.models import AllocationShare, Commitment, Need
from pomochi.aid.rounds import round_cancel, round_decide, round_execute, round_open
from pomochi.aid.selectors import needs_receivable
from pomochi.aid.services import (
    commitment_accept,
    commitment_decline,
    commitment_fulfil,
    commitment_make,
    need_post,
)
from pomochi.audit.verify import verify_community
from pomochi.errors import DomainError
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute, event_reverse
from tests.conftest import build_village

# household: the member who confirms what it receives
HOUSEHOLDS = {"petrovs": "bob", "orlovs": "olga", "ivanovs": "alice"}
STOCK = 50_000  # grams of grain in the Granary at the start: enough to run short now and then

amounts = st.integers(min_value=1, max_value=6_000)


@dataclass
class ModelNeed:
    household: str
    asked: int
    met: int = 0


@dataclass
class ModelPromise:
    need: int
    quantity: int
    fulfilled: int = 0
    closed: bool = False
    from_store: bool = True
    accepted: bool = True  # a store's promise is owed at once; a household's once it accepts
    declined: bool = False

    @property
    def owed(self) -> int:
        """What it holds of its need: the undelivered part, unless closed or declined."""
        return 0 if self.closed or self.declined else self.quantity - self.fulfilled

    @property
    def deliverable(self) -> bool:
        return self.accepted and self.owed > 0


@dataclass
class ModelRound:
    shares: dict[int, int]  # need id → share
    status: str = "draft"


@dataclass
class ModelDelivery:
    need: int
    quantity: int
    promise: int | None = None  # else: a round's share
    reversed: bool = False
    extra: dict = field(default_factory=dict)


class AidMachine(RuleBasedStateMachine):
    _slugs = itertools.count()

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint of the test's transaction, rolled back in teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self.v = build_village(slug=f"aid-machine-{next(self._slugs)}", name="Aid village")
            event_contribute(
                actor=self.v.alice,
                household=self.v.ivanovs,
                pool=self.v.granary,
                resource=self.v.grain,
                quantity=STOCK,
            )
        except BaseException:
            self._rollback()
            raise
        self.stock = STOCK
        self.needs: dict[int, ModelNeed] = {}
        self.promises: dict[int, ModelPromise] = {}
        self.rounds: dict[int, ModelRound] = {}
        self.deliveries: dict[int, ModelDelivery] = {}  # ledger event id → what it delivered

    def _rollback(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def teardown(self):
        self._rollback()

    # The model's one figure

    def promised(self, need_id: int) -> int:
        return sum(p.owed for p in self.promises.values() if p.need == need_id)

    def allotted(self, need_id: int, exclude: int | None = None) -> int:
        return sum(
            r.shares.get(need_id, 0)
            for round_id, r in self.rounds.items()
            if r.status in ("draft", "approved") and round_id != exclude
        )

    def receivable(self, need_id: int, exclude: int | None = None) -> int:
        n = self.needs[need_id]
        left = max(0, n.asked - n.met)
        return left - self.promised(need_id) - self.allotted(need_id, exclude)

    def attempt(self, expected_ok: bool, call):
        """Run the call; it must succeed exactly when the model says it may."""
        try:
            result = call()
        except DomainError as refused:
            assert not expected_ok, f"refused: {refused}"
            return None
        assert expected_ok, "the model expected a refusal"
        return result

    # The rules

    @rule(household=st.sampled_from(sorted(HOUSEHOLDS)), quantity=amounts)
    def post_need(self, household, quantity):
        need = need_post(
            actor=self.v.alice,
            community=self.v.community,
            household=getattr(self.v, household),
            resource=self.v.grain,
            quantity=quantity,
        )
        self.needs[need.id] = ModelNeed(household, quantity)

    @precondition(lambda self: self.needs)
    @rule(data=st.data(), quantity=amounts)
    def make_promise(self, data, quantity):
        need_id = data.draw(st.sampled_from(sorted(self.needs)), label="need")
        receivable = self.receivable(need_id)
        if receivable > 0:
            quantity = data.draw(st.just(receivable) | st.integers(1, receivable + 1))
        need = Need.objects.select_related("household").get(pk=need_id)
        made = self.attempt(
            quantity <= receivable,
            lambda: commitment_make(
                actor=self.v.alice,
                community=self.v.community,
                receiver=need.household,
                resource=self.v.grain,
                quantity=quantity,
                due_on=timezone.localdate() + timedelta(days=3),
                giver_pool=self.v.granary,
                need=need,
            ),
        )
        if made is not None:
            self.promises[made.id] = ModelPromise(need_id, quantity)

    @precondition(lambda self: any(n.household != "petrovs" for n in self.needs.values()))
    @rule(data=st.data(), quantity=amounts)
    def propose_in_the_petrovs_name(self, data, quantity):
        """alice matches the Petrovs' grain to another household's need: only proposed."""
        others = sorted(i for i, n in self.needs.items() if n.household != "petrovs")
        need_id = data.draw(st.sampled_from(others), label="need")
        receivable = self.receivable(need_id)
        if receivable > 0:
            quantity = data.draw(st.just(receivable) | st.integers(1, receivable + 1))
        need = Need.objects.select_related("household").get(pk=need_id)
        made = self.attempt(
            quantity <= receivable,
            lambda: commitment_make(
                actor=self.v.alice,
                community=self.v.community,
                receiver=need.household,
                resource=self.v.grain,
                quantity=quantity,
                due_on=timezone.localdate() + timedelta(days=3),
                giver_household=self.v.petrovs,
                need=need,
            ),
        )
        if made is not None:
            assert made.accepted_at is None
            self.promises[made.id] = ModelPromise(
                need_id, quantity, from_store=False, accepted=False
            )

    @precondition(
        lambda self: any(not p.accepted and not p.declined for p in self.promises.values())
    )
    @rule(data=st.data(), accept=st.booleans())
    def bob_answers(self, data, accept):
        waiting = sorted(i for i, p in self.promises.items() if not p.accepted and not p.declined)
        promise_id = data.draw(st.sampled_from(waiting), label="proposal")
        p = self.promises[promise_id]
        commitment = Commitment.objects.get(pk=promise_id)
        # Before any answer nothing is owed: a delivery is refused and changes nothing.
        member = getattr(self.v, HOUSEHOLDS[self.needs[p.need].household])
        self.attempt(
            False, lambda: commitment_fulfil(actor=member, commitment=commitment, quantity=1)
        )
        if accept:
            commitment_accept(actor=self.v.bob, commitment=commitment)
            p.accepted = True
        else:
            commitment_decline(actor=self.v.bob, commitment=commitment, reason="no grain left")
            p.declined = True

    @precondition(lambda self: any(p.deliverable for p in self.promises.values()))
    @rule(data=st.data())
    def fulfil_promise(self, data):
        open_ = sorted(i for i, p in self.promises.items() if p.deliverable)
        promise_id = data.draw(st.sampled_from(open_), label="promise")
        p = self.promises[promise_id]
        quantity = data.draw(st.just(p.owed) | st.integers(1, p.owed), label="part")
        need = self.needs[p.need]
        member = getattr(self.v, HOUSEHOLDS[need.household])
        in_stock = quantity <= self.stock or not p.from_store  # a household gives its own
        fits = quantity <= self.receivable(p.need) + p.owed and in_stock
        commitment = Commitment.objects.get(pk=promise_id)
        done = self.attempt(
            fits,
            lambda: commitment_fulfil(actor=member, commitment=commitment, quantity=quantity),
        )
        if done is None:
            return
        event = Event.objects.filter(cause_type="commitment", cause_id=promise_id).latest("id")
        self.deliveries[event.id] = ModelDelivery(
            p.need, quantity, promise=promise_id, extra={"from_store": p.from_store}
        )
        p.fulfilled += quantity
        p.closed = p.fulfilled >= p.quantity
        need.met += quantity
        if p.from_store:
            self.stock -= quantity

    @precondition(lambda self: self.needs)
    @rule(data=st.data(), quantity=st.integers(min_value=1, max_value=12_000))
    def open_round(self, data, quantity):
        # at most one need per household, as a round requires
        chosen = {}
        for need_id in data.draw(
            st.lists(st.sampled_from(sorted(self.needs)), min_size=1, max_size=4), label="needs"
        ):
            chosen.setdefault(self.needs[need_id].household, need_id)
        ids = sorted(chosen.values())
        rule_name = data.draw(st.sampled_from(["max_min", "equal_per_household", "proportional"]))
        ok = quantity <= self.stock and all(self.needs[i].met < self.needs[i].asked for i in ids)
        round_ = self.attempt(
            ok,
            lambda: round_open(
                actor=self.v.alice,
                pool=self.v.granary,
                resource=self.v.grain,
                quantity=quantity,
                needs=ids,
                rule=rule_name,
            ),
        )
        if round_ is None:
            return
        shares = dict(AllocationShare.objects.filter(round=round_).values_list("need_id", "share"))
        for need_id, share in shares.items():
            assert 0 <= share <= max(0, self.receivable(need_id))
        assert sum(shares.values()) <= quantity
        self.rounds[round_.id] = ModelRound(shares)

    def _round(self, data, *statuses) -> int:
        return data.draw(
            st.sampled_from(sorted(i for i, r in self.rounds.items() if r.status in statuses)),
            label="round",
        )

    @precondition(lambda self: any(r.status == "draft" for r in self.rounds.values()))
    @rule(data=st.data())
    def approve(self, data):
        round_id = self._round(data, "draft")
        round_ = round_decide(actor=self.v.vera, round=self._db_round(round_id), approve=True)
        round_ = round_decide(actor=self.v.olga, round=round_, approve=True)
        assert round_.status == "approved"
        self.rounds[round_id].status = "approved"

    @precondition(lambda self: any(r.status == "approved" for r in self.rounds.values()))
    @rule(data=st.data())
    def execute(self, data):
        round_id = self._round(data, "approved")
        r = self.rounds[round_id]
        ok = sum(r.shares.values()) <= self.stock and all(
            share <= self.receivable(need_id, exclude=round_id)
            for need_id, share in r.shares.items()
            if share
        )
        done = self.attempt(
            ok, lambda: round_execute(actor=self.v.alice, round=self._db_round(round_id))
        )
        if done is None:
            return
        r.status = "executed"
        for event in Event.objects.filter(cause_type="allocation", cause_id=round_id):
            need_id = next(
                i for i, s in r.shares.items() if s and self.needs[i].household == self._of(event)
            )
            self.deliveries[event.id] = ModelDelivery(need_id, event.quantity)
            self.needs[need_id].met += event.quantity
            self.stock -= event.quantity

    @precondition(lambda self: any(r.status in ("draft", "approved") for r in self.rounds.values()))
    @rule(data=st.data())
    def cancel(self, data):
        round_id = self._round(data, "draft", "approved")
        round_cancel(actor=self.v.alice, round=self._db_round(round_id))
        self.rounds[round_id].status = "cancelled"

    @precondition(lambda self: any(not d.reversed for d in self.deliveries.values()))
    @rule(data=st.data())
    def reverse_delivery(self, data):
        event_id = data.draw(
            st.sampled_from(sorted(i for i, d in self.deliveries.items() if not d.reversed)),
            label="delivery",
        )
        d = self.deliveries[event_id]
        event_reverse(
            actor=self.v.alice, event=Event.objects.get(pk=event_id), reason="recorded by mistake"
        )
        d.reversed = True
        self.needs[d.need].met -= d.quantity
        if d.extra.get("from_store", True):
            self.stock += d.quantity
        if d.promise is not None:
            p = self.promises[d.promise]
            p.fulfilled -= d.quantity
            p.closed = p.fulfilled >= p.quantity  # a kept promise is open again

    # Helpers

    def _db_round(self, round_id: int):
        from pomochi.aid.models import AllocationRound

        return AllocationRound.objects.get(pk=round_id)

    def _of(self, event) -> str:
        return next(
            name for name in HOUSEHOLDS if getattr(self.v, name).id == event.receiver_household_id
        )

    # After every step

    @invariant()
    def no_need_is_met_or_spoken_for_beyond_what_it_asked(self):
        stored = dict(
            Need.objects.filter(pk__in=list(self.needs)).values_list("pk", "quantity_met")
        )
        figures = needs_receivable(need_ids=list(self.needs))
        for need_id, n in self.needs.items():
            assert stored[need_id] == n.met
            assert n.met <= n.asked
            assert n.met + self.promised(need_id) + self.allotted(need_id) <= n.asked
            assert figures[need_id] == self.receivable(need_id) >= 0

    @invariant()
    def the_stock_and_the_chain_agree(self):
        holding = Holding.objects.get(pool=self.v.granary, resource=self.v.grain)
        assert holding.quantity == self.stock
        verdict = verify_community(self.v.community.id)
        assert verdict.ok, f"seq {verdict.bad_seq}: {verdict.problem}"


def test_needs_promises_and_rounds_agree_with_their_model(db):
    run_state_machine_as_test(
        AidMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
