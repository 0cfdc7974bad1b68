from django.urls import path

from pomochi.notify import mail_views

urlpatterns = [
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
    path("act/<str:token>/", mail_views.action, name="mail-action"),
]
