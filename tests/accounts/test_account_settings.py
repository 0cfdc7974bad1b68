"""One's own name and language: the pages speak the language chosen, on this device at once and
on every other from the next request; a name is the shared one-line text."""

from django.test import Client
from django.urls import reverse

from pomochi.accounts.models import User


def test_a_member_chooses_russian_and_every_device_follows(village, client):
    v = village
    client.force_login(v.bob.user)
    url = reverse("account-settings")
    response = client.post(url, {"display_name": "Боб Петров", "language": "ru"})
    assert response.status_code == 302
    user = User.objects.get(pk=v.bob.user.pk)
    assert (user.display_name, user.language) == ("Боб Петров", "ru")
    home = client.get(reverse("community", kwargs={"slug": "village"}))
    assert '<html lang="ru"' in home.content.decode()
    other_device = Client()  # no cookie: the person's own language
    other_device.force_login(user)
    page = other_device.get(reverse("community", kwargs={"slug": "village"}))
    assert '<html lang="ru"' in page.content.decode()
    client.post(url, {"display_name": "Боб Петров", "language": ""})
    assert User.objects.get(pk=user.pk).language == ""
    back = Client()
    back.force_login(user)
    english = back.get(reverse("community", kwargs={"slug": "village"}))
    assert '<html lang="en"' in english.content.decode()


def test_a_name_with_a_control_character_is_refused_and_nothing_changes(village, client):
    v = village
    client.force_login(v.bob.user)
    response = client.post(
        reverse("account-settings"), {"display_name": "Bob\x07", "language": "ru"}
    )
    assert response.status_code == 422
    assert "display_name" in response.context["form"].errors
    user = User.objects.get(pk=v.bob.user.pk)
    assert (user.display_name, user.language) == ("", "")


def test_a_member_without_a_household_starts_their_own(village, client):
    from pomochi.communities.models import Household, Membership

    v = village
    client.force_login(v.vera.user)  # committee, no household
    url = reverse("household-own", kwargs={"slug": "village"})
    assert client.get(url).status_code == 200
    client.post(url, {"name": "Veras", "size": "1"})
    vera = Membership.objects.get(pk=v.vera.pk)
    assert vera.household == Household.objects.get(community=v.community, name="Veras")
    client.force_login(v.bob.user)  # bob has one: a coordinator moves people instead
    assert client.get(url).status_code == 403
