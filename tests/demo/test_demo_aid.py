"""The demo village's mutual aid: every feature in use, built through the aid services on the
demo's own clock (needs, offers, promises of every fate, rounds, appeals, rations, records)."""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pomochi.aid.attention import member_home_for
from pomochi.aid.models import (
    AllocationRound,
    AllocationShare,
    Appeal,
    Commitment,
    Need,
    Offer,
    RoundDecision,
)
from pomochi.audit.models import AuditEntry
from pomochi.audit.verify import verify_community
from pomochi.communities.models import Community
from pomochi.demo.village import TIMEZONE
from pomochi.demo.words import ENGLISH, RUSSIAN
from pomochi.ledger.models import Event, PendingContribution
from pomochi.web.attention import attention_for
from tests.demo.test_seed_demo import SMALL, seed, today  # noqa: F401

ZONE = ZoneInfo(TIMEZONE)
PINNED = date(2026, 11, 26)  # the `today` fixture's day: the demo ends at its midnight


@pytest.fixture
def village(db, today):  # noqa: F811
    seed(**SMALL)
    return Community.objects.get(slug="demo")


def member_of(community, username="member"):
    return community.memberships.select_related("household").get(user__username=username)


def end_of_demo() -> datetime:
    return datetime.combine(PINNED, time(), tzinfo=ZONE)


def test_it_has_open_and_met_needs_of_every_urgency(village):
    states = Counter(
        (n.urgency, "met" if n.state(PINNED) == "met" else n.state(PINNED))
        for n in Need.objects.filter(community=village)
    )
    for urgency in ("routine", "soon", "urgent"):
        assert states[urgency, "met"] >= 1, (urgency, states)
        assert states[urgency, "open"] + states[urgency, "partly_met"] >= 1, (urgency, states)
    assert states["routine", "partly_met"] >= 1  # shares of a round that could not give all
    assert sum(n for (_u, state), n in states.items() if state == "withdrawn") >= 1


def test_the_member_s_household_needs_grain_urgently_and_nothing_is_promised(village):
    member = member_of(village)
    needs = Need.objects.filter(household=member.household)
    urgent = needs.get(urgency="urgent", resource__name="grain", withdrawn_at__isnull=True)
    assert urgent.state(PINNED) == "open"
    assert urgent.note == ENGLISH.need_notes[1]
    assert not urgent.commitments.exists() and not urgent.shares.exists()
    assert urgent.needed_by == PINNED + timedelta(days=5)
    assert needs.count() >= 3  # the hungry year's, the winter round's, today's

    home = member_home_for(actor=member, community=village, today=PINNED)
    assert home is not None


def test_it_has_offers_of_goods_and_of_labour_with_skills(village):
    offers = Offer.objects.filter(community=village).select_related("resource")
    goods = [o for o in offers if o.resource.kind == "consumable"]
    labour = [o for o in offers if o.resource.kind == "labour"]
    assert {o.resource.name for o in goods} == {"potatoes", "firewood"}
    assert {o.skill for o in labour} == set(ENGLISH.skills)
    assert all(o.state(PINNED) in ("open", "taken") for o in offers)
    member = member_of(village)
    own = offers.get(household=member.household)
    assert own.skill == "childcare" and own.note == ENGLISH.offer_notes[4]


def test_its_promises_were_kept_late_broken_and_excused(village):
    promises = Commitment.objects.filter(community=village)
    states = Counter(c.state(PINNED) for c in promises)
    assert {"kept", "late", "broken", "excused", "overdue", "proposed"} <= set(states), states
    late = promises.get(fate="late")
    assert late.fate_at.astimezone(ZONE).date() > late.due_on  # delivered after its day
    assert late.giver_pool.name == "Kitchen" and late.quantity_fulfilled == late.quantity
    for kept in promises.filter(fate="kept"):
        assert kept.fate_at.astimezone(ZONE).date() <= kept.due_on
        assert kept.need.state(PINNED) == "met"
    assert promises.get(fate="broken").fate_note == ENGLISH.broken
    assert promises.get(fate="excused").fate_note == ENGLISH.excused
    # the broken promise's need is open again: nothing fills it
    assert promises.get(fate="broken").need.state(PINNED) == "open"
    # a coordinator matched the member's childcare to a neighbour: it waits for their answer
    member = member_of(village)
    proposed = promises.get(accepted_at__isnull=True, declined_at__isnull=True)
    assert proposed.giver_household_id == member.household_id
    assert proposed.offer.skill == "childcare" and proposed.due_on > PINNED


def test_after_the_failed_harvest_the_committee_sent_a_round_back_then_approved_it(village):
    rounds = AllocationRound.objects.filter(community=village).order_by("created_at")
    crisis, winter = rounds
    assert (crisis.status, crisis.revision, crisis.resource.name) == ("executed", 2, "grain")
    assert crisis.note == ENGLISH.crisis_round and crisis.pool.name == "Granary"
    # the failed harvest was 2025's (test_seed_demo): the round shares the hungry winter's grain
    assert date(2025, 10, 1) < crisis.executed_at.astimezone(ZONE).date() < date(2026, 8, 1)
    first = RoundDecision.objects.get(round=crisis, revision=1)
    assert (first.decision, first.note) == ("reject", ENGLISH.round_reject)
    decided = RoundDecision.objects.filter(round=crisis, revision=2)
    assert sorted(d.decision for d in decided) == ["approve", "approve"]
    assert Event.objects.filter(cause_type="allocation", cause_id=crisis.id).count() == (
        crisis.shares.filter(revision=2, share__gt=0).count()
    )
    appeal = Appeal.objects.get(round=crisis)
    assert (appeal.decision, appeal.decision_note) == ("dismissed", ENGLISH.appeal_dismissed)
    assert appeal.reason == ENGLISH.appeals[0]
    # what the round could not give was withdrawn at the harvest, not left overdue for months
    for need in Need.objects.filter(shares__round=crisis).distinct():
        assert need.state(PINNED) in ("met", "withdrawn")

    assert (winter.status, winter.resource.name) == ("executed", "potatoes")
    assert PINNED - timedelta(days=10) < winter.executed_at.astimezone(ZONE).date() < PINNED
    waiting = Appeal.objects.get(round=winter)
    assert waiting.decision == "" and waiting.decided_at is None
    assert waiting.household_id == member_of(village).household_id
    assert waiting.reason == ENGLISH.appeals[1]


def test_coordinators_and_the_committee_find_it_all_needing_attention(village):
    founder = member_of(village, "founder")  # coordinator and committee
    kinds = {item.kind for item in attention_for(actor=founder, community=village, today=PINNED)}
    assert {"need.unanswered", "promise.overdue", "appeal.waiting", "contribution.waiting"} <= kinds


def test_members_records_wait_and_one_was_declined(village):
    records = PendingContribution.objects.filter(community_id=village.id)
    waiting = records.filter(state="waiting").select_related("submitted_by__user", "pool")
    assert {(r.submitted_by.user.username, r.pool.name) for r in waiting} == {
        ("member", "Granary"),
        ("committee", "Kitchen"),
    }
    declined = records.get(state="declined")
    assert declined.decline_reason == ENGLISH.record_declined
    assert declined.event_id is None


def test_the_granary_hands_out_a_weekly_ration_these_last_weeks(village):
    rations = Event.objects.filter(
        community=village, action="distribute", note__startswith="Weekly ration: "
    ).select_related("resource", "receiver_household")
    weeks = {e.occurred_at.astimezone(ZONE).date() for e in rations.filter(resource__name="grain")}
    assert len(weeks) == 8
    assert min(weeks) >= PINNED - timedelta(weeks=8)
    for e in rations.filter(resource__name="grain"):
        assert e.note == "Weekly ration: 1.5 kg a person."
        assert e.quantity == 1_500 * e.receiver_household.size


def test_everything_is_dated_by_the_demo_s_clock_before_its_end(village):
    end = end_of_demo()
    start = end - timedelta(weeks=104)
    for model, field in (
        (Need, "created_at"),
        (Offer, "created_at"),
        (Commitment, "created_at"),
        (AllocationRound, "created_at"),
    ):
        stamps = model.objects.filter(community=village).values_list(field, flat=True)
        assert stamps and all(start <= s < end for s in stamps), model
    events = Event.objects.filter(community=village)
    assert all(start - timedelta(days=1) <= e.recorded_at < end for e in events)
    entries = AuditEntry.objects.filter(community=village)
    assert all(e.at < end for e in entries)
    assert all(e.at <= timezone.now() for e in entries)


def test_no_store_goes_below_zero_in_time_order_either(village):
    """The stores' charts add movements up by when they happened: never below zero there."""
    balance = Counter()
    for e in Event.objects.filter(community=village).order_by("occurred_at", "id"):
        if e.receiver_pool_id:
            balance[e.receiver_pool_id, e.resource_id] += e.quantity
        if e.provider_pool_id:
            balance[e.provider_pool_id, e.resource_id] -= e.quantity
            assert balance[e.provider_pool_id, e.resource_id] >= 0, e


def test_its_chain_verifies_with_every_kind_of_aid_entry(village):
    assert verify_community(village.id).ok
    verbs = set(AuditEntry.objects.filter(community=village).values_list("verb", flat=True))
    assert {
        "need.post",
        "need.withdraw",
        "offer.post",
        "commitment.make",
        "commitment.accept",
        "commitment.fulfil",
        "commitment.fail",
        "round.open",
        "round.edit",
        "round.reject",
        "round.approve",
        "round.decision_note",
        "round.execute",
        "appeal.file",
        "appeal.decide",
        "contribution.submit",
        "contribution.decline",
    } <= verbs


def test_the_same_seed_gives_the_same_aid(village):
    seed(add_another=True, **SMALL)
    again = Community.objects.get(slug="demo-2")

    def aid(community):
        needs = Need.objects.filter(community=community).order_by("id")
        promises = Commitment.objects.filter(community=community).order_by("id")
        return (
            [(n.household.name, n.quantity, n.urgency, n.needed_by, n.created_at) for n in needs],
            [(c.quantity, c.due_on, c.state(PINNED)) for c in promises],
            list(
                AllocationShare.objects.filter(round__community=community)
                .order_by("id")
                .values_list("household__name", "asked", "share", "revision")
            ),
        )

    assert aid(again) == aid(village)


RUSSIAN_TEXT = re.compile(r"^[А-Яа-яЁё .()«»:;,\-—\d\u00a0]*$")


def test_in_russian_every_word_of_the_aid_is_russian(db, today):  # noqa: F811
    seed(language="ru", **SMALL)
    village = Community.objects.get(slug="demo")
    texts = [
        *Need.objects.filter(community=village).values_list("note", flat=True),
        *Offer.objects.filter(community=village).values_list("skill", "note"),
        *Commitment.objects.filter(community=village).values_list("fate_note", flat=True),
        *AllocationRound.objects.filter(community=village).values_list("note", flat=True),
        *RoundDecision.objects.filter(round__community=village).values_list("note", flat=True),
        *Appeal.objects.filter(round__community=village).values_list("reason", "decision_note"),
        *PendingContribution.objects.filter(community_id=village.id).values_list(
            "decline_reason", flat=True
        ),
        *Event.objects.filter(community=village).values_list("note", flat=True),
    ]
    flat = [t for text in texts for t in (text if isinstance(text, tuple) else (text,))]
    assert {t for t in flat if t} >= {RUSSIAN.crisis_round, RUSSIAN.appeals[1], *RUSSIAN.skills}
    assert all(RUSSIAN_TEXT.match(t) for t in flat), [t for t in flat if not RUSSIAN_TEXT.match(t)]
    assert "Недельный паёк: 1,5 кг на человека." in flat
    assert verify_community(village.id).ok


def test_the_languages_give_the_aid_the_same_words():
    for name in (
        "skills",
        "need_notes",
        "offer_notes",
        "appeals",
    ):
        assert len(getattr(ENGLISH, name)) == len(getattr(RUSSIAN, name)), name
    assert "{amount}" in ENGLISH.ration and "{amount}" in RUSSIAN.ration


@pytest.mark.parametrize("username", ["founder", "coordinator", "committee", "member"])
def test_every_page_of_its_aid_opens_for_every_demo_login(village, client, username):
    """What the demo is for: each login opens the pages and finds them filled, in both the
    coordinator's and the member's view (presenters over real data, nothing crashing)."""
    client.force_login(member_of(village, username).user)
    base = "/c/demo/"
    pages = [
        "",
        "needs/",
        "offers/",
        "promises/",
        "rounds/",
        "movements/",
        "audit/",
        "drill/",
        *(f"rounds/{pk}/" for pk in AllocationRound.objects.values_list("pk", flat=True)),
        *(f"promises/{c.pk}/" for c in Commitment.objects.filter(community=village)),
    ]
    member = member_of(village, username)
    for need in Need.objects.filter(household=member.household):
        pages.append(f"needs/{need.pk}/")
    for page in pages:
        response = client.get(base + page)
        # 403: the drill is for coordinators and the committee; 404: another household's
        # promise, as if it did not exist
        assert response.status_code in (200, 403, 404), (page, response.status_code)
        if page in ("", "needs/", "offers/", "promises/", "rounds/", "movements/", "audit/"):
            assert response.status_code == 200, page
    home = client.get(base).content.decode()
    if username == "member":
        assert "Accept or decline it." in home  # its childcare, proposed to a neighbour
        assert "urgent" in home and "partly met" in home  # its needs: today's, the round's
        assert f"Declined: {ENGLISH.record_declined}" in home
    else:
        assert "waiting for confirmation" in home
