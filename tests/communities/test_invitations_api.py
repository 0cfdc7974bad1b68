"""Invitations over the API: the same services and rules as the pages; the code is answered
once (and again only to a retry with the same Idempotency-Key); every code that does not work
is one and the same 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pomochi.audit.models import AuditEntry
from pomochi.communities.invitations import (
    code_digest,
    invitation_create,
    invitation_reissue_password,
    invitation_revoke,
)
from pomochi.communities.models import Invitation, Membership
from tests.api.conftest import ApiClient
from tests.conftest import make_user

URL = "/communities/village/invitations"


@pytest.fixture
def api_as():
    return ApiClient


def made(v):
    return (
        Invitation.objects.filter(community=v.community).count(),
        AuditEntry.objects.filter(community=v.community).count(),
    )


def test_a_coordinator_invites_and_gets_the_code_once(village, api_as):
    v = village
    response = api_as(v.olga.user).post(
        URL, {"household": v.sidorovs.id, "coordinator": True, "committee": True}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.code_digest == code_digest(body["code"])
    assert (body["household"], body["coordinator"], body["committee"]) == (
        v.sidorovs.id,
        True,
        True,
    )
    assert (body["purpose"], body["state"], body["email"]) == ("join", "open", "")
    assert body["link"] == f"http://testserver/invite/{body['code'].replace('-', '')}/"
    listed = api_as(v.olga.user).get(URL).json()
    assert listed["items"][0]["id"] == invitation.id
    assert "code" not in listed["items"][0] and body["code"] not in str(listed)


def test_a_retry_with_the_same_key_answers_the_same_code_and_makes_nothing(village, api_as):
    v = village
    client = api_as(v.alice.user)
    first = client.post(URL, {"household": v.sidorovs.id}, key="slip-42")
    before = made(v)
    again = client.post(URL, {"household": v.sidorovs.id}, key="slip-42")
    assert again.status_code == 201 and again.json() == first.json()
    assert made(v) == before
    other = client.post(URL, {"household": v.petrovs.id}, key="slip-42")
    assert other.status_code == 409 and "idempotency key" in other.json()["message"]
    assert made(v) == before
    fresh = client.post(URL, {"household": v.sidorovs.id}, key="slip-43")
    assert fresh.json()["code"] != first.json()["code"]
    # Another coordinator's same key is theirs: another invitation, another code.
    olgas = api_as(v.olga.user).post(URL, {"household": v.sidorovs.id}, key="slip-42")
    assert olgas.status_code == 201 and olgas.json()["id"] != first.json()["id"]


def test_a_mailed_invitation_over_the_api(
    village, api_as, mailoutbox, django_capture_on_commit_callbacks, jobs_at_once
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(village.alice.user).post(URL, {"email": "nina@example.org"})
    assert response.status_code == 201
    [message] = mailoutbox
    assert message.to == ["nina@example.org"] and response.json()["link"] in message.body


@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        ("bob", {}, 403, None),
        ("vera", {}, 403, None),
        ("alice", {"committee": True}, 403, None),  # only the committee grants committee
        ("alice", {"household": "kuznetsovs"}, 422, "household"),
        ("alice", {"email": "not an address"}, 422, "email"),
        ("alice", {"email": "nina@example.org\n"}, 422, "email"),
    ],
)
def test_it_refuses_and_makes_nothing(village, hamlet, api_as, who, body, status, field):
    v = village
    if body.get("household") == "kuznetsovs":
        body = {"household": hamlet.kuznetsovs.id}
    before = made(v)
    response = api_as(getattr(v, who).user).post(URL, body)
    assert response.status_code == status, response.json()
    if field:
        assert list(response.json()["fields"]) == [field]
    assert made(v) == before


def test_the_list_shows_states_and_password_codes_to_coordinators_only(village, api_as):
    v = village
    revoked = invitation_create(actor=v.alice, community=v.community).invitation
    invitation_revoke(actor=v.alice, invitation=revoked)
    code = invitation_reissue_password(actor=v.alice, membership=v.bob)
    body = api_as(v.alice.user).get(URL).json()
    by_id = {i["id"]: i for i in body["items"]}
    assert by_id[revoked.id]["state"] == "revoked"
    assert (by_id[code.invitation.id]["purpose"], by_id[code.invitation.id]["member"]) == (
        "password",
        v.bob.id,
    )
    assert body["meta"]["count"] == Invitation.objects.filter(community=v.community).count()
    assert api_as(v.bob.user).get(URL).status_code == 403


def test_a_coordinator_withdraws_an_invitation_once(village, api_as):
    v = village
    invitation = invitation_create(actor=v.alice, community=v.community).invitation
    url = f"{URL}/{invitation.id}/revoke"
    assert api_as(v.bob.user).post(url, {}).status_code == 403
    response = api_as(v.alice.user).post(url, {})
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    assert api_as(v.alice.user).post(url, {}).status_code == 409


def test_the_token_owner_accepts_and_a_retry_answers_the_same(village, hamlet, api_as):
    v = village
    issued = invitation_create(
        actor=v.alice, community=v.community, household=v.sidorovs, coordinator=True
    )
    charlie = api_as(hamlet.charlie.user)
    response = charlie.post(f"/invitations/{issued.printable}/accept", {})
    assert response.status_code == 200, response.json()
    assert response.json()["slug"] == "village" and response.json()["my_roles"] == ["coordinator"]
    joined = Membership.objects.get(user=hamlet.charlie.user, community=v.community)
    assert joined.household == v.sidorovs and joined.is_coordinator
    before = made(v)
    assert charlie.post(f"/invitations/{issued.code}/accept", {}).json() == response.json()
    assert made(v) == before


def test_a_member_already_is_told_so(village, api_as):
    issued = invitation_create(actor=village.alice, community=village.community)
    response = api_as(village.bob.user).post(f"/invitations/{issued.code}/accept", {})
    assert response.status_code == 409 and "already a member" in response.json()["message"]


@pytest.mark.parametrize("how", ["unknown", "used", "expired", "withdrawn", "password", "short"])
def test_every_code_that_does_not_work_is_the_same_404(village, api_as, how):
    v = village
    issued = invitation_create(actor=v.alice, community=v.community)
    code = issued.code
    if how == "unknown":
        code = "23456789ABCD" if code != "23456789ABCD" else "33456789ABCD"
    elif how == "used":
        api_as(make_user("nina")).post(f"/invitations/{code}/accept", {})
    elif how == "expired":
        Invitation.objects.filter(pk=issued.invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif how == "withdrawn":
        invitation_revoke(actor=v.alice, invitation=issued.invitation)
    elif how == "password":
        code = invitation_reissue_password(actor=v.alice, membership=v.bob).code
    else:
        code = code[:5]
    stranger = make_user("stranger")
    before = made(v)
    response = api_as(stranger).post(f"/invitations/{code}/accept", {})
    assert (response.status_code, response.json()) == (
        404,
        {"message": "No such invitation.", "fields": {}},
    )
    assert made(v) == before and not Membership.objects.filter(user=stranger).exists()
