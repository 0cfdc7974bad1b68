"""Every app's permission matrix, gathered: every URL pattern is in some app's rows, once.

Each app lists its pages and endpoints in tests/<app>/test_permission_matrix.py (ROUTES); the
harness is tests/matrix.py. What the matrix leaves out (Django's admin, switching language, the
OpenAPI document) is tested here or next to its app.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import make_user
from tests.matrix import ROLES, app_routes, build_world, cell_id

APPS = app_routes()
ROUTES = [route for routes in APPS.values() for route in routes]


@pytest.fixture
def world(stocked_village, hamlet):
    return build_world(stocked_village, hamlet)


def test_every_app_has_a_matrix():
    """The gathering finds every app's file, and each lists rows."""
    apps = {"accounts", "aid", "api", "audit", "communities", "drills", "ledger", "notify", "web"}
    assert apps <= set(APPS)
    assert all(APPS.values())


def test_every_cell_names_every_role():
    assert all(set(route.expect) == set(ROLES) for route in ROUTES)
    assert len({cell_id(r, role) for r in ROUTES for role in ROLES}) == len(ROUTES) * len(ROLES)


def test_each_route_belongs_to_one_app():
    """An app owns its rows: no URL name is listed by two apps."""
    owners: dict[str, set[str]] = {}
    for app, routes in APPS.items():
        for route in routes:
            owners.setdefault(route.name, set()).add(app)
    shared = {name: sorted(apps) for name, apps in owners.items() if len(apps) > 1}
    assert not shared, f"routes listed by more than one app: {shared}"


# ---------------------------------------------------------------------------------------------
# Every route is in the matrix
# ---------------------------------------------------------------------------------------------


def _routes(patterns, namespace: str = "", prefix: str = ""):
    """(full name or, for an unnamed pattern, its path; the pattern) for every URL pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _routes(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            if p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p
            else:
                yield f"(unnamed) {prefix}{p.pattern}", p


def _excluded(name: str, pattern: URLPattern) -> bool:
    # Django's admin site: its own permission system; see test_the_admin_* below.
    if name.startswith("admin:") or name.startswith("(unnamed) admin/"):
        return True
    # Switching language is for everyone, in no community: test_set_language_works_for_anonymous.
    if name == "set_language":
        return True
    # The OpenAPI document and its docs page describe the API and are public:
    # tests/api/test_permission_matrix.py::test_the_openapi_document_is_served.
    if name in {"api-v1:openapi-json", "api-v1:openapi-view"}:
        return True
    # Every path under /api/ no endpoint serves: the same JSON 404 for everyone
    # (test_an_unknown_api_path_answers_the_apis_404).
    if name == "api-unknown":
        return True
    # Static files (only when something serves them through Django): no data, no permissions.
    module = getattr(pattern.callback, "__module__", "") or ""
    return module.startswith(("django.contrib.staticfiles", "django.views.static"))


def test_every_route_is_in_the_matrix():
    in_matrix = {route.name for route in ROUTES}
    routes = dict(_routes(get_resolver().url_patterns))
    missing = sorted(
        name for name, p in routes.items() if name not in in_matrix and not _excluded(name, p)
    )
    assert not missing, f"routes missing from every app's permission matrix: {missing}"
    unknown = sorted(in_matrix - set(routes))
    assert not unknown, f"the matrix names routes that do not exist: {unknown}"


# ---------------------------------------------------------------------------------------------
# What the matrix leaves out, tested here
# ---------------------------------------------------------------------------------------------


def test_the_admin_refuses_anonymous_and_members(village, client):
    w = village
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(w.olga.user)  # founder, coordinator and committee: still no staff
    response = client.get("/admin/ledger/event/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_shows_events_to_a_superuser_read_only(world, client):
    w = world
    admin = make_user("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    changelist = client.get(reverse("admin:ledger_event_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:ledger_event_add") not in changelist.content.decode()
    assert not changelist.context["has_add_permission"]
    change_url = reverse("admin:ledger_event_change", args=[w.to_sidorovs.id])
    change = client.get(change_url)
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert not change.context["has_change_permission"]
    assert client.post(change_url, {"quantity": 1}).status_code == 403
    assert client.get(reverse("admin:ledger_event_add")).status_code == 403
    delete_url = reverse("admin:ledger_event_delete", args=[w.to_sidorovs.id])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v2/communities", "/api/"])
def test_an_unknown_api_path_answers_the_apis_404(db, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"message": "There is no such endpoint.", "fields": {}}


def test_set_language_works_for_anonymous(db, client):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "ru"
    assert client.get("/login/").headers["Content-Language"] == "ru"
    elsewhere = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert elsewhere.status_code == 302 and elsewhere["Location"] == "/"
