from django.contrib import admin
from django.urls import include, path

from pomochi.api.v1 import api
from pomochi.communities import views as communities_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("pomochi.web.urls")),
    path("c/<slug:slug>/", include("pomochi.drills.urls")),
    # An invitation is opened before its invitee belongs anywhere: outside every community.
    path("invite/", communities_views.invite_code, name="invite-code"),
    path("invite/<str:code>/", communities_views.invite, name="invite"),
]
