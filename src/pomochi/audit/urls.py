from django.urls import path

from pomochi.audit import views

urlpatterns = [path("audit/", views.chain, name="audit")]
