"""Nobody is added to a community without their own act: invitations, accepted by the invitee.

A coordinator invites by e-mail or with a one-time code for paper; the invitee accepts while
logged in, or makes an account of their own through the invitation. An existing account is never
attached by its name, and a used, withdrawn, expired or unknown code all read the same.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pomochi.accounts.models import User
from pomochi.audit.models import AuditEntry
from pomochi.audit.selectors import audit_chain_for
from pomochi.audit.verify import verify_community
from pomochi.communities.invitations import (
    account_create_and_accept,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from pomochi.communities.models import Invitation, Membership
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import make_user

NOT_VALID = "This invitation is not valid"


def audit_count(community):
    return AuditEntry.objects.filter(community=community).count()


@pytest.fixture
def invited(village):
    """alice has invited someone into the Sidorovs' household; the code is on paper."""
    village.issued = invitation_create(
        actor=village.alice, community=village.community, household=village.sidorovs
    )
    return village


def test_an_invitation_adds_nobody_until_it_is_accepted(invited):
    v = invited
    nina = make_user("nina")
    assert not Membership.objects.filter(user=nina).exists()
    membership = invitation_accept(user=nina, code=v.issued.code)
    assert (membership.community, membership.household) == (v.community, v.sidorovs)
    assert (membership.is_coordinator, membership.is_committee) == (False, False)
    invitation = Invitation.objects.get(pk=v.issued.invitation.pk)
    assert invitation.accepted_by == membership and invitation.state(timezone.now()) == "accepted"
    # The joining is the invitee's own act in the chain.
    last = AuditEntry.objects.filter(community=v.community).order_by("-seq").first()
    assert (last.verb, last.actor_id, last.household_id) == (
        "membership.add",
        membership.id,
        v.sidorovs.id,
    )
    assert verify_community(v.community.id).ok


def test_a_code_is_used_once(invited):
    v = invited
    invitation_accept(user=make_user("nina"), code=v.issued.code)
    stranger = make_user("stranger")
    with pytest.raises(InvalidInput, match=NOT_VALID):
        invitation_accept(user=stranger, code=v.issued.code)
    assert not Membership.objects.filter(user=stranger).exists()


def test_a_code_may_be_typed_in_any_case_with_dashes_and_spaces(invited):
    typed = " " + invited.issued.printable.lower().replace("-", " - ") + " "
    membership = invitation_accept(user=make_user("nina"), code=typed)
    assert membership.community == invited.community


@pytest.mark.parametrize("how", ["unknown", "withdrawn", "expired", "short"])
def test_used_withdrawn_expired_and_unknown_codes_read_the_same(invited, how):
    v = invited
    code = v.issued.code
    if how == "unknown":
        code = "23456789ABCD" if code != "23456789ABCD" else "33456789ABCD"
    elif how == "withdrawn":
        invitation_revoke(actor=v.alice, invitation=v.issued.invitation)
    elif how == "expired":
        Invitation.objects.filter(pk=v.issued.invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    else:
        code = code[:6]
    before = audit_count(v.community)
    with pytest.raises(InvalidInput) as refused:
        invitation_accept(user=make_user("nina"), code=code)
    assert str(refused.value) == (
        "This invitation is not valid: it may have been used, withdrawn or expired."
    )
    assert audit_count(v.community) == before


def test_a_member_cannot_join_twice_and_the_invitation_stays_open(invited):
    v = invited
    with pytest.raises(Conflict, match="already a member of Village"):
        invitation_accept(user=v.bob.user, code=v.issued.code)
    assert Membership.objects.get(user=v.bob.user, community=v.community).household == v.petrovs
    assert Invitation.objects.get(pk=v.issued.invitation.pk).state(timezone.now()) == "open"


def test_a_person_may_belong_to_several_communities_by_accepting(invited, hamlet):
    issued = invitation_create(
        actor=hamlet.charlie, community=hamlet.community, household=hamlet.kuznetsovs
    )
    second = invitation_accept(user=invited.bob.user, code=issued.code)
    assert set(invited.bob.user.memberships.values_list("community__slug", flat=True)) == {
        "village",
        "hamlet",
    }
    assert not second.is_coordinator


@pytest.mark.parametrize("who", ["bob", "vera"])
def test_only_coordinators_invite(village, who):
    before = audit_count(village.community), Invitation.objects.count()
    with pytest.raises(NotAllowed):
        invitation_create(actor=getattr(village, who), community=village.community)
    assert (audit_count(village.community), Invitation.objects.count()) == before


def test_nobody_invites_into_another_communitys_household(village, hamlet):
    before = Invitation.objects.count()
    with pytest.raises(NotAllowed):
        invitation_create(actor=hamlet.charlie, community=village.community)
    with pytest.raises(InvalidInput, match="another community"):
        invitation_create(
            actor=village.alice, community=village.community, household=hamlet.kuznetsovs
        )
    assert Invitation.objects.count() == before


def test_whom_a_coordinator_invites_is_not_in_the_members_chain(invited):
    v = invited
    seq = AuditEntry.objects.get(verb="invitation.create", object_id=v.issued.invitation.id).seq
    _, links = audit_chain_for(actor=v.bob, community=v.community, per_page=1000)
    [link] = [link for link in links if link.seq == seq]
    assert link.payload is None and link.salt is None
    _, links = audit_chain_for(actor=v.alice, community=v.community, per_page=1000)
    [link] = [link for link in links if link.seq == seq]
    assert f'"household":{v.sidorovs.id}' in link.payload


def test_an_account_is_made_through_an_invitation_all_or_nothing(invited):
    v = invited
    with pytest.raises(InvalidInput, match="Enter a valid username"):
        account_create_and_accept(code=v.issued.code, username="nina!", password="Rye-field-2026")
    with pytest.raises(Conflict, match="username is taken"):
        account_create_and_accept(code=v.issued.code, username="BOB", password="Rye-field-2026")
    with pytest.raises(InvalidInput, match="too common|too short"):
        account_create_and_accept(code=v.issued.code, username="nina", password="password")
    assert not User.objects.filter(username="nina").exists()
    membership = account_create_and_accept(
        code=v.issued.code,
        username="nina",
        password="Rye-field-2026",
        display_name="Nina Sidorova",
    )
    assert membership.household == v.sidorovs
    assert membership.user.check_password("Rye-field-2026")


def test_an_e_mailed_invitation_carries_the_link_and_code_after_commit(
    village, mailoutbox, django_capture_on_commit_callbacks, jobs_at_once
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitation_create(
            actor=village.alice,
            community=village.community,
            email="nina@example.org",
            accept_url="https://pomochi.example/invite/{code}/",
        )
    [message] = mailoutbox
    assert message.to == ["nina@example.org"]
    assert "Village" in message.subject
    assert f"https://pomochi.example/invite/{issued.code}/" in message.body
    assert issued.printable in message.body


# ---- the pages ---------------------------------------------------------------------------


def test_a_coordinator_makes_an_invitation_and_sees_its_code_once(client, village):
    client.force_login(village.alice.user)
    url = reverse("invitations", args=["village"])
    response = client.post(url, {"household": village.sidorovs.id, "email": ""})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    [issued] = page.context["issued"]
    assert issued.printable in page.content.decode()
    assert reverse("invite", args=[issued.code]) in page.context["link"]
    again = client.get(url)
    assert again.context["issued"] == [] and issued.printable not in again.content.decode()
    assert [i.household for i in client.get(url).context["open"]] == [village.sidorovs]


def test_the_invitation_form_refuses_another_communitys_household(client, village, hamlet):
    client.force_login(village.alice.user)
    before = Invitation.objects.count()
    url = reverse("invitations", args=["village"])
    response = client.post(url, {"household": hamlet.kuznetsovs.id})
    assert response.status_code == 422
    assert Invitation.objects.count() == before


def test_someone_new_makes_their_account_through_the_link(client, invited):
    v = invited
    url = reverse("invite", args=[v.issued.code])
    page = client.get(url)
    assert page.status_code == 200 and "Join Village" in page.content.decode()
    refused = client.post(
        url, {"username": "nina", "password": "Rye-field-2026", "password_again": "other"}
    )
    assert refused.status_code == 422 and not User.objects.filter(username="nina").exists()
    response = client.post(
        url,
        {"username": "nina", "password": "Rye-field-2026", "password_again": "Rye-field-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("community", args=["village"])
    assert client.get(reverse("community", args=["village"])).status_code == 200  # logged in
    assert Membership.objects.get(user__username="nina").household == v.sidorovs


def test_someone_with_an_account_accepts_while_logged_in(client, invited, hamlet):
    client.force_login(hamlet.charlie.user)
    url = reverse("invite", args=[invited.issued.code])
    page = client.get(url)
    assert page.context["signup"] is None and "Join as charlie" in page.content.decode()
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=hamlet.charlie.user, community=invited.community).exists()


def test_a_code_on_paper_is_typed_into_the_invitation_page(client, invited):
    response = client.get(reverse("invite-code"), {"code": invited.issued.printable.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("invite", args=[invited.issued.code])


def test_a_bad_code_is_a_plain_not_found_page(client, invited):
    response = client.get(reverse("invite", args=["NOPE-NOPE-NOPE"]))
    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()


def test_the_old_enrol_by_username_page_is_gone(client, village):
    client.force_login(village.alice.user)
    assert client.get("/c/village/members/add/").status_code == 404
