"""The admin is a window for site administrators, not a back door.

Every change to a community must go through the services (policy, audit entry), so the domain
models are view-only here; only user accounts are edited in the admin.
"""

from django.contrib import admin

from pomochi.communities.models import Bylaws, Community, Household, Membership, ResourceType


class ReadOnlyAdmin(admin.ModelAdmin):
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
