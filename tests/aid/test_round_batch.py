"""A round's shares and notifications are written in plain SQL (aid/sql.py): the same facts as
the model objects they replace, and the same words when read."""

import json

import numpy as np
import pytest

from pomochi import fairshare
from pomochi.aid.models import AllocationShare
from pomochi.aid.rounds import _explanation, _explanations, round_decide, round_execute, round_open
from pomochi.notify.messages import render, render_many
from pomochi.notify.models import Notification
from tests.conftest import notification_for

ASKED = np.array([30_000, 10_000, 80_000, 0, 5_000, 12_345], dtype=np.int64)
IDS = np.arange(1, 7, dtype=np.int64)
SIZES = np.array([4, 1, 6, 2, 3, 5], dtype=np.int64)
PRIORITIES = np.array([5, 1, 3, 3, 0, 5], dtype=np.int64)


@pytest.mark.parametrize("rule", sorted(fairshare.RULES))
@pytest.mark.parametrize("total", [7, 60_000, 200_000])
def test_it_explains_every_share_as_the_explanation_objects_do(rule, total):
    kwargs = {"ids": IDS, "sizes": SIZES, "priorities": PRIORITIES}
    if rule != "priority_tiers":
        kwargs.pop("priorities")
    if rule in ("max_min", "equal_per_household", "proportional"):
        kwargs.pop("sizes")
    result = fairshare.allocate(rule, ASKED, total, **kwargs)
    texts = _explanations(result)
    assert [json.loads(t) for t in texts] == [
        _explanation(result.explain(i)) for i in range(len(ASKED))
    ]


def carried_out(v):
    round_ = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=60_000,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
        rule="max_min",
    )
    round_decide(actor=v.vera, round=round_, approve=True)
    round_ = round_decide(actor=v.olga, round=round_, approve=True)
    return round_execute(actor=v.olga, round=round_)


def test_it_keeps_the_facts_and_words_them_when_read(needy_village):
    v = needy_village
    round_ = carried_out(v)
    share = AllocationShare.objects.get(round=round_, household=v.petrovs)
    told = Notification.objects.get(kind="allocation.share", recipient=v.bob)
    assert told.community_id == v.community.id
    assert told.params["share"] == share.id
    assert told.params["amount"] == share.share == 25_000
    assert "explanation" not in told.params  # the share's own, read with it
    assert render(told.kind, told.params) == (
        "Your share of grain from Granary: 25 kg. You asked 30 kg; 3 households shared 60 kg by "
        "max-min fairness; everyone's cap was 25 kg; you receive 25 kg."
    )


def test_it_shows_a_notification_with_its_explanation_copied_in_as_it_was(needy_village):
    v = needy_village
    round_ = carried_out(v)
    share = AllocationShare.objects.get(round=round_, household=v.petrovs)
    told = Notification.objects.get(kind="allocation.share", recipient=v.bob)
    copied = told.params | {"explanation": share.explanation | {"share": 1_000}}
    AllocationShare.objects.filter(pk=share.pk).update(explanation={})  # not read for such a row
    assert render(told.kind, copied).endswith("you receive 1 kg.")


def test_it_reads_the_explanations_of_a_page_of_notifications_at_once(
    needy_village, django_assert_num_queries
):
    v = needy_village
    carried_out(v)
    told = list(Notification.objects.filter(kind="allocation.share").order_by("id"))
    assert len(told) >= 2
    with django_assert_num_queries(1):
        texts = render_many([(n.kind, n.params) for n in told])
    assert texts == [render(n.kind, n.params) for n in told]
    assert all("households shared 60 kg by max-min fairness" in t for t in texts)


def test_it_shows_a_notification_written_before_the_facts_as_it_was(needy_village):
    v = needy_village
    notification_for(
        v.bob,
        kind="allocation.share",
        params={"resource": "grain", "pool": "Granary", "amount": "25 kg", "why": "Because."},
    )
    told = Notification.objects.get(recipient=v.bob)
    assert render(told.kind, told.params) == "Your share of grain from Granary: 25 kg. Because."


def test_it_tells_every_active_member_of_every_household_once(needy_village):
    v = needy_village
    round_ = carried_out(v)
    told = Notification.objects.filter(kind="allocation.share")
    households = set(
        AllocationShare.objects.filter(round=round_).values_list("household_id", flat=True)
    )
    expected = sorted(
        m.id for m in v.community.memberships.filter(household_id__in=households, is_active=True)
    )
    assert sorted(told.values_list("recipient_id", flat=True)) == expected
