"""A need is promised at most once over: a second promise for what is already promised is
refused, and matches look only for what no open promise will bring."""

import pytest

from pomochi.aid.models import Commitment
from pomochi.aid.selectors import matches_for_need, need_receivable
from pomochi.aid.services import commitment_fail, commitment_fulfil
from pomochi.audit.models import AuditEntry
from pomochi.errors import InvalidInput
from tests.aid.helpers import promise_petrovs_grain


def test_it_refuses_to_promise_more_than_is_unpromised(needy_village):
    v = needy_village
    promise_petrovs_grain(v, 20_000)  # of the 30 kg needed
    before = (Commitment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput, match="Only 10 kg of this need is not yet promised"):
        promise_petrovs_grain(v, 15_000)
    assert (Commitment.objects.count(), AuditEntry.objects.count()) == before
    assert promise_petrovs_grain(v, 10_000).quantity == 10_000
    assert need_receivable(need=v.need_petrovs) == 0


def test_a_failed_promise_frees_what_it_had_promised(needy_village):
    v = needy_village
    c = promise_petrovs_grain(v, 30_000)
    commitment_fulfil(actor=v.bob, commitment=c, quantity=5_000)
    commitment_fail(actor=v.alice, commitment=c, excused=True, reason="the cart broke")
    # 5 kg arrived; the 25 kg it still owed may be promised by someone else
    v.need_petrovs.refresh_from_db()
    assert need_receivable(need=v.need_petrovs) == 25_000
    assert promise_petrovs_grain(v, 25_000).quantity == 25_000


def test_matches_seek_only_what_no_promise_will_bring(needy_village):
    v = needy_village
    promise_petrovs_grain(v, 20_000)
    matches = matches_for_need(need=v.need_petrovs)
    assert matches and all(m.covers == 10_000 for m in matches)
    promise_petrovs_grain(v, 10_000)
    assert matches_for_need(need=v.need_petrovs) == []
