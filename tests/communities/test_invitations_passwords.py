"""A member without e-mail who forgot their password: a coordinator hands over a password code,
the member sets a new password with it and is logged in. Once, for a few days, in the chain."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pomochi.accounts.models import ApiToken
from pomochi.accounts.tokens import token_create, token_find
from pomochi.audit.models import AuditEntry
from pomochi.audit.selectors import audit_chain_for
from pomochi.audit.verify import verify_community
from pomochi.communities.invitations import (
    PASSWORD_CODE_DAYS,
    account_create_and_accept,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_reissue_password,
    password_code_redeem,
)
from pomochi.communities.models import Invitation
from pomochi.communities.services import membership_set_roles
from pomochi.errors import InvalidInput, NotAllowed
from tests.conftest import enrol, make_user

NEW = "Mill-wheel-turning-slowly-2026"
NOT_VALID = "This invitation is not valid"


def snapshot(v, user):
    user.refresh_from_db()
    return (
        AuditEntry.objects.filter(community=v.community).count(),
        Invitation.objects.count(),
        user.password,
    )


@pytest.fixture
def coded(village):
    """bob has no e-mail and forgot his password; alice printed him a code."""
    v = village
    v.bob.user.email = ""
    v.bob.user.save()
    v.issued = invitation_reissue_password(actor=v.alice, membership=v.bob)
    return v


def test_a_password_code_is_for_the_member_short_lived_and_private_in_the_chain(coded):
    v = coded
    invitation = v.issued.invitation
    assert invitation.for_membership == v.bob and invitation.household == v.petrovs
    lasts = invitation.expires_at - invitation.created_at
    assert lasts == timedelta(days=PASSWORD_CODE_DAYS)
    entry = AuditEntry.objects.filter(community=v.community).order_by("-seq").first()
    assert (entry.verb, entry.actor_id, entry.object_id) == (
        "membership.password_code",
        v.alice.id,
        v.bob.id,
    )
    assert entry.private and f'"member":{v.bob.id}' in entry.payload
    assert v.issued.code not in entry.payload and v.issued.printable not in entry.payload
    for reader, sees in ((v.bob, False), (v.vera, True), (v.alice, True)):
        _, links = audit_chain_for(actor=reader, community=v.community, per_page=1000)
        [link] = [link for link in links if link.seq == entry.seq]
        assert (link.payload is not None) == sees


def test_redeeming_sets_the_password_revokes_the_tokens_and_works_once(coded):
    v = coded
    _token, secret = token_create(user=v.bob.user, name="bob's phone")
    membership = password_code_redeem(code=v.issued.printable.lower(), password=NEW)
    assert membership == v.bob
    v.bob.user.refresh_from_db()
    assert v.bob.user.check_password(NEW)
    assert token_find(secret) is None
    assert not ApiToken.objects.filter(user=v.bob.user, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.filter(community=v.community).order_by("-seq").first()
    assert (entry.verb, entry.actor_id, entry.private) == (
        "membership.password_set",
        v.bob.id,
        True,
    )
    assert verify_community(v.community.id).ok
    before = snapshot(v, v.bob.user)
    with pytest.raises(InvalidInput, match=NOT_VALID):
        password_code_redeem(code=v.issued.code, password="Another-long-phrase-2026")
    assert snapshot(v, v.bob.user) == before


def test_a_new_code_withdraws_the_older_one(coded):
    v = coded
    newer = invitation_reissue_password(actor=v.olga, membership=v.bob)
    assert invitation_find(code=v.issued.code) is None
    assert '"earlier_withdrawn":1' in AuditEntry.objects.order_by("-seq").first().payload
    with pytest.raises(InvalidInput, match=NOT_VALID):
        password_code_redeem(code=v.issued.code, password=NEW)
    password_code_redeem(code=newer.code, password=NEW)


def test_it_refuses_an_expired_code_and_changes_nothing(coded):
    v = coded
    Invitation.objects.filter(pk=v.issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    before = snapshot(v, v.bob.user)
    with pytest.raises(InvalidInput, match=NOT_VALID):
        password_code_redeem(code=v.issued.code, password=NEW)
    assert snapshot(v, v.bob.user) == before


def test_it_refuses_a_weak_password_and_the_code_stays_usable(coded):
    v = coded
    before = snapshot(v, v.bob.user)
    with pytest.raises(InvalidInput, match="too common|too short") as refused:
        password_code_redeem(code=v.issued.code, password="password")
    assert refused.value.field == "password"
    assert snapshot(v, v.bob.user) == before
    assert invitation_find(code=v.issued.code) is not None


def test_a_password_code_joins_nobody_and_an_invitation_sets_no_password(coded):
    v = coded
    with pytest.raises(InvalidInput, match=NOT_VALID):
        invitation_accept(user=make_user("nina"), code=v.issued.code)
    with pytest.raises(InvalidInput, match=NOT_VALID):
        account_create_and_accept(code=v.issued.code, username="nina", password=NEW)
    joining = invitation_create(actor=v.alice, community=v.community)
    with pytest.raises(InvalidInput, match=NOT_VALID):
        password_code_redeem(code=joining.code, password=NEW)


def test_a_code_issued_before_the_member_was_elected_no_longer_hands_over_the_account(coded):
    """alice (not on the committee) may not take over a committee member's account."""
    v = coded
    membership_set_roles(actor=v.olga, membership=v.bob, committee=True)
    before = snapshot(v, v.bob.user)
    with pytest.raises(InvalidInput, match=NOT_VALID):
        password_code_redeem(code=v.issued.code, password=NEW)
    assert snapshot(v, v.bob.user) == before


@pytest.mark.parametrize(
    "case",
    ["a plain member", "the committee alone", "oneself", "a committee member", "two communities"],
)
def test_it_refuses_who_may_not_hand_over_an_account(village, hamlet, case):
    v = village
    actor, target = {
        "a plain member": (v.bob, v.alice),
        "the committee alone": (v.vera, v.bob),
        "oneself": (v.alice, v.alice),
        "a committee member": (v.alice, v.olga),  # alice lacks a role olga holds
        "two communities": (v.alice, v.bob),
    }[case]
    if case == "two communities":  # bob is also the hamlet's: not alice's to hand over alone
        enrol(actor=hamlet.charlie, community=hamlet.community, user=v.bob.user)
    before = snapshot(v, target.user)
    with pytest.raises(NotAllowed):
        invitation_reissue_password(actor=actor, membership=target)
    assert snapshot(v, target.user) == before


def test_it_refuses_a_site_administrators_account(village):
    v = village
    v.bob.user.is_staff = True
    v.bob.user.save()
    with pytest.raises(NotAllowed):
        invitation_reissue_password(actor=v.alice, membership=v.bob)


def test_it_refuses_a_member_who_left(village, hamlet):
    v = village
    v.bob.is_active = False
    v.bob.save()
    with pytest.raises(NotAllowed):
        invitation_reissue_password(actor=v.alice, membership=v.bob)
    with pytest.raises(NotAllowed):  # and another community's coordinator, for anyone here
        invitation_reissue_password(actor=hamlet.charlie, membership=v.vera)


def test_a_new_password_lifts_a_lock_out(coded, django_capture_on_commit_callbacks):
    from axes.models import AccessAttempt

    v = coded
    AccessAttempt.objects.create(
        username="bob", ip_address="192.0.2.1", user_agent="phone", failures_since_start=9
    )
    with django_capture_on_commit_callbacks(execute=True):
        password_code_redeem(code=v.issued.code, password=NEW)
    assert not AccessAttempt.objects.filter(username="bob").exists()


# ---- the pages ---------------------------------------------------------------------------


def test_a_coordinator_prints_a_code_from_the_members_page(client, village):
    v = village
    client.force_login(v.alice.user)
    members = client.get(reverse("members", args=["village"])).content.decode()
    url = reverse("password-codes", args=["village"])
    assert url in members
    listed = [row["m"] for row in client.get(url).context["rows"]]
    assert v.bob in listed and v.olga not in listed and v.alice not in listed
    response = client.post(reverse("member-password-code", args=["village", v.bob.id]))
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    [issued] = page.context["issued"]
    html = page.content.decode()
    assert (
        issued.printable in html and "A new password for the account <strong>bob</strong>" in html
    )
    assert issued.printable not in client.get(url).content.decode()  # shown once


def test_the_member_sets_a_new_password_with_the_code_and_is_logged_in(client, coded):
    v = coded
    _token, secret = token_create(user=v.bob.user, name="bob's phone")
    url = reverse("invite", args=[v.issued.code])
    page = client.get(url)
    assert page.status_code == 200 and "<strong>bob</strong>" in page.content.decode()
    refused = client.post(url, {"password": NEW, "password_again": "something else"})
    assert refused.status_code == 422 and not v.bob.user.check_password(NEW)
    response = client.post(url, {"password": NEW, "password_again": NEW})
    assert response.status_code == 302 and response["Location"] == reverse(
        "community", args=["village"]
    )
    assert int(client.session["_auth_user_id"]) == v.bob.user.id
    v.bob.user.refresh_from_db()
    assert v.bob.user.check_password(NEW) and token_find(secret) is None
    assert client.get(url).status_code == 404  # once


def test_someone_without_e_mail_makes_an_account_through_a_code(client, village):
    """The signup form needs no e-mail; such a member's way back is a password code."""
    issued = invitation_create(actor=village.alice, community=village.community)
    url = reverse("invite", args=[issued.code])
    response = client.post(url, {"username": "nina", "password": NEW, "password_again": NEW})
    assert response.status_code == 302
    nina = village.community.memberships.get(user__username="nina")
    assert nina.user.email == "" and nina.user.check_password(NEW)
