from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from pomochi.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with what pomochi adds: the name neighbours know, the language, and
    the approval to found communities (asked only when POMOCHI_FOUNDING=approved)."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("pomochi"), {"fields": ("display_name", "language", "may_found_communities")}),
    )
    list_display = (*DjangoUserAdmin.list_display, "may_found_communities")
    list_filter = (*DjangoUserAdmin.list_filter, "may_found_communities")
