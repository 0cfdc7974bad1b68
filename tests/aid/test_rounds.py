from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.aid.explain import share_sentence
from pomochi.aid.models import AllocationShare, RoundStatus
from pomochi.aid.rounds import (
    appeal_decide,
    appeal_file,
    round_decide,
    round_edit,
    round_execute,
    round_open,
)
from pomochi.audit.verify import verify_community
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.ledger.models import Event, Holding
from pomochi.notify.messages import render
from pomochi.notify.models import Notification


def open_round(v, quantity=60_000, rule=None):
    return round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=quantity,
        needs=[v.need_petrovs, v.need_sidorovs, v.need_orlovs],
        rule=rule,
    )


def shares(round_):
    return {
        s.household.name: s.share
        for s in round_.shares.filter(revision=round_.revision).select_related("household")
    }


def approve(v, round_):
    round_decide(actor=v.vera, round=round_, approve=True)
    return round_decide(actor=v.olga, round=round_, approve=True)  # quorum 2


def test_a_draft_shares_by_the_bylaws_rule_max_min(needy_village):
    v = needy_village
    round_ = open_round(v)
    assert round_.rule == "max_min" and round_.status == RoundStatus.DRAFT
    # asked 30, 10, 80 kg; 60 kg shared: the Sidorovs' 10 kg is met, 25 kg each for the rest
    assert shares(round_) == {"Petrovs": 25_000, "Sidorovs": 10_000, "Orlovs": 25_000}


def test_each_share_is_explained(needy_village):
    v = needy_village
    round_ = open_round(v)
    share = AllocationShare.objects.get(round=round_, household=v.petrovs)
    assert share_sentence(share, v.grain) == (
        "You asked 30 kg; 3 households shared 60 kg by max-min fairness; everyone's cap was "
        "25 kg; you receive 25 kg."
    )


def test_a_round_cannot_share_more_than_the_stock(needy_village):
    v = needy_village
    with pytest.raises(InvalidInput, match="holds only 100 kg"):
        open_round(v, quantity=100_001)


def test_only_coordinators_open_rounds(needy_village):
    v = needy_village
    with pytest.raises(NotAllowed):
        round_open(
            actor=v.vera, pool=v.granary, resource=v.grain, quantity=1, needs=[v.need_petrovs]
        )


def test_the_quorum_of_the_committee_approves_then_a_coordinator_carries_it_out(needy_village):
    v = needy_village
    round_ = open_round(v)
    with pytest.raises(Conflict, match="not approved"):
        round_execute(actor=v.alice, round=round_)
    round_ = round_decide(actor=v.vera, round=round_, approve=True)
    assert round_.status == RoundStatus.DRAFT  # 1 of 2
    with pytest.raises(Conflict, match="already decided"):
        round_decide(actor=v.vera, round=round_, approve=True)
    round_ = round_decide(actor=v.olga, round=round_, approve=True)
    assert round_.status == RoundStatus.APPROVED
    round_ = round_execute(actor=v.alice, round=round_)
    assert round_.status == RoundStatus.EXECUTED
    events = Event.objects.filter(cause_type="allocation", cause_id=round_.id)
    assert {e.receiver_household_id: e.quantity for e in events} == {
        v.petrovs.id: 25_000,
        v.sidorovs.id: 10_000,
        v.orlovs.id: 25_000,
    }
    assert Holding.objects.get(pool=v.granary, resource=v.grain).quantity == 40_000
    v.need_sidorovs.refresh_from_db()
    v.need_petrovs.refresh_from_db()
    today = timezone.localdate()
    assert (v.need_sidorovs.state(today), v.need_petrovs.state(today)) == ("met", "partly_met")
    told = Notification.objects.filter(kind="allocation.share", recipient=v.bob).get()
    assert "you receive 25 kg" in render(told.kind, told.params)  # words made when read
    assert verify_community(v.community.id).ok
    with pytest.raises(Conflict, match="already been carried out"):
        round_execute(actor=v.olga, round=round_)


def test_plain_members_and_coordinators_do_not_decide(needy_village):
    v = needy_village
    round_ = open_round(v)
    for who in (v.bob, v.alice):
        with pytest.raises(NotAllowed):
            round_decide(actor=who, round=round_, approve=True)


def test_a_rejected_round_is_edited_into_a_new_revision_and_keeps_its_history(needy_village):
    v = needy_village
    round_ = open_round(v)
    round_decide(actor=v.vera, round=round_, approve=False, note="too little for the Orlovs")
    round_ = round_decide(actor=v.olga, round=round_, approve=False, note="agree")
    assert round_.status == RoundStatus.REJECTED
    round_ = round_edit(actor=v.alice, round=round_, rule="proportional", quantity=60_000)
    assert (round_.revision, round_.status) == (2, RoundStatus.DRAFT)
    assert shares(round_) == {"Petrovs": 15_000, "Sidorovs": 5_000, "Orlovs": 40_000}
    assert AllocationShare.objects.filter(round=round_, revision=1).count() == 3
    approve(v, round_)  # the earlier rejections were of revision 1


def test_a_rejection_needs_a_reason(needy_village):
    v = needy_village
    with pytest.raises(InvalidInput, match="why"):
        round_decide(actor=v.vera, round=open_round(v), approve=False)


def test_stock_that_shrank_after_approval_refuses_the_whole_round(needy_village):
    from pomochi.ledger.services import event_adjust

    v = needy_village
    round_ = approve(v, open_round(v))
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-50_000, reason="rot")
    with pytest.raises(Exception, match="Not enough grain"):
        round_execute(actor=v.alice, round=round_)
    assert not Event.objects.filter(cause_type="allocation").exists()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.APPROVED


def test_a_household_appeals_within_the_window_and_the_committee_decides(
    needy_village, monkeypatch
):
    v = needy_village
    round_ = round_execute(actor=v.alice, round=approve(v, open_round(v)))
    share = AllocationShare.objects.get(round=round_, household=v.petrovs)
    with pytest.raises(NotAllowed):
        appeal_file(actor=v.vera, share=share, reason="not mine")
    appeal = appeal_file(actor=v.bob, share=share, reason="we are five now, not three")
    with pytest.raises(Conflict, match="already been appealed"):
        appeal_file(actor=v.bob, share=share, reason="again")
    with pytest.raises(NotAllowed):
        appeal_decide(actor=v.alice, appeal=appeal, upheld=True, note="yes")
    appeal = appeal_decide(actor=v.vera, appeal=appeal, upheld=True, note="size updated")
    assert appeal.decision == "upheld"
    assert Notification.objects.filter(kind="appeal.decided", recipient=v.bob).exists()
    other = AllocationShare.objects.get(round=round_, household=v.orlovs)
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr("pomochi.aid.rounds.timezone.now", lambda: later)
    with pytest.raises(Conflict, match="7 days"):
        appeal_file(actor=v.olga, share=other, reason="late")


@pytest.mark.parametrize(
    "rule", ["equal_per_household", "per_person", "proportional", "max_min", "priority_tiers"]
)
def test_every_rule_stays_within_asks_and_stock(needy_village, rule):
    v = needy_village
    round_ = open_round(v, rule=rule)
    result = round_.shares.filter(revision=1)
    assert all(0 <= s.share <= s.asked for s in result)
    total = sum(s.share for s in result)
    assert total <= 60_000
    if rule != "equal_per_household":
        assert total == 60_000


def test_priority_tiers_serve_the_urgent_first(needy_village):
    v = needy_village
    round_ = open_round(v, rule="priority_tiers", quantity=35_000)
    # the Sidorovs are urgent and ill: all 10 kg; the Petrovs (soon) next: 25 kg; the Orlovs none
    assert shares(round_) == {"Petrovs": 25_000, "Sidorovs": 10_000, "Orlovs": 0}


def test_a_members_view_of_a_large_round_reads_the_bylaws_once(
    needy_village, django_assert_max_num_queries
):
    from pomochi.aid.selectors import shares_visible_to
    from pomochi.communities.models import Household

    v = needy_village
    extra = Household.objects.bulk_create(
        [Household(community=v.community, name=f"H{i}", size=1) for i in range(30)]
    )
    from pomochi.aid.services import need_post

    needs = [
        need_post(
            actor=v.alice, community=v.community, household=h, resource=v.grain, quantity=1_000
        )
        for h in extra
    ]
    round_ = round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=20_000,
        needs=[v.need_petrovs, *needs],
    )
    with django_assert_max_num_queries(4):
        visible = shares_visible_to(actor=v.bob, round=round_)
    assert [s.household_id for s in visible] == [v.petrovs.id]
