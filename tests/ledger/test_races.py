"""Races between real processes, each with its own database connection, as app servers would be.

Every racer is a fresh Python process connected to the test database. Each one loads what it
needs, says it is ready and blocks on its stdin; the parent writes "go" to all of them only when
all are ready, so the service calls themselves start together.
"""

import subprocess
import sys

import pytest

from pomochi.audit.verify import verify_community
from pomochi.ledger.models import Event, Holding, IdempotencyRecord
from pomochi.ledger.services import event_contribute, event_distribute
from tests.conftest import build_village
from tests.races import child_env, race

pytestmark = pytest.mark.slow

RACER = r"""
import json, sys

import django

django.setup()

from django.db import connection

from pomochi.communities.models import Household, Membership, ResourceType
from pomochi.errors import DomainError
from pomochi.ledger.models import Event, Pool
from pomochi.ledger.services import event_distribute, event_reverse

job = json.loads(sys.argv[1])
actor = Membership.objects.get(pk=job["actor"])
if job["action"] == "distribute":
    pool = Pool.objects.get(pk=job["pool"])
    household = Household.objects.get(pk=job["household"])
    resource = ResourceType.objects.get(pk=job["resource"])

    def act():
        return event_distribute(
            actor=actor, pool=pool, household=household, resource=resource,
            quantity=job["quantity"], idempotency_key=job.get("key"),
        )
else:
    target = Event.objects.get(pk=job["event"])

    def act():
        return event_reverse(actor=actor, event=target, reason="given to the wrong household")

connection.ensure_connection()
# The barrier: say so, then block (without spinning) until the parent releases everyone at once.
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit("no start signal")
try:
    result = {"ok": True, "event": act().id}
except DomainError as error:
    result = {"ok": False, "error": type(error).__name__, "message": str(error)}
print(json.dumps(result))
"""


def verify_audit_in_another_process() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pomochi.cli", "verify_audit"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def distribution(actor, pool, household, resource, quantity: int, key: str | None = None):
    return {
        "action": "distribute",
        "actor": actor.id,
        "pool": pool.id,
        "household": household.id,
        "resource": resource.id,
        "quantity": quantity,
        "key": key,
    }


@pytest.fixture
def two_kg_village(transactional_db):
    """A village whose granary holds exactly 2 kg of grain, committed for other processes."""
    v = build_village()
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=2_000
    )
    return v


def stock(v) -> int:
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


def test_only_one_racer_gets_the_last_grain(two_kg_village):
    v = two_kg_village
    results = race(
        RACER,
        [
            distribution(v.alice, v.granary, v.petrovs, v.grain, 2_000),
            distribution(v.olga, v.granary, v.sidorovs, v.grain, 2_000),
            distribution(v.alice, v.granary, v.orlovs, v.grain, 2_000),
        ],
    )
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1
    assert (
        losers
        == [
            {
                "ok": False,
                "error": "NotEnoughStock",
                "message": "Not enough grain in Granary: 0 kg left, 2 kg asked.",
            }
        ]
        * 2
    )
    assert stock(v) == 0
    given = Event.objects.filter(action="distribute")
    assert [e.id for e in given] == [winners[0]["event"]]
    assert verify_community(v.community.id).ok
    assert "village: OK:" in verify_audit_in_another_process()


def test_racing_retries_of_one_request_are_recorded_once(two_kg_village):
    v = two_kg_village
    same = distribution(v.alice, v.granary, v.petrovs, v.grain, 1_500, key="ration-7")
    results = race(RACER, [same, same])
    assert results[0]["ok"] and results[1]["ok"], results
    assert results[0]["event"] == results[1]["event"]
    assert list(Event.objects.filter(action="distribute").values_list("id", flat=True)) == [
        results[0]["event"]
    ]
    assert (
        IdempotencyRecord.objects.get(actor=v.alice, key="ration-7").event_id
        == (results[0]["event"])
    )
    assert stock(v) == 500
    assert verify_community(v.community.id).ok


def test_only_one_of_two_racing_reversals_goes_through(two_kg_village):
    v = two_kg_village
    mistake = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=2_000
    )
    undo = {"action": "reverse", "event": mistake.id}
    results = race(RACER, [undo | {"actor": v.alice.id}, undo | {"actor": v.olga.id}])
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1
    assert losers == [
        {"ok": False, "error": "Conflict", "message": "This event has already been reversed."}
    ]
    reversal = Event.objects.get(reverses=mistake)
    assert reversal.id == winners[0]["event"]
    assert stock(v) == 2_000  # put back once, not twice
    assert verify_community(v.community.id).ok
