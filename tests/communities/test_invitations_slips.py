"""Printed slips: one right after an invitation is made, and a sheet of them for a list of
households. Each carries its code once; only the code's digest is stored."""

import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pomochi.audit.models import AuditEntry
from pomochi.communities.invitations import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_SLIPS,
    invitation_create,
    invitations_create_batch,
)
from pomochi.communities.models import Invitation
from pomochi.communities.services import household_create
from pomochi.errors import InvalidInput, NotAllowed

CODE = re.compile(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}")


def stored(community):
    return (
        Invitation.objects.filter(community=community).count(),
        AuditEntry.objects.filter(community=community).count(),
    )


def test_a_sheet_makes_one_code_per_household_and_stores_only_digests(village):
    v = village
    issued = invitations_create_batch(
        actor=v.alice, community=v.community, households=[v.sidorovs, v.petrovs, v.sidorovs]
    )
    assert [i.invitation.household for i in issued] == [v.sidorovs, v.petrovs]  # once each
    codes = [i.code for i in issued]
    assert len(set(codes)) == 2 and all(len(c) == CODE_LENGTH for c in codes)
    assert all(CODE.fullmatch(i.printable) for i in issued)
    for i in issued:
        row = Invitation.objects.filter(pk=i.invitation.pk).values().get()
        assert row["code_digest"] == hashlib.sha256(i.code.encode()).hexdigest()
        assert i.code not in str(row.values())  # the code itself is in no column
    payloads = AuditEntry.objects.filter(verb="invitation.create").values_list("payload", flat=True)
    assert not any(c in p for c in codes for p in payloads)


@pytest.mark.parametrize("households", ["none", "foreign", "archived", "too many"])
def test_it_refuses_a_bad_sheet_and_makes_no_invitation_at_all(village, hamlet, households):
    v = village
    if households == "none":
        chosen = []
    elif households == "archived":
        v.orlovs.archived_at = timezone.now()
        v.orlovs.save()
        chosen = [v.sidorovs, v.orlovs]
    elif households == "foreign":
        chosen = [v.sidorovs, hamlet.kuznetsovs]  # the first is fine: all or nothing
    else:
        chosen = [
            household_create(actor=v.olga, community=v.community, name=f"H{n}")
            for n in range(MAX_SLIPS + 1)
        ]
    before = stored(v.community)
    with pytest.raises(InvalidInput):
        invitations_create_batch(actor=v.alice, community=v.community, households=chosen)
    assert stored(v.community) == before


def test_only_coordinators_print_a_sheet(village):
    before = stored(village.community)
    for who in (village.bob, village.vera):
        with pytest.raises(NotAllowed):
            invitations_create_batch(
                actor=who, community=village.community, households=[village.sidorovs]
            )
    assert stored(village.community) == before


# ---- the pages ---------------------------------------------------------------------------


def test_the_slip_after_one_invitation_has_all_a_neighbour_needs(client, village):
    client.force_login(village.alice.user)
    url = reverse("invitations", args=["village"])
    client.post(url, {"household": village.sidorovs.id})
    page = client.get(url)
    [issued] = page.context["issued"]
    slip = re.search(r'<article class="slip">.*?</article>', page.content.decode(), re.S)[0]
    assert "Village" in slip and "Sidorovs" in slip
    assert f"<strong>{issued.printable}</strong>" in slip
    assert "http://testserver/invite/" in slip and "type this code" in slip
    assert timezone.localtime(issued.invitation.expires_at).strftime("%Y") in slip
    assert "pomochi/slips.css" in page.content.decode()


def test_the_slip_speaks_the_communitys_language(client, village):
    village.community.language = "ru"
    village.community.save()
    client.force_login(village.alice.user)
    url = reverse("invitations", args=["village"])
    client.post(url, {"household": village.sidorovs.id})
    page = client.get(url, headers={"Accept-Language": "en"})
    slip = re.search(r'<article class="slip">.*?</article>', page.content.decode(), re.S)[0]
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа"]
    months += ["сентября", "октября", "ноября", "декабря"]
    assert any(m in slip for m in months), slip  # the expiry date, in Russian
    assert "Invite people" in page.content.decode()  # the coordinator's page stays English


def test_the_print_stylesheet_leaves_only_the_slips_on_paper():
    from pathlib import Path

    import pomochi

    css = (Path(pomochi.__file__).parent / "static/pomochi/slips.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert "header.top, main > :not(.slips) { display: none" in print_rules
    assert "break-inside: avoid" in css


def test_a_sheet_for_every_household_without_a_member(client, village):
    v = village
    invitation_create(actor=v.alice, community=v.community, household=v.petrovs)  # has bob too
    belovs = household_create(actor=v.alice, community=v.community, name="Belovs")
    already = household_create(actor=v.alice, community=v.community, name="Antonovs")
    invitation_create(actor=v.alice, community=v.community, household=already)
    client.force_login(v.alice.user)
    url = reverse("invitation-slips", args=["village"])
    form = client.get(url)
    assert "invited, open until" in form.content.decode()
    response = client.post(url, {"without_member": "on"})
    assert response.status_code == 302 and response["Location"] == url
    sheet = client.get(url)
    households = [i.invitation.household for i in sheet.context["issued"]]
    assert households == [belovs, v.sidorovs]  # by name; the Antonovs are invited already
    html = sheet.content.decode()
    for issued in sheet.context["issued"]:
        assert issued.printable in html
    assert html.count('<article class="slip">') == 2
    again = client.get(url)
    assert again.context["issued"] == []
    assert not any(i.printable in again.content.decode() for i in sheet.context["issued"])


def test_a_sheet_for_households_ticked(client, village):
    client.force_login(village.alice.user)
    url = reverse("invitation-slips", args=["village"])
    client.post(url, {"households": [village.petrovs.id, village.orlovs.id]})
    issued = client.get(url).context["issued"]
    assert [i.invitation.household for i in issued] == [village.orlovs, village.petrovs]


def test_an_empty_sheet_is_refused_with_a_reason_and_makes_nothing(client, village, hamlet):
    client.force_login(village.alice.user)
    url = reverse("invitation-slips", args=["village"])
    before = stored(village.community)
    response = client.post(url, {})
    assert (
        response.status_code == 422 and "Tick at least one household" in response.content.decode()
    )
    response = client.post(url, {"households": [hamlet.kuznetsovs.id]})
    assert response.status_code == 422
    invitations_create_batch(
        actor=village.alice, community=village.community, households=[village.sidorovs]
    )
    before = stored(village.community)
    response = client.post(url, {"without_member": "on"})  # the Sidorovs are invited already
    assert response.status_code == 422
    assert "Every household has a member or an open invitation" in response.content.decode()
    assert stored(village.community) == before
