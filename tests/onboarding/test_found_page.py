"""The "Found a community" page: reached from the home page, works without script, shows each
starter set's contents in the language chosen."""

from django.urls import reverse

from pomochi.communities.models import Community
from tests.conftest import make_user


def form(**changes):
    data = {
        "name": "Upper Village",
        "slug": "upper",
        "kind": "village",
        "language": "en",
        "timezone": "Europe/Moscow",
        "starter": "village",
        "idempotency_key": "k-1",
    }
    return data | changes


def test_the_home_page_offers_it_to_someone_in_no_community(client, db):
    client.force_login(make_user("zoya"))
    assert reverse("found") in client.get(reverse("home")).content.decode()


def test_founding_leads_to_the_new_community_with_its_checklist(client, db):
    zoya = make_user("zoya")
    client.force_login(zoya)
    response = client.post(reverse("found"), form())
    assert response.status_code == 302
    assert response["Location"] == reverse("community", args=["upper"])
    community = Community.objects.get(slug="upper")
    assert (community.founded_by, community.timezone) == (zoya, "Europe/Moscow")
    assert community.pools.filter(name="Granary").exists()
    page = client.get(response["Location"])
    assert [s.name for s in page.context["checklist"].steps if s.state == "todo"] == [
        "households",
        "invite",
        "bylaws",
    ]


def test_a_double_tap_founds_once(client, db):
    client.force_login(make_user("zoya"))
    first = client.post(reverse("found"), form())
    again = client.post(reverse("found"), form())
    assert first["Location"] == again["Location"] == reverse("community", args=["upper"])
    assert Community.objects.count() == 1


def test_a_taken_slug_is_said_next_to_its_field(client, village):
    client.force_login(make_user("zoya"))
    response = client.post(reverse("found"), form(slug="village"))
    assert response.status_code == 422
    assert "already exists" in str(response.context["form"].errors["slug"])
    assert Community.objects.count() == 1


def test_the_sets_are_shown_in_the_language_chosen(client, db):
    client.force_login(make_user("zoya"))
    page = client.get(reverse("found")).content.decode()
    assert "Granary: grain (kg), potatoes (kg)" in page
    preview = client.post(reverse("found"), form(language="ru", preview="1"))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Дровяник: дрова (вязанка)" in page and "Granary" not in page
    assert not Community.objects.exists()


def test_read_in_russian_it_guesses_moscow_and_russian(client, db):
    client.force_login(make_user("zoya"))
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    response = client.get(reverse("found"))
    assert response.context["form"].initial["timezone"] == "Europe/Moscow"
    assert response.context["form"].initial["language"] == "ru"
    assert "Амбар: зерно (кг), картофель (кг)" in response.content.decode()


def test_on_an_approved_only_server_it_says_why_not(client, settings, db):
    settings.POMOCHI_FOUNDING = "approved"
    client.force_login(make_user("zoya"))
    assert reverse("found") not in client.get(reverse("home")).content.decode()
    response = client.get(reverse("found"))
    assert response.status_code == 403
    assert "administrator has approved" in response.content.decode()
    assert client.post(reverse("found"), form()).status_code == 403
    assert not Community.objects.exists()
