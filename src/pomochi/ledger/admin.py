from django.contrib import admin

from pomochi.communities.admin import ReadOnlyAdmin
from pomochi.ledger.models import Event, Holding, Pool


@admin.register(Pool)
class PoolAdmin(ReadOnlyAdmin):
    list_display = ["name", "community", "kind"]
    list_filter = ["community", "kind"]


@admin.register(Holding)
class HoldingAdmin(ReadOnlyAdmin):
    list_display = ["pool", "resource", "quantity"]
    list_filter = ["pool__community"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "community", "action", "resource", "quantity", "occurred_at"]
    list_filter = ["community", "action"]
    date_hierarchy = "occurred_at"
