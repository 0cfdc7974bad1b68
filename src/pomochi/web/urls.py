from django.contrib.auth import views as auth_views
from django.urls import include, path

from pomochi.accounts import views as accounts_views
from pomochi.onboarding import urls as onboarding_urls
from pomochi.web import views

community_patterns = [
    path("", views.community_home, name="community"),
    path("", include("pomochi.ledger.urls")),
    path("", include("pomochi.communities.urls")),
    path("", include("pomochi.audit.urls")),
    path("", include("pomochi.aid.urls")),
    path("", include("pomochi.notify.urls")),
    path("", include("pomochi.onboarding.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", accounts_views.signup, name="signup"),
    path("", include(onboarding_urls.site_patterns)),
    path("account/", include("pomochi.accounts.urls")),
    path("c/<slug:slug>/", include(community_patterns)),
]
