from django.urls import path

from pomochi.onboarding import views

# Outside every community: founding one.
site_patterns = [
    path("found/", views.found, name="found"),
]

# Inside a community (web/urls.py's community patterns).
urlpatterns = [
    path("setup/skip/", views.setup_skip, name="setup-skip"),
]
