"""equal_per_household is a flat ration: the same ration for every household, and what is left
stays in the store even when there is exactly enough for every need. It says so by name, in
each share's explanation and on the round's page, with how much stays and why."""

from django.urls import reverse
from django.utils.html import escape

from pomochi.aid.explain import rule_description, rule_name, share_sentence
from pomochi.aid.models import AllocationShare
from pomochi.aid.rounds import round_open
from pomochi.aid.services import need_post


def flat_round(v, rule="equal_per_household", quantity=10_000):
    """The Ivanovs ask 1 kg and the Petrovs 9 kg; 10 kg of the Granary's grain are shared."""
    ivanovs = need_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=1_000
    )
    petrovs = need_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.grain, quantity=9_000
    )
    return round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=quantity,
        needs=[ivanovs, petrovs],
        rule=rule,
    )


def test_a_flat_ration_keeps_back_what_the_small_need_left_and_says_so(stocked_village):
    v = stocked_village
    round_ = flat_round(v)
    shares = {s.household.name: s for s in AllocationShare.objects.filter(round=round_)}
    assert {name: s.share for name, s in shares.items()} == {"Ivanovs": 1_000, "Petrovs": 5_000}
    assert rule_name("equal_per_household") == "a flat ration per household"
    assert rule_description("equal_per_household").startswith(
        "A flat ration: the same ration for every household"
    )
    assert "what is left stays in the store" in rule_description("equal_per_household")
    assert share_sentence(shares["Petrovs"], v.grain) == (
        "You asked 9 kg; 2 households shared 10 kg by a flat ration per household; the ration "
        "was 5 kg; 4 kg stays in the store; you receive 5 kg."
    )


def test_the_round_page_shows_what_stays_in_the_store_and_why(client, stocked_village):
    v = stocked_village
    round_ = flat_round(v)
    client.force_login(v.bob.user)  # a plain member sees the totals, and so what stays
    page = client.get(reverse("round", args=["village", round_.id]))
    assert page.status_code == 200
    kept = (
        "4 kg stays in the store: a flat ration gives every household the same ration, and what "
        "a household does not need of it stays in the store rather than going to the others."
    )
    assert page.context["kept"] == kept
    text = page.content.decode()
    assert "Stays in the store" in text and escape(kept) in text


def test_a_round_that_hands_out_everything_keeps_nothing_and_says_nothing(client, stocked_village):
    v = stocked_village
    round_ = flat_round(v, rule="max_min")
    assert {s.share for s in AllocationShare.objects.filter(round=round_)} == {1_000, 9_000}
    client.force_login(v.alice.user)
    page = client.get(reverse("round", args=["village", round_.id]))
    assert page.context["kept"] == "" and "Stays in the store" not in page.content.decode()


def test_a_round_larger_than_its_needs_says_they_asked_for_no_more(client, stocked_village):
    v = stocked_village
    round_ = flat_round(v, rule="max_min", quantity=25_000)
    client.force_login(v.alice.user)
    page = client.get(reverse("round", args=["village", round_.id]))
    assert page.context["kept"] == (
        "15 kg stays in the store: the needs in this round asked for no more."
    )
