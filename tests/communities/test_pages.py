from django.urls import reverse

from pomochi.communities.models import Membership
from pomochi.communities.selectors import bylaws_current


def test_the_members_page_offers_only_the_role_changes_the_policy_allows(client, village):
    v = village
    client.force_login(v.alice.user)  # coordinator, not committee
    rows = {
        r["m"]["id"]: r for r in client.get(reverse("members", args=["village"])).context["rows"]
    }
    assert rows[v.bob.id]["can_coordinator"] and not rows[v.bob.id]["can_committee"]
    assert not rows[v.alice.id]["can_coordinator"]  # not their own
    client.force_login(v.bob.user)
    page = client.get(reverse("members", args=["village"]))
    assert not any(r["can_coordinator"] or r["can_committee"] for r in page.context["rows"])
    assert "Make coordinator" not in page.content.decode()


def test_a_coordinator_makes_bob_coordinator_but_not_committee(client, village):
    v = village
    client.force_login(v.alice.user)
    url = reverse("member-roles", args=["village", v.bob.id])
    assert client.post(url, {"role": "coordinator", "grant": "1"}).status_code == 302
    assert client.post(url, {"role": "committee", "grant": "1"}).status_code == 403
    bob = Membership.objects.get(pk=v.bob.id)
    assert (bob.is_coordinator, bob.is_committee) == (True, False)


def test_plain_members_are_refused_the_invitation_and_household_forms(client, village):
    client.force_login(village.bob.user)
    assert client.get(reverse("invitations", args=["village"])).status_code == 403
    assert client.get(reverse("household-add", args=["village"])).status_code == 403


def test_a_coordinator_adds_a_household(client, village):
    client.force_login(village.alice.user)
    response = client.post(
        reverse("household-add", args=["village"]), {"name": "Belovs", "size": "0"}
    )
    assert response.status_code == 422  # at least one person
    response = client.post(
        reverse("household-add", args=["village"]),
        {"name": "Belovs", "size": "3", "has_children": "on"},
    )
    assert response.status_code == 302
    assert village.community.households.get(name="Belovs").has_children


def test_everyone_reads_the_bylaws_only_the_committee_changes_them(client, village):
    v = village
    client.force_login(v.bob.user)
    page = client.get(reverse("bylaws", args=["village"]))
    assert page.status_code == 200 and not page.context["can_change"]
    assert "Committee approvals needed for an allocation" in page.content.decode()
    assert client.get(reverse("bylaws-change", args=["village"])).status_code == 403
    client.force_login(v.vera.user)
    form = client.get(reverse("bylaws-change", args=["village"])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not False}
    data |= {"approval_quorum": "3", "reason": "three signatures"}
    assert client.post(reverse("bylaws-change", args=["village"]), data).status_code == 302
    assert bylaws_current(community=v.community).rules["approval_quorum"] == 3
    old = client.get(reverse("bylaws-version", args=["village", 1]))
    assert "This is an old version." in old.content.decode()


def test_a_bad_bylaws_change_is_refused_next_to_the_field(client, village):
    client.force_login(village.vera.user)
    form = client.get(reverse("bylaws-change", args=["village"])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not False}
    data |= {"approval_quorum": "0", "reason": "no"}
    response = client.post(reverse("bylaws-change", args=["village"]), data)
    assert response.status_code == 422
    assert "approval_quorum" in response.context["form"].errors
    assert bylaws_current(community=village.community).version == 1


def test_the_bylaws_form_covers_every_rule_of_the_schema():
    from pomochi.communities.bylaws import Rules, default_rules
    from pomochi.communities.forms import BylawsForm

    form = BylawsForm(rules=default_rules())
    fields = set(form.fields) - {"reason"}
    assert fields == (set(Rules.model_fields) - {"privacy"}) | set(default_rules()["privacy"])


def test_the_audit_page_shows_the_head_and_checks_the_links(client, stocked_village):
    client.force_login(stocked_village.bob.user)
    response = client.get(reverse("audit", args=["village"]))
    assert response.status_code == 200
    assert response.context["bad_seq"] is None
    page = response.content.decode()
    assert response.context["head"].hash in page
    assert "private" in page  # the Sidorovs' household entry, for instance
