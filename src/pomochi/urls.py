from django.contrib import admin
from django.urls import include, path

from pomochi.api.v1 import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("pomochi.web.urls")),
    path("c/<slug:slug>/", include("pomochi.drills.urls")),
]
