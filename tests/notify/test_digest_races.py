"""Two digest jobs at once (a tick overlapping a --loop, two workers) make each digest once.

As in tests/aid/test_races.py: each racer is a fresh Python process on the test database.
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from pomochi.notify.delivery import news_route
from pomochi.notify.models import Digest, Mail, Notification
from tests.conftest import build_village, notification_for
from tests.races import race

pytestmark = pytest.mark.slow

RACER = r"""
import json, sys
from datetime import date

import django

django.setup()

from django.db import connection

from pomochi.notify.digest import digests_make

job = json.loads(sys.argv[1])
connection.ensure_connection()
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit("no start signal")
print(json.dumps({"made": digests_make(today=date.fromisoformat(job["today"]))}))
"""


def test_two_jobs_at_once_make_each_digest_once(transactional_db):
    v = build_village()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday(), weeks=2)
    n = notification_for(v.bob, kind="contribution.confirmed", params={"resource": "grain"})
    Notification.objects.filter(pk=n.pk).update(
        created_at=datetime.combine(monday, time(12), tzinfo=v.community.zone)
    )
    news_route()
    today = (monday + timedelta(weeks=1)).isoformat()
    results = race(RACER, [{"today": today}, {"today": today}, {"today": today}])
    assert sum(r["made"] for r in results) == 4  # olga, alice, bob, vera: once each
    assert Digest.objects.count() == 4
    assert Mail.objects.filter(kind="digest").count() == 4
    bob = Digest.objects.get(membership=v.bob)
    assert Notification.objects.get(pk=n.pk).digested_at == bob.created_at
