from django.urls import reverse

from tests.conftest import make_user


def test_the_site_admin_approves_founding_in_the_user_admin(client, db):
    root = make_user("root")
    root.is_staff = root.is_superuser = True
    root.save()
    zoya = make_user("zoya")
    client.force_login(root)
    page = client.get(reverse("admin:accounts_user_change", args=[zoya.id]))
    assert page.status_code == 200
    assert 'name="may_found_communities"' in page.content.decode()
    listing = client.get(
        reverse("admin:accounts_user_changelist"), {"may_found_communities__exact": "0"}
    )
    assert listing.status_code == 200 and "zoya" in listing.content.decode()
