from datetime import date, timedelta

import pytest
from django.utils import timezone

from pomochi.aid.models import Need
from pomochi.aid.services import (
    commitment_make,
    need_edit,
    need_post,
    need_withdraw,
    offer_edit,
    offer_post,
)
from pomochi.audit.verify import verify_community
from pomochi.communities import policy
from pomochi.errors import Conflict, InvalidInput, NotAllowed


def test_a_household_posts_its_own_need(village):
    v = village
    need = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=5_000,
        urgency="urgent",
        note="the children",
    )
    assert need.state(timezone.localdate()) == "open"
    assert verify_community(v.community.id).ok


def test_a_member_cannot_post_for_another_household(village):
    v = village
    with pytest.raises(NotAllowed):
        need_post(
            actor=v.bob,
            community=v.community,
            household=v.sidorovs,
            resource=v.grain,
            quantity=5_000,
        )


def test_a_coordinator_posts_on_behalf_of_a_household(village):
    v = village
    need = need_post(
        actor=v.alice, community=v.community, household=v.sidorovs, resource=v.grain, quantity=5_000
    )
    assert need.created_by == v.alice and need.household == v.sidorovs


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"urgency": "whenever"}, "urgency"),
        ({"needed_by": date(2000, 1, 1)}, "needed_by"),
    ],
)
def test_a_bad_need_is_refused(village, kwargs, field):
    v = village
    args = {
        "actor": v.bob,
        "community": v.community,
        "household": v.petrovs,
        "resource": v.grain,
        "quantity": 5_000,
    } | kwargs
    with pytest.raises(InvalidInput) as info:
        need_post(**args)
    assert info.value.field == field
    assert not Need.objects.exists()


def test_a_need_is_private_to_its_household_coordinators_and_committee(village):
    v = village
    need = need_post(
        actor=v.alice, community=v.community, household=v.sidorovs, resource=v.grain, quantity=5_000
    )
    assert [policy.can(m, "need.view", need) for m in (v.alice, v.vera, v.olga, v.bob)] == [
        True,
        True,
        True,
        False,
    ]


def test_bylaws_can_make_needs_visible_to_all(village):
    from pomochi.communities.bylaws import default_rules
    from pomochi.communities.services import bylaws_change

    v = village
    need = need_post(
        actor=v.alice, community=v.community, household=v.sidorovs, resource=v.grain, quantity=5_000
    )
    rules = default_rules()
    rules["privacy"]["needs_visible_to_members"] = True
    bylaws_change(actor=v.vera, community=v.community, rules=rules, reason="openness")
    assert policy.can(v.bob, "need.view", need)


def test_a_need_is_edited_until_matched_then_frozen(village):
    v = village
    need = need_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.potatoes, quantity=50
    )
    need = need_edit(actor=v.bob, need=need, quantity=70, urgency="soon")
    assert (need.quantity, need.urgency) == (70, "soon")
    commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=v.petrovs,
        giver_household=v.ivanovs,
        resource=v.potatoes,
        quantity=70,
        due_on=timezone.localdate() + timedelta(days=3),
        need=need,
    )
    with pytest.raises(Conflict, match="no longer be changed"):
        need_edit(actor=v.bob, need=need, quantity=90)


def test_a_withdrawn_need_stays_withdrawn(village):
    v = village
    need = need_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.potatoes, quantity=50
    )
    need_withdraw(actor=v.bob, need=need)
    need.refresh_from_db()
    assert need.state(timezone.localdate()) == "withdrawn"
    with pytest.raises(Conflict):
        need_edit(actor=v.bob, need=need, quantity=10)


def test_a_need_expires_by_its_date_without_any_job(village):
    v = village
    need = need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.potatoes,
        quantity=50,
        needed_by=timezone.localdate() + timedelta(days=2),
    )
    assert need.state(timezone.localdate() + timedelta(days=3)) == "expired"


def test_offers_are_visible_to_the_community_and_checked(village, hamlet):
    v = village
    offer = offer_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.labour,
        quantity=400,
        skill="roofing",
        available_until=timezone.localdate() + timedelta(days=30),
    )
    assert policy.can(v.vera, "offer.view", offer)
    assert not policy.can(hamlet.charlie, "offer.view", offer)
    with pytest.raises(InvalidInput, match="Only labour has a skill"):
        offer_post(
            actor=v.bob,
            community=v.community,
            household=v.petrovs,
            resource=v.grain,
            quantity=1,
            skill="baking",
        )
    with pytest.raises(NotAllowed):
        offer_edit(actor=v.vera, offer=offer, quantity=1)
    assert offer_edit(actor=v.bob, offer=offer, quantity=800).quantity == 800


def test_a_needs_date_in_a_round_s_choice_reads_as_the_language_writes_dates(needy_village):
    from datetime import date

    from django.utils import translation

    from pomochi.aid.forms import NeedChoiceField

    v = needy_village
    v.need_petrovs.needed_by = date(2026, 12, 10)
    field = NeedChoiceField(queryset=None)
    with translation.override("en"):
        assert field.label_from_instance(v.need_petrovs).endswith("by Dec. 10, 2026")
    with translation.override("ru"):
        assert field.label_from_instance(v.need_petrovs).endswith("10 декабря 2026 г.")
