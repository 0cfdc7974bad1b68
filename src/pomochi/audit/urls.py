from django.urls import path

from pomochi.audit import views

urlpatterns = [
    path("audit/", views.chain, name="audit"),
    path("audit/check/", views.check_head, name="audit-check"),
    path("audit/verify/", views.verify_in_browser, name="audit-verify"),
    path("audit/links.json", views.links, name="audit-links"),
]
