"""Allocation rounds carried out by racing processes never over-distribute.

As in tests/ledger/test_races.py: each racer is a fresh Python process connected to the test
database (a SQLite file, or PostgreSQL), as app servers would be. It loads what it needs, says
"ready" and blocks on stdin; the parent writes "go" to all only when all are ready, so the
service calls start together.
"""

import subprocess
import sys

import pytest

from pomochi.aid.models import AllocationRound, Need, RoundStatus
from pomochi.aid.rounds import round_decide, round_open
from pomochi.aid.services import need_post
from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.audit.verify import verify_community
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute
from pomochi.notify.models import Notification
from tests.conftest import build_village
from tests.races import child_env, race

pytestmark = pytest.mark.slow

RACER = r"""
import json, sys

import django

django.setup()

from django.db import connection

from pomochi.aid.models import AllocationRound
from pomochi.aid.rounds import round_execute
from pomochi.communities.models import Membership
from pomochi.errors import DomainError

job = json.loads(sys.argv[1])
actor = Membership.objects.get(pk=job["actor"])
round_ = AllocationRound.objects.get(pk=job["round"])
connection.ensure_connection()
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit("no start signal")
try:
    result = {"ok": True, "round": round_execute(actor=actor, round=round_).id}
except DomainError as error:
    result = {"ok": False, "round": job["round"], "error": type(error).__name__,
              "message": str(error)}
print(json.dumps(result))
"""


def execute(actor, round_) -> dict:
    return {"actor": actor.id, "round": round_.id}


def approved_round(v, quantity: int) -> AllocationRound:
    """Shares `quantity` of grain among the three needs by max-min; approved by the quorum."""
    round_ = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=quantity,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
    )
    round_decide(actor=v.vera, round=round_, approve=True)
    round_ = round_decide(actor=v.olga, round=round_, approve=True)
    assert round_.status == RoundStatus.APPROVED
    return round_


@pytest.fixture
def needy_village(transactional_db):
    """100 kg of grain in the granary and needs of 30, 10 and 80 kg, committed for other
    processes."""
    v = build_village()
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=100_000
    )
    for name, household, actor, quantity in [
        ("need_petrovs", v.petrovs, v.bob, 30_000),
        ("need_sidorovs", v.sidorovs, v.alice, 10_000),
        ("need_orlovs", v.orlovs, v.olga, 80_000),
    ]:
        need = need_post(
            actor=actor,
            community=v.community,
            household=household,
            resource=v.grain,
            quantity=quantity,
        )
        setattr(v, name, need)
    return v


def stock(v) -> int:
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


def given_by(round_) -> dict[int, int]:
    events = Event.objects.filter(cause_type="allocation", cause_id=round_.id)
    return {e.receiver_household_id: e.quantity for e in events}


def given_by_shares(round_) -> dict[int, int]:
    shares = round_.shares.filter(revision=round_.revision, share__gt=0)
    return dict(shares.values_list("household_id", "share"))


def test_two_rounds_that_both_allot_one_need_carried_out_at_once_never_over_meet_it(
    needy_village,
):
    """Two rounds that both allot the Sidorovs' whole 10 kg (drafted before a round shared only
    what a need may still receive): carried out at once, each counts the other's share under
    the needs' lock and is refused whole, changing nothing; the coordinators are told which
    need to edit the round for."""
    v = needy_village
    first, second = approved_round(v, 40_000), approved_round(v, 40_000)
    second.shares.filter(need=v.need_sidorovs).update(share=10_000, asked=10_000)
    head = AuditHead.objects.get(community=v.community).seq
    results = race(RACER, [execute(v.alice, first), execute(v.olga, second)])
    assert [(r["ok"], r["error"], r["message"]) for r in results] == [
        (
            False,
            "Conflict",
            "The need of Sidorovs for grain can now take only 0 kg; cancel this round and open a "
            "new one.",
        )
    ] * 2
    assert not Event.objects.filter(cause_type="allocation").exists()
    assert Need.objects.get(pk=v.need_sidorovs.pk).quantity_met == 0
    assert stock(v) == 100_000
    assert AuditHead.objects.get(community=v.community).seq == head
    assert verify_community(v.community.id).ok


def test_two_coordinators_carry_out_the_same_round_once(needy_village):
    v = needy_village
    round_ = approved_round(v, 60_000)
    results = race(RACER, [execute(v.alice, round_), execute(v.olga, round_)])
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1, results
    assert losers == [
        {
            "ok": False,
            "round": round_.id,
            "error": "Conflict",
            "message": "This round has already been carried out.",
        }
    ]
    assert given_by(round_) == {v.petrovs.id: 25_000, v.sidorovs.id: 10_000, v.orlovs.id: 25_000}
    assert Event.objects.filter(action="distribute").count() == 3
    assert stock(v) == 40_000
    assert dict(Need.objects.values_list("household_id", "quantity_met")) == {
        v.petrovs.id: 25_000,
        v.sidorovs.id: 10_000,
        v.orlovs.id: 25_000,
    }
    assert AuditEntry.objects.filter(verb="round.execute").count() == 1
    told = Notification.objects.filter(kind="allocation.share")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([v.bob.id, v.olga.id])
    round_.refresh_from_db()
    assert round_.status == RoundStatus.EXECUTED
    assert verify_community(v.community.id).ok


def test_of_two_rounds_that_together_exceed_the_stock_one_is_refused_whole(needy_village):
    v = needy_village
    first, second = approved_round(v, 60_000), approved_round(v, 60_000)
    # The second shares only what the first leaves the needs: 5, 0 and 55 kg.
    assert given_by_shares(second) == {v.petrovs.id: 5_000, v.orlovs.id: 55_000}
    head = AuditHead.objects.get(community=v.community).seq
    results = race(RACER, [execute(v.alice, first), execute(v.olga, second)])
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0]["error"] == "NotEnoughStock"
    assert losers[0]["message"] == "Not enough grain in Granary: 40 kg left, 60 kg asked."
    won = AllocationRound.objects.get(pk=winners[0]["round"])
    lost = AllocationRound.objects.get(pk=losers[0]["round"])
    assert (won.status, lost.status) == (RoundStatus.EXECUTED, RoundStatus.APPROVED)
    assert sum(given_by(won).values()) == 60_000
    assert given_by(lost) == {}
    assert stock(v) == 40_000
    # The loser wrote nothing: the chain grew by the winner's distributions and its
    # round.execute entry only.
    assert AuditHead.objects.get(community=v.community).seq == head + len(given_by(won)) + 1
    assert not AuditEntry.objects.filter(
        object_type="allocationround", object_id=lost.id, verb="round.execute"
    ).exists()
    assert Notification.objects.filter(kind="allocation.share").count() == 2  # bob, olga
    assert verify_community(v.community.id).ok
    verified = subprocess.run(
        [sys.executable, "-m", "pomochi.cli", "verify_audit"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0, verified.stderr
    assert "village: OK:" in verified.stdout
