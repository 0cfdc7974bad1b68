from django.contrib.auth import views as auth_views
from django.urls import include, path

from pomochi.web import views

community_patterns = [
    path("", views.community_home, name="community"),
    path("", include("pomochi.ledger.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("c/<slug:slug>/", include(community_patterns)),
]
