"""The admin is a window for site administrators, not a back door.

Every change to a community must go through the services (policy, audit entry), so the domain
models are view-only here; only user accounts are edited in the admin. The people who host a
community are not its committee: what a household needs, its vulnerability, the notes on aid,
promises, rounds, decisions and appeals, and the audit chain's hidden payloads (and their
salts) are never shown here. Needs, offers, promises, rounds and appeals are not registered.
"""

from django.contrib import admin

from pomochi.communities.models import Bylaws, Community, Household, Membership, ResourceType

# Field names never shown by any admin of ours, whatever the model: in lists, change pages,
# filters or searches. Who gave or received an event is private to the committee too.
PRIVATE_FIELDS = frozenset(
    {
        "payload",
        "salt",
        "note",
        "fate_note",
        "decision_note",
        "explanation",
        "params",
        "has_children",
        "has_elderly",
        "has_ill_or_disabled",
        "provider_household",
        "receiver_household",
    }
)


def _public(names) -> list:
    return [name for name in names if str(name).split("__")[0] not in PRIVATE_FIELDS]


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only, and blind to PRIVATE_FIELDS."""

    def get_fields(self, request, obj=None):
        return _public(super().get_fields(request, obj))

    def get_exclude(self, request, obj=None):
        names = {f.name for f in self.model._meta.get_fields()} & PRIVATE_FIELDS
        return [*(super().get_exclude(request, obj) or ()), *sorted(names)]

    def get_readonly_fields(self, request, obj=None):
        return _public(super().get_readonly_fields(request, obj))

    def get_list_display(self, request):
        return _public(super().get_list_display(request))

    def get_list_filter(self, request):
        return _public(super().get_list_filter(request))

    def get_search_fields(self, request):
        return _public(super().get_search_fields(request))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Community)
class CommunityAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "language", "timezone", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["name", "community", "size"]
    list_filter = ["community"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "community", "household", "is_coordinator", "is_committee"]
    list_filter = ["community", "is_coordinator", "is_committee"]


@admin.register(ResourceType)
class ResourceTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "community", "unit", "kind", "decimal_places"]
    list_filter = ["community", "kind"]


@admin.register(Bylaws)
class BylawsAdmin(ReadOnlyAdmin):
    list_display = ["community", "version", "created_at", "reason"]
    list_filter = ["community"]
