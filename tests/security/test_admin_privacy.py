"""The site admin is for whoever hosts the site, who is not the committee: it shows no need,
no note, no vulnerability, no hidden audit payload nor its salt."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from pomochi.audit.models import AuditEntry
from pomochi.communities.admin import PRIVATE_FIELDS
from pomochi.ledger.models import Event
from pomochi.ledger.services import event_distribute
from tests.conftest import make_user

MARKER = "ZZ-PRIVATE-MARKER-7"
FLAGS = ["has_children", "has_elderly", "has_ill_or_disabled"]


@pytest.fixture
def operator(client, db):
    root = make_user("root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    return client


@pytest.fixture
def private_village(stocked_village):
    v = stocked_village
    event_distribute(
        actor=v.alice,
        pool=v.granary,
        household=v.sidorovs,
        resource=v.grain,
        quantity=5_000,
        note=MARKER,
    )
    return v


def admin_urls(model, obj):
    info = model._meta.app_label, model._meta.model_name
    return [
        reverse("admin:{}_{}_changelist".format(*info)),
        reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
    ]


def test_the_audit_payload_and_salt_are_not_shown(operator, private_village):
    entry = AuditEntry.objects.filter(payload__contains=MARKER).get()
    for url in admin_urls(AuditEntry, entry):
        response = operator.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert entry.hash in page  # the entry is there …
        assert MARKER not in page and 'field-payload"' not in page and "field-salt" not in page
        if entry.salt:
            assert entry.salt not in page


def test_an_events_note_and_its_households_are_not_shown(operator, private_village):
    event = Event.objects.get(note=MARKER)
    for url in admin_urls(Event, event):
        page = operator.get(url).content.decode()
        assert MARKER not in page
        assert "Sidorovs" not in page  # who received aid


def test_a_households_vulnerability_is_not_shown(operator, private_village):
    household = private_village.sidorovs  # ill or disabled
    for url in admin_urls(type(household), household):
        page = operator.get(url).content.decode()
        assert "Sidorovs" in page
        for flag in FLAGS:
            assert f"field-{flag}" not in page and f"column-{flag}" not in page
        assert "ill or disabled" not in page.lower()


def test_needs_offers_promises_rounds_and_appeals_are_not_in_the_admin():
    for model in apps.get_app_config("aid").get_models():
        assert model not in admin.site._registry, model


def test_no_admin_of_ours_shows_a_private_field(db):
    """Whatever is registered later: no list, page, filter or search names a private field."""
    request = RequestFactory().get("/admin/")
    request.user = make_user("root")
    request.user.is_superuser = request.user.is_staff = True
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("pomochi.") or model._meta.app_label == "accounts":
            continue
        shown = [
            *model_admin.get_fields(request),
            *model_admin.get_list_display(request),
            *model_admin.get_list_filter(request),
            *model_admin.get_search_fields(request),
            *model_admin.get_readonly_fields(request),
        ]
        leaked = {str(n).split("__")[0] for n in shown} & PRIVATE_FIELDS
        assert not leaked, (model, leaked)
