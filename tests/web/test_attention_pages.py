"""The home page's lists (what needs attention; the member's own household), a round's
carry-out confirmation, and the words when a coordinator posts a need for another household."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pomochi.aid.models import AllocationRound, Need, RoundStatus
from pomochi.aid.rounds import round_decide, round_open
from pomochi.aid.services import commitment_make, need_post
from pomochi.audit.models import AuditEntry
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_distribute


def url(name, *args):
    return reverse(name, args=["village", *args])


def home(client, who):
    client.force_login(who.user)
    response = client.get(url("community"))
    assert response.status_code == 200
    return response


def attention_lines(response) -> list[str]:
    section = re.search(r'<section class="card attention".*?</section>', response.text, re.S)
    return (
        re.findall(r'<li[^>]*><a href="([^"]+)">([^<]+)</a>', section.group(0)) if section else []
    )


def urgent_need(v, quantity=30_000):
    return need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=quantity,
        urgency="urgent",
    )


def test_a_coordinator_s_home_starts_with_an_urgent_need_linked_to_its_page(client, village):
    v = village
    need = urgent_need(v)
    response = home(client, v.alice)
    assert attention_lines(response) == [
        (url("need", need.id), "Petrovs: 30 kg of grain needed urgently; nothing is promised.")
    ]
    text = response.text
    assert text.index("Needs attention") < text.index("Shared stores")
    assert '<li data-kind="need.unanswered" class="urgent">' in text


def test_an_empty_list_says_so(client, village):
    response = home(client, village.alice)
    assert attention_lines(response) == []
    assert "Nothing waits for you." in response.text


def test_a_plain_member_has_no_such_list_but_their_own_household(client, village):
    v = village
    urgent_need(v)
    commitment_make(  # alice asks the Petrovs to give the Sidorovs an hour
        actor=v.alice,
        community=v.community,
        receiver=v.sidorovs,
        giver_household=v.petrovs,
        resource=v.labour,
        quantity=100,
        due_on=timezone.localdate() + timedelta(days=2),
    )
    response = home(client, v.bob)
    text = response.text
    assert "Needs attention" not in text and response.context["attention"] is None
    own = re.search(r'<section class="own".*?</section>', text, re.S).group(0)
    assert "Petrovs: needs, promises and shares" in own
    assert "<strong>30 kg</strong> grain" in own and ">open<" in own
    assert "Your household is asked to give this. Accept or decline it." in own
    assert "1 h" in own and "Petrovs → Sidorovs" in own


def test_a_member_with_nothing_going_is_told_so_briefly(client, village):
    text = home(client, village.bob).text
    assert "Nothing waits for your household: no needs, open promises or shares." in text


def test_the_committee_sees_the_round_awaiting_its_decision(client, stocked_village):
    v = stocked_village
    round_ = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=2_000, needs=[urgent_need(v)]
    )
    assert attention_lines(home(client, v.vera)) == [
        (
            url("round", round_.id),
            "Waiting for your decision: a round of 2 kg of grain from Granary.",
        )
    ]
    # the need is in a round: it no longer waits for a coordinator's answer
    assert attention_lines(home(client, v.alice)) == []


def test_the_founder_s_checklist_comes_first(client, db):
    from pomochi.accounts.models import User
    from pomochi.communities.services import community_create

    founder = User.objects.create_user(username="nina", password="nina-pass-2026")
    community_create(slug="village", name="Village", founder=founder)
    client.force_login(founder)
    text = client.get(url("community")).text
    assert text.index("Getting started") < text.index("Needs attention")


def test_the_home_page_reads_as_many_queries_for_300_needs_and_events_as_for_3(
    client, stocked_village
):
    v = stocked_village
    client.force_login(v.alice.user)

    def more(n):
        for _i in range(n):
            urgent_need(v, quantity=10)
            event_distribute(
                actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1
            )

    more(3)
    client.get(url("community"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("community"))
    more(297)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("community"))
    assert len(many) == len(few)
    assert "297 more needs wait for a promise." in response.text


# --- carrying out a round: a confirmation first ---------------------------------------------


@pytest.fixture
def ready(stocked_village):
    """A round of 3 kg among the Petrovs (2 kg) and the Sidorovs (1 kg), approved."""
    v = stocked_village
    needs = [
        need_post(
            actor=v.alice,
            community=v.community,
            household=household,
            resource=v.grain,
            quantity=quantity,
        )
        for household, quantity in ((v.petrovs, 2_000), (v.sidorovs, 1_000))
    ]
    v.round = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=3_000, needs=needs
    )
    for member in (v.vera, v.olga):
        v.round = round_decide(actor=member, round=v.round, approve=True)
    return v


def stock(v) -> int:
    return Holding.objects.get(pool=v.granary, resource=v.grain).quantity


def test_the_round_page_leads_to_the_confirmation_not_straight_to_the_act(client, ready):
    v = ready
    client.force_login(v.alice.user)
    text = client.get(url("round", v.round.id)).text
    confirm = url("round-execute", v.round.id)
    assert f'<a class="button" href="{confirm}">Carry it out</a>' in text
    assert f'action="{confirm}"' not in text  # no form that acts at once


def test_the_confirmation_says_what_will_happen_and_changes_nothing(client, ready):
    v = ready
    before = (stock(v), AuditEntry.objects.count(), Event.objects.count())
    client.force_login(v.alice.user)
    response = client.get(url("round-execute", v.round.id))
    assert response.status_code == 200
    text = response.text
    assert (
        "2 households receive 3 kg of grain from Granary; this cannot be undone, only corrected "
        "entry by entry." in text
    )
    assert "Granary holds 100 kg now; 97 kg will be left." in text
    assert "<strong>Petrovs</strong>: 2 kg" in text and "<strong>Sidorovs</strong>: 1 kg" in text
    assert f'action="{url("round-execute", v.round.id)}"' in text
    assert (stock(v), AuditEntry.objects.count(), Event.objects.count()) == before
    v.round.refresh_from_db()
    assert v.round.status == RoundStatus.APPROVED


def test_one_household_is_said_in_the_singular(client, stocked_village):
    v = stocked_village
    round_ = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=1_500, needs=[urgent_need(v)]
    )
    for member in (v.vera, v.olga):
        round_decide(actor=member, round=round_, approve=True)
    client.force_login(v.alice.user)
    text = client.get(url("round-execute", round_.id)).text
    assert "1 household receives 1.5 kg of grain from Granary; this cannot be undone" in text


def test_the_confirmation_warns_when_the_store_no_longer_holds_enough(client, ready):
    v = ready
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.ivanovs, resource=v.grain, quantity=98_000
    )
    client.force_login(v.alice.user)
    text = client.get(url("round-execute", v.round.id)).text
    assert "Granary holds only 2 kg: carrying the round out will be refused" in text


def test_confirming_carries_it_out(client, ready):
    v = ready
    client.force_login(v.alice.user)
    response = client.post(url("round-execute", v.round.id))
    assert response.status_code == 302
    assert stock(v) == 97_000
    assert AllocationRound.objects.get(pk=v.round.pk).status == RoundStatus.EXECUTED
    # asked again afterwards (a reload, the back button): it says so, and does nothing
    again = client.get(url("round-execute", v.round.id))
    assert again.status_code == 422
    assert again.context["action_error"] == "This round has already been carried out."
    assert stock(v) == 97_000


def test_a_round_not_approved_has_no_confirmation(client, stocked_village):
    v = stocked_village
    round_ = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=1_000, needs=[urgent_need(v)]
    )
    client.force_login(v.alice.user)
    response = client.get(url("round-execute", round_.id))
    assert response.status_code == 422
    assert response.context["action_error"] == "The committee has not approved this round yet."


def test_only_a_coordinator_is_asked_to_confirm(client, ready):
    v = ready
    for who in (v.bob, v.vera):
        client.force_login(who.user)
        assert client.get(url("round-execute", v.round.id)).status_code == 403


# --- a need posted for another household ----------------------------------------------------


def post_need(client, v, who, household):
    client.force_login(who.user)
    data = {"household": household.id, "resource": v.grain.id, "quantity": "1", "urgency": "soon"}
    return client.post(url("need-new"), data, follow=True)


def test_a_coordinator_posting_for_a_household_is_told_whose_need_it_is(client, village):
    response = post_need(client, village, village.alice, village.sidorovs)
    assert [str(m) for m in response.context["messages"]] == [
        "The Sidorovs' need for 1 kg of grain is posted."
    ]
    assert Need.objects.get().household == village.sidorovs


def test_posting_for_one_s_own_household_says_your_need(client, village):
    response = post_need(client, village, village.alice, village.ivanovs)
    assert [str(m) for m in response.context["messages"]] == [
        "Your need of 1 kg of grain is posted."
    ]


def test_nothing_is_said_of_a_need_refused(client, village):
    client.force_login(village.bob.user)
    data = {"household": village.sidorovs.id, "resource": village.grain.id, "quantity": "1"}
    response = client.post(url("need-new"), data | {"urgency": "soon"})
    assert response.status_code == 422
    assert not Need.objects.exists()


def test_a_coordinator_s_own_household_shows_only_when_it_has_something_going(client, village):
    v = village
    assert '<section class="own"' not in home(client, v.alice).text  # "nothing" said once
    need_post(
        actor=v.alice, community=v.community, household=v.ivanovs, resource=v.grain, quantity=1
    )
    assert "Ivanovs: needs, promises and shares" in home(client, v.alice).text
