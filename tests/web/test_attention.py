"""What needs attention (web.attention, aid.attention): each role's items, in order, with their
words and links; overdue by the community's calendar; a fixed number of queries however many
needs, promises and rounds there are."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pomochi.aid.attention import member_home_for
from pomochi.aid.rounds import appeal_file, round_decide, round_execute, round_open
from pomochi.aid.services import commitment_make, need_post
from pomochi.communities import policy
from pomochi.web import attention
from pomochi.web.attention import LATE, NOW, SHOWN, WAITING, attention_for, today_in

TODAY = timezone.localdate()
LATER = TODAY + timedelta(days=5)  # the day the tests look from: tomorrow's dates have passed


def need(v, actor, household, quantity, **kwargs):
    return need_post(
        actor=actor,
        community=v.community,
        household=household,
        resource=v.grain,
        quantity=quantity,
        **kwargs,
    )


def approved(v, round_):
    for member in (v.vera, v.olga):
        round_ = round_decide(actor=member, round=round_, approve=True)
    return round_


@pytest.fixture
def busy(stocked_village):
    """The stocked village with something of every kind waiting, seen from LATER:

    need_petrovs   bob's, 30 kg urgent, nothing promised                    → coordinators
    need_sidorovs  10 kg by tomorrow (past by LATER), nothing promised       → coordinators
    need_orlovs    5 kg urgent, promised from the Granary by tomorrow: not listed as a need,
                   but the promise is overdue                                → coordinators
    need_ivanovs   4 kg urgent, in the draft round: not listed as a need
    draft          4 kg among the Ivanovs, awaiting the committee            → committee
    ready          3 kg, approved                                            → coordinators
    done           2 kg to the Petrovs, carried out; bob appealed           → committee
    """
    v = stocked_village
    v.need_petrovs = need(v, v.bob, v.petrovs, 30_000, urgency="urgent")
    v.need_sidorovs = need(v, v.alice, v.sidorovs, 10_000, needed_by=TODAY + timedelta(days=1))
    v.need_orlovs = need(v, v.olga, v.orlovs, 5_000, urgency="urgent")
    v.promise_orlovs = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.orlovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=5_000,
        due_on=TODAY + timedelta(days=1),
        need=v.need_orlovs,
    )
    v.need_ivanovs = need(v, v.alice, v.ivanovs, 4_000, urgency="urgent")
    need(v, v.alice, v.ivanovs, 1_000)  # routine, no date: nothing to attend to
    v.draft = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=4_000, needs=[v.need_ivanovs]
    )
    v.ready = approved(
        v,
        round_open(
            actor=v.alice,
            pool=v.granary,
            resource=v.grain,
            quantity=3_000,
            needs=[need(v, v.alice, v.ivanovs, 3_000)],
        ),
    )
    v.done = approved(
        v,
        round_open(
            actor=v.alice,
            pool=v.granary,
            resource=v.grain,
            quantity=2_000,
            needs=[need(v, v.bob, v.petrovs, 2_000)],
        ),
    )
    v.done = round_execute(actor=v.alice, round=v.done)
    v.appeal = appeal_file(
        actor=v.bob, share=v.done.shares.get(household=v.petrovs), reason="we are five now"
    )
    return v


def seen(v, who, today=LATER):
    return [
        (i.kind, i.sentence, i.link, i.order)
        for i in attention_for(actor=who, community=v.community, today=today)
    ]


def url(name, *args):
    return reverse(name, args=["village", *args])


def test_a_coordinator_sees_needs_nobody_answered_overdue_promises_and_rounds_to_carry_out(busy):
    v = busy
    assert seen(v, v.alice) == [
        (
            "need.unanswered",
            "Petrovs: 30 kg of grain needed urgently; nothing is promised.",
            url("need", v.need_petrovs.id),
            NOW,
        ),
        (
            "need.unanswered",
            f"Sidorovs: 10 kg of grain was needed by {day(TODAY + timedelta(days=1))}; "
            "nothing is promised.",
            url("need", v.need_sidorovs.id),
            LATE,
        ),
        (
            "promise.overdue",
            f"Due on {day(TODAY + timedelta(days=1))} and not delivered: 5 kg of grain promised "
            "by Granary to Orlovs.",
            url("promise", v.promise_orlovs.id),
            LATE,
        ),
        (
            "round.execute",
            "Approved, ready to carry out: 3 kg of grain from Granary.",
            url("round-execute", v.ready.id),
            WAITING,
        ),
    ]


def test_the_committee_sees_rounds_awaiting_its_decision_and_appeals(busy):
    v = busy
    assert seen(v, v.vera) == [
        (
            "round.decide",
            "Waiting for your decision: a round of 4 kg of grain from Granary.",
            url("round", v.draft.id),
            WAITING,
        ),
        (
            "appeal.waiting",
            "Petrovs appeal their share of 2 kg of grain from Granary.",
            url("round", v.done.id) + "#appeals",
            WAITING,
        ),
    ]


def test_a_round_this_member_has_decided_on_no_longer_waits_for_them(busy):
    v = busy
    round_decide(actor=v.vera, round=v.draft, approve=True)
    assert [kind for kind, *_rest in seen(v, v.vera)] == ["appeal.waiting"]
    # olga (coordinator and committee) has not decided: she still sees it, with the rest.
    assert [kind for kind, *_rest in seen(v, v.olga)] == [
        "need.unanswered",
        "need.unanswered",
        "promise.overdue",
        "round.decide",
        "round.execute",
        "appeal.waiting",
    ]


def test_a_plain_member_and_an_outsider_see_nothing_to_attend_to(busy, hamlet):
    v = busy
    assert not policy.can(v.bob, "attention.view", v.community)
    assert attention_for(actor=v.bob, community=v.community, today=LATER) == []
    assert attention_for(actor=hamlet.charlie, community=v.community, today=LATER) == []


def test_a_need_leaves_the_list_once_something_is_promised_or_it_is_met(busy):
    v = busy
    commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,  # of 30 kg: somebody answered; the need's page says the rest
        due_on=LATER,
        need=v.need_petrovs,
    )
    links = [link for _k, _s, link, _o in seen(v, v.alice)]
    assert url("need", v.need_petrovs.id) not in links
    assert url("need", v.need_sidorovs.id) in links


def test_before_its_date_a_routine_need_is_not_listed_and_a_promise_not_overdue(busy):
    v = busy
    kinds = [kind for kind, *_rest in seen(v, v.alice, today=TODAY)]
    assert kinds == ["need.unanswered", "round.execute"]  # only the urgent need of the Petrovs


def test_beyond_a_few_of_a_kind_one_line_counts_the_rest(busy):
    v = busy
    for household in (v.sidorovs, v.orlovs, v.ivanovs, v.sidorovs):
        need(v, v.alice, household, 1_000, urgency="urgent")
    items = [i for i in attention_for(actor=v.alice, community=v.community, today=LATER)]
    needs = [i for i in items if i.kind.startswith("need.")]
    assert [i.kind for i in needs] == ["need.unanswered"] * SHOWN + ["need.unanswered.more"]
    # 5 urgent and 1 overdue unanswered: 3 shown, 3 more, placed with the last one shown.
    assert (needs[-1].count, needs[-1].sentence) == (3, "3 more needs wait for a promise.")
    assert (needs[-1].link, needs[-1].order) == (url("needs"), NOW)


def test_overdue_is_by_the_community_s_calendar(busy, monkeypatch):
    v = busy
    due = v.promise_orlovs.due_on
    # 11:30 in Greenwich on the promise's last day; already the next day on Kiritimati (UTC+14).
    instant = datetime(due.year, due.month, due.day, 11, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    v.community.timezone = "UTC"
    assert today_in(v.community) == due
    assert "promise.overdue" not in [
        i.kind for i in attention_for(actor=v.alice, community=v.community)
    ]
    v.community.timezone = "Pacific/Kiritimati"
    assert today_in(v.community) == due + timedelta(days=1)
    assert "promise.overdue" in [
        i.kind for i in attention_for(actor=v.alice, community=v.community)
    ]


def test_its_words_are_made_when_read_in_the_reader_s_language(busy):
    from django.utils import translation

    v = busy
    items = attention_for(actor=v.alice, community=v.community, today=LATER)
    overdue = next(i for i in items if i.params.get("needed_by"))
    with translation.override("ru"):
        russian, russian_day = overdue.sentence, day(TODAY + timedelta(days=1))
    assert russian_day != day(TODAY + timedelta(days=1))  # the date in Russian
    assert russian_day in russian and "10 kg" in russian
    assert day(TODAY + timedelta(days=1)) in overdue.sentence  # and back in English


def test_another_app_adds_a_source_of_its_own(busy, monkeypatch):
    v = busy
    monkeypatch.setattr(attention, "_SOURCES", dict(attention._SOURCES))
    monkeypatch.setattr(attention, "_SENTENCES", dict(attention._SENTENCES))

    def stores_low(*, actor, community, today):
        if not policy.can(actor, "ledger.distribute", community):
            return []
        return [attention.Item("store.low", {"pool": "Granary"}, "/stores/", order=NOW)]

    attention.register_attention(
        stores_low, sentences={"store.low": lambda p, n: f"{p['pool']} is below its cover."}
    )
    attention.register_attention(stores_low, sentences={})  # once per source
    items = attention_for(actor=v.alice, community=v.community, today=LATER)
    assert [i.sentence for i in items if i.kind == "store.low"] == ["Granary is below its cover."]
    assert [i.order for i in items] == sorted(i.order for i in items)
    assert items[0].kind == "need.unanswered" and items[1].kind == "store.low"  # both NOW
    assert "store.low" not in [i.kind for i in attention_for(actor=v.vera, community=v.community)]


# --- bounded queries ------------------------------------------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _attention_queries(v, who) -> int:
    return _queries(lambda: attention_for(actor=who, community=v.community, today=LATER))


def _more_of_everything(v, n):
    """n more unanswered urgent needs, overdue promises, drafts, approved rounds and appeals."""
    for i in range(n):
        household = (v.sidorovs, v.orlovs, v.ivanovs)[i % 3]
        need(v, v.alice, household, 10, urgency="urgent")
        commitment_make(
            actor=v.alice,
            community=v.community,
            receiver=household,
            giver_pool=v.granary,
            resource=v.grain,
            quantity=10,
            due_on=TODAY + timedelta(days=1),
        )


def test_its_queries_do_not_grow_with_the_needs_and_promises(busy):
    v = busy
    for who in (v.alice, v.vera, v.olga):
        attention_for(actor=who, community=v.community, today=LATER)  # warm: content types
    _more_of_everything(v, 3)
    few = {who.id: _attention_queries(v, who) for who in (v.alice, v.vera, v.olga)}
    _more_of_everything(v, 297)
    many = {who.id: _attention_queries(v, who) for who in (v.alice, v.vera, v.olga)}
    assert many == few
    assert max(few.values()) <= 13  # 12, and one for whom news could not reach
    items = attention_for(actor=v.alice, community=v.community, today=LATER)
    assert [i.count for i in items if i.kind.endswith(".more")] == [
        300 + 2 - SHOWN,  # needs: 300 added, the Petrovs' and the Sidorovs'
        300 + 1 - SHOWN,  # promises: 300 added and the Orlovs'
    ]


def test_a_member_s_home_reads_a_fixed_number_of_queries(busy):
    v = busy
    member_home_for(actor=v.bob, community=v.community, today=LATER)
    few = _queries(lambda: member_home_for(actor=v.bob, community=v.community, today=LATER))
    for _i in range(30):
        need(v, v.bob, v.petrovs, 10)
        commitment_make(
            actor=v.alice,
            community=v.community,
            receiver=v.petrovs,
            giver_pool=v.granary,
            resource=v.grain,
            quantity=10,
            due_on=LATER,
        )
    many = _queries(lambda: member_home_for(actor=v.bob, community=v.community, today=LATER))
    assert many == few


# --- a member's own household ---------------------------------------------------------------


def test_a_member_s_home_lists_the_household_s_needs_promises_and_shares(busy):
    v = busy
    asked = commitment_make(  # alice asks the Petrovs to give the Sidorovs an hour
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_household=v.petrovs,
        resource=v.labour,
        quantity=100,
        due_on=LATER,
    )
    to_petrovs = commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_pool=v.granary,
        resource=v.grain,
        quantity=1_000,
        due_on=TODAY + timedelta(days=2),
        need=v.need_petrovs,
    )
    home = member_home_for(actor=v.bob, community=v.community, today=TODAY)
    assert home.household_name == "Petrovs"
    assert [(n["amount"], n["state"], n["held"]) for n in home.needs] == [
        ("30 kg", "open", "1 kg"),  # unmet first; 1 kg on the way
        ("2 kg", "met", ""),  # met by the round
    ]
    # The proposal waiting for the Petrovs' answer first, then what is owed, by date.
    assert [(c["id"], c["to_answer"]) for c in home.promises] == [
        (asked.id, True),
        (to_petrovs.id, False),
    ]
    assert [(s["amount"], s["status"], s["link"]) for s in home.shares] == [
        ("2 kg", "executed", url("round", v.done.id))
    ]
    assert home.shares[0]["why"]
    assert not home.empty


def test_a_member_sees_only_their_own_household(busy):
    v = busy
    home = member_home_for(actor=v.alice, community=v.community, today=TODAY)
    assert {n["household_name"] for n in home.needs} == {"Ivanovs"}
    assert "Petrovs" not in str(home.shares) and "Petrovs" not in str(home.needs)
    # vera has no household: no such section at all.
    assert member_home_for(actor=v.vera, community=v.community) is None


def test_shares_long_carried_out_are_no_longer_listed(busy):
    v = busy
    from pomochi.aid.models import AllocationRound

    window = 14  # the default bylaws' appeal window
    AllocationRound.objects.filter(pk=v.done.pk).update(
        executed_at=timezone.now() - timedelta(days=window + 1)
    )
    assert member_home_for(actor=v.bob, community=v.community, today=TODAY).shares == []


def day(d) -> str:
    from django.utils.formats import date_format

    return date_format(d, "DATE_FORMAT")
