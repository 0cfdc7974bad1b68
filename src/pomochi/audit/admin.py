from django.contrib import admin

from pomochi.audit.models import AuditEntry
from pomochi.communities.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["community", "seq", "at", "verb", "object_type", "object_id", "hash"]
    list_filter = ["community", "verb"]
