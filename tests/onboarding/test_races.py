"""Two app servers receive the same founding at once (a retried request, or a double tap): one
community is made, and both answer with it. Real processes, as in tests/ledger/test_races.py."""

import pytest

from pomochi.audit.verify import verify_community
from pomochi.communities.models import Community
from pomochi.onboarding.models import FoundingRequest
from tests.conftest import make_user
from tests.races import race

pytestmark = pytest.mark.slow

RACER = r"""
import json, sys

import django

django.setup()

from django.db import connection

from pomochi.accounts.models import User
from pomochi.errors import DomainError
from pomochi.onboarding.services import community_found

job = json.loads(sys.argv[1])
user = User.objects.get(pk=job["user"])
connection.ensure_connection()
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit("no start signal")
try:
    found = community_found(user=user, **job["fields"])
    result = {"ok": True, "community": found.id}
except DomainError as error:
    result = {"ok": False, "error": type(error).__name__, "message": str(error)}
print(json.dumps(result))
"""


FIELDS = {"name": "Upper", "slug": "upper", "starter": "village"}


def test_racing_retries_of_one_founding_make_one_community(transactional_db):
    zoya = make_user("zoya")
    same = {"user": zoya.id, "fields": FIELDS | {"idempotency_key": "found-upper"}}
    results = race(RACER, [same, same])
    assert results[0]["ok"] and results[1]["ok"], results
    assert results[0]["community"] == results[1]["community"]
    community = Community.objects.get()
    assert FoundingRequest.objects.get().community == community
    assert community.pools.count() == 4
    assert verify_community(community.id).ok


def test_racing_foundings_of_one_slug_without_a_key_make_one(transactional_db):
    jobs = [{"user": make_user(name).id, "fields": FIELDS} for name in ("zoya", "yakov")]
    results = race(RACER, jobs)
    assert sorted(r["ok"] for r in results) == [False, True], results
    refused = next(r for r in results if not r["ok"])
    assert refused["error"] == "Conflict" and "already exists" in refused["message"], refused
    assert Community.objects.count() == 1
