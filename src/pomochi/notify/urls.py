from django.urls import path

from pomochi.notify import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
]
