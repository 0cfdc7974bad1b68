from django.urls import path

from pomochi.ledger import store_views, views, waiting_views

urlpatterns = [
    path("pools/", store_views.pools, name="pools"),
    path("pools/add/", store_views.pool_add, name="pool-add"),
    path("pools/<int:pool_id>/edit/", store_views.pool_edit, name="pool-edit"),
    path("pools/<int:pool_id>/archive/", store_views.pool_archive_view, name="pool-archive"),
    path("resources/", store_views.resources, name="resources"),
    path("resources/add/", store_views.resource_add, name="resource-add"),
    path("resources/<int:resource_id>/edit/", store_views.resource_edit, name="resource-edit"),
    path("movements/", views.movements, name="movements"),
    path("pools/<int:pool_id>/", views.pool_detail, name="pool"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/reverse/", views.reverse_event, name="event-reverse"),
    path("record/<slug:action>/", views.record, name="record"),
    path("waiting/", waiting_views.waiting_records, name="waiting-records"),
    path("waiting/<int:record_id>/confirm/", waiting_views.waiting_confirm, name="waiting-confirm"),
    path("waiting/<int:record_id>/decline/", waiting_views.waiting_decline, name="waiting-decline"),
]
