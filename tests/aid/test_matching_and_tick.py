from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from pomochi.aid.models import Reminder
from pomochi.aid.selectors import (
    commitments_overdue,
    fates_of_household,
    matches_for_need,
    needs_visible_to,
)
from pomochi.aid.services import commitment_fail, commitment_fulfil, commitment_make, offer_post
from pomochi.notify.models import Notification


def test_matches_come_best_first_with_their_reason(needy_village):
    v = needy_village
    today = timezone.localdate()
    offer_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=5_000
    )
    offer_post(
        actor=v.olga,
        community=v.community,
        household=v.orlovs,
        resource=v.grain,
        quantity=40_000,
        available_from=today + timedelta(days=2),
    )
    matches = matches_for_need(need=v.need_petrovs)  # 30 kg wanted
    assert [str(m.source) for m in matches] == ["Granary", "Orlovs", "Ivanovs"]
    assert matches[0].reason == "Granary holds enough (100 kg)"
    assert matches[1].reason.startswith("offers all 30 kg needed, from ")
    assert matches[2].reason == "offers 5 kg of the 30 kg needed"


def test_an_offer_that_starts_too_late_is_no_match(needy_village):
    v = needy_village
    today = timezone.localdate()
    v.need_petrovs.needed_by = today + timedelta(days=1)
    offer_post(
        actor=v.olga,
        community=v.community,
        household=v.orlovs,
        resource=v.grain,
        quantity=40_000,
        available_from=today + timedelta(days=5),
    )
    assert [str(m.source) for m in matches_for_need(need=v.need_petrovs)] == ["Granary"]


def test_a_member_sees_only_their_households_needs(needy_village):
    v = needy_village
    assert [n.household.name for n in needs_visible_to(actor=v.bob, community=v.community)] == [
        "Petrovs"
    ]
    assert len(needs_visible_to(actor=v.vera, community=v.community)) == 3


def test_tick_reminds_each_overdue_promise_once_a_day(needy_village):
    v = needy_village
    c = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=10,
        due_on=timezone.localdate(),
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    from pomochi.aid.reminders import reminders_send

    assert reminders_send(today=timezone.localdate()) == 0  # due today: not overdue yet
    assert reminders_send(today=tomorrow) == 1
    assert reminders_send(today=tomorrow) == 0
    assert reminders_send(today=tomorrow + timedelta(days=1)) == 1
    assert Reminder.objects.filter(commitment=c).count() == 2
    assert Notification.objects.filter(kind="commitment.due", recipient=v.alice).count() == 2
    assert list(commitments_overdue(community=v.community, today=tomorrow)) == [c]


def test_the_tick_command_runs(needy_village, capsys):
    call_command("tick")
    assert "reminders sent: 0" in capsys.readouterr().out


def test_fates_are_counted_per_household_and_excuses_apart(needy_village):
    v = needy_village
    due = timezone.localdate() + timedelta(days=2)
    made = [
        commitment_make(
            actor=v.alice,
            community=v.community,
            receiver=v.petrovs,
            giver_household=v.ivanovs,
            resource=v.potatoes,
            quantity=1,
            due_on=due,
        )
        for _ in range(3)
    ]
    commitment_fulfil(actor=v.bob, commitment=made[0], quantity=1)
    commitment_fail(actor=v.alice, commitment=made[1], excused=True, reason="fell ill")
    commitment_fail(actor=v.alice, commitment=made[2], excused=False, reason="never came")
    fates = fates_of_household(household=v.ivanovs)
    assert (fates.kept, fates.late, fates.broken, fates.excused) == (1, 0, 1, 1)
