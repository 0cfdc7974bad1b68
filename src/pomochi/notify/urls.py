from django.urls import path

from pomochi.notify import views

urlpatterns = [path("notifications/", views.notification_list, name="notifications")]
