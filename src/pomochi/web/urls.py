from django.contrib.auth import views as auth_views
from django.urls import include, path

from pomochi.web import views

community_patterns = [
    path("", views.community_home, name="community"),
    path("", include("pomochi.ledger.urls")),
    path("", include("pomochi.communities.urls")),
    path("", include("pomochi.audit.urls")),
    path("", include("pomochi.aid.urls")),
    path("", include("pomochi.notify.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("pomochi.accounts.urls")),
    path("c/<slug:slug>/", include(community_patterns)),
]
