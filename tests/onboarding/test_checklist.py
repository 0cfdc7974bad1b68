"""The founder's first-run checklist on the community's home page: shown to the founder only,
while any step is neither done nor skipped; each step skippable; gone when all are through."""

import pytest
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.communities.bylaws import default_rules
from pomochi.communities.invitations import invitation_create
from pomochi.communities.services import bylaws_change, household_create
from pomochi.errors import InvalidInput, NotAllowed
from pomochi.onboarding.selectors import STEPS, setup_remaining
from pomochi.onboarding.services import community_found, community_setup_skip
from tests.conftest import enrol, make_user


@pytest.fixture
def fresh(db):
    """A community just founded by zoya, with no starter set: every step still to do."""
    zoya = make_user("zoya")
    community = community_found(user=zoya, name="Upper", slug="upper")
    return community, community.memberships.get(user=zoya)


def home(client, user, slug="upper"):
    client.force_login(user)
    response = client.get(reverse("community", args=[slug]))
    assert response.status_code == 200
    return response


def test_a_new_community_shows_every_step_to_its_founder(client, fresh):
    community, zoya = fresh
    response = home(client, zoya.user)
    checklist = response.context["checklist"]
    assert [(s.name, s.state) for s in checklist.steps] == [(s, "todo") for s in STEPS]
    page = response.content.decode()
    assert "Getting started" in page and "5 steps left" in page
    # The steps link to the pages that exist; the stores' and resources' pages come later.
    links = {s.name: s.url for s in checklist.steps}
    assert links["households"] == reverse("household-add", args=["upper"])
    assert links["invite"] == reverse("invitations", args=["upper"])
    assert links["bylaws"] == reverse("bylaws", args=["upper"])
    assert f'href="{links["households"]}"' in page


def test_no_one_but_the_founder_sees_it(client, fresh):
    community, zoya = fresh
    bob = enrol(actor=zoya, community=community, user=make_user("bob"))
    assert home(client, bob.user).context["checklist"] is None
    assert "Getting started" not in home(client, bob.user).content.decode()


def test_a_coordinator_who_did_not_found_it_does_not_see_it(client, village):
    assert home(client, village.alice.user, "village").context["checklist"] is None


def test_a_community_without_a_recorded_founder_shows_none(client, village):
    village.community.founded_by = None
    village.community.save()
    assert home(client, village.olga.user, "village").context["checklist"] is None


def test_each_step_is_done_by_its_own_records(fresh):
    community, zoya = fresh
    household = household_create(actor=zoya, community=community, name="Orlovs")
    assert "households" not in setup_remaining(community=community)
    invitation_create(actor=zoya, community=community, household=household)
    assert "invite" not in setup_remaining(community=community)
    rules = default_rules() | {"approval_quorum": 1}
    bylaws_change(actor=zoya, community=community, rules=rules, reason="we are few")
    assert setup_remaining(community=community) == ["stores", "resources"]


def test_a_second_member_counts_as_inviting(fresh):
    community, zoya = fresh
    enrol(actor=zoya, community=community, user=make_user("bob"))
    assert "invite" not in setup_remaining(community=community)


def test_a_starter_set_does_the_first_two_steps(db):
    community = community_found(user=make_user("zoya"), name="Up", slug="up", starter="village")
    assert setup_remaining(community=community) == ["households", "invite", "bylaws"]


def test_skipping_a_step_takes_it_off_and_is_on_the_record(client, fresh):
    community, zoya = fresh
    client.force_login(zoya.user)
    response = client.post(reverse("setup-skip", args=["upper"]), {"step": "stores"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "community", args=["upper"]
    )
    community.refresh_from_db()
    assert community.setup_skipped == ["stores"]
    checklist = home(client, zoya.user).context["checklist"]
    assert [s.state for s in checklist.steps] == ["skipped", "todo", "todo", "todo", "todo"]
    entry = AuditEntry.objects.get(community=community, verb="community.setup_skip")
    assert entry.actor_id == zoya.id


def test_skipping_twice_is_one_skip(fresh):
    community, zoya = fresh
    community_setup_skip(actor=zoya, community=community, step="bylaws")
    community_setup_skip(actor=zoya, community=community, step="bylaws")
    community.refresh_from_db()
    assert community.setup_skipped == ["bylaws"]
    assert AuditEntry.objects.filter(verb="community.setup_skip").count() == 1


def test_the_checklist_goes_away_when_every_step_is_done_or_skipped(client, fresh):
    community, zoya = fresh
    household_create(actor=zoya, community=community, name="Orlovs")
    for step in ("stores", "resources", "invite", "bylaws"):
        community_setup_skip(actor=zoya, community=community, step=step)
    response = home(client, zoya.user)
    assert response.context["checklist"] is None
    assert "Getting started" not in response.content.decode()


def test_only_the_founder_skips_changing_nothing(client, fresh):
    community, zoya = fresh
    bob = enrol(actor=zoya, community=community, user=make_user("bob"))
    with pytest.raises(NotAllowed):
        community_setup_skip(actor=bob, community=community, step="stores")
    client.force_login(bob.user)
    assert client.post(reverse("setup-skip", args=["upper"]), {"step": "stores"}).status_code == 403
    community.refresh_from_db()
    assert community.setup_skipped == []


def test_an_unknown_step_is_refused_changing_nothing(fresh):
    community, zoya = fresh
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput, match="Unknown step") as refused:
        community_setup_skip(actor=zoya, community=community, step="harvest")
    assert refused.value.field == "step"
    community.refresh_from_db()
    assert community.setup_skipped == [] and AuditEntry.objects.count() == before
