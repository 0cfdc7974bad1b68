from django.contrib import admin
from django.urls import include, path, re_path

from pomochi.api.v1 import api, unknown_path
from pomochi.communities import invitation_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", unknown_path, name="api-unknown"),
    path("", include("pomochi.web.urls")),
    path("c/<slug:slug>/", include("pomochi.drills.urls")),
    # An invitation (or a password code) is opened before its invitee belongs anywhere, or
    # logs in: outside every community.
    path("invite/", invitation_views.invite_code, name="invite-code"),
    path("invite/<str:code>/", invitation_views.invite, name="invite"),
    # Links in e-mail: signed, they work without logging in (after a confirmation page).
    path("mail/", include("pomochi.notify.mail_urls")),
]
