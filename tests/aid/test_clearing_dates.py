"""A date on a need or an offer can be taken away again, on the web and over the API."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from pomochi.aid.services import need_edit, need_post, offer_edit, offer_post
from tests.api.conftest import ApiClient


def dated_need(v):
    return need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.potatoes,
        quantity=50,
        needed_by=timezone.localdate() + timedelta(days=5),
    )


def test_a_need_keeps_its_date_unless_told_and_loses_it_when_told(village):
    v = village
    need = dated_need(v)
    kept = need_edit(actor=v.bob, need=need, quantity=60)
    assert kept.needed_by == timezone.localdate() + timedelta(days=5)
    cleared = need_edit(actor=v.bob, need=need, needed_by=None)
    assert (cleared.needed_by, cleared.quantity) == (None, 60)


def test_an_offer_loses_its_end_date_when_told(village):
    v = village
    offer = offer_post(
        actor=v.alice,
        community=v.community,
        household=v.ivanovs,
        resource=v.potatoes,
        quantity=20,
        available_until=timezone.localdate() + timedelta(days=9),
    )
    assert offer_edit(actor=v.alice, offer=offer, quantity=30).available_until is not None
    assert offer_edit(actor=v.alice, offer=offer, available_until=None).available_until is None


def test_the_edit_page_clears_a_date_left_empty(client, village):
    v = village
    need = dated_need(v)
    client.force_login(v.bob.user)
    response = client.post(
        reverse("need-edit", args=["village", need.id]),
        {"quantity": "50", "urgency": need.urgency, "needed_by": ""},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.needed_by is None


def test_the_api_keeps_a_date_left_out_and_clears_a_null_one(village):
    v = village
    need = dated_need(v)
    client = ApiClient(v.bob.user)
    url = f"/api/v1/communities/village/needs/{need.id}"

    def patch(body):
        return client.client.patch(
            url, body, content_type="application/json", headers=client.headers
        )

    assert patch({"quantity": "55"}).json()["needed_by"] is not None
    response = patch({"needed_by": None})
    assert response.status_code == 200, response.content
    assert response.json()["needed_by"] is None
    need.refresh_from_db()
    assert (need.needed_by, need.quantity) == (None, 550)  # 55 kg in tenths
