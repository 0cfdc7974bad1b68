from django.urls import reverse

from pomochi.audit.models import AuditHead
from pomochi.ledger.services import event_distribute


def test_it_shows_pools_stock_in_units_and_the_audit_head(client, stocked_village):
    v = stocked_village
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=12_500
    )
    client.force_login(v.bob.user)
    response = client.get(reverse("community", args=["village"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Granary" in page and "Tool library" in page
    assert "87.5 kg" in page
    assert "1 pcs" in page
    head = AuditHead.objects.get(community=v.community)
    assert head.hash in page


def test_it_is_not_there_for_a_member_of_another_community(client, village, hamlet):
    client.force_login(hamlet.charlie.user)
    assert client.get(reverse("community", args=["village"])).status_code == 404


def test_a_person_in_two_communities_chooses_one(client, village, hamlet):
    from tests.conftest import enrol

    enrol(actor=hamlet.charlie, community=hamlet.community, user=village.bob.user)
    client.force_login(village.bob.user)
    page = client.get(reverse("home")).content.decode()
    assert "Village" in page and "Hamlet" in page


def test_it_speaks_russian(client, village):
    client.force_login(village.bob.user)
    client.post(reverse("set_language"), {"language": "ru", "next": "/c/village/"})
    page = client.get(reverse("community", args=["village"])).content.decode()
    assert 'lang="ru"' in page
    assert "Общие запасы" in page and "Выйти" in page


def test_errors_are_explained_in_russian(stocked_village):
    import pytest
    from django.utils import translation

    from pomochi.ledger.services import NotEnoughStock

    v = stocked_village
    with translation.override("ru"), pytest.raises(NotEnoughStock, match="осталось 100 kg"):
        event_distribute(
            actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=200_000
        )
