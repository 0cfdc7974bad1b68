from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from pomochi.accounts import views
from pomochi.accounts.forms import ThrottledPasswordResetForm

urlpatterns = [
    path("", views.account_settings, name="account-settings"),
    path("email/", views.account_email, name="account-email"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/form.html",
            success_url=reverse_lazy("password-changed"),
            extra_context={"title": "password_change"},
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message.html", extra_context={"note": "password_changed"}
        ),
        name="password-changed",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ThrottledPasswordResetForm,
            template_name="accounts/form.html",
            email_template_name="accounts/reset_email.txt",
            subject_template_name="accounts/reset_subject.txt",
            success_url=reverse_lazy("password-reset-sent"),
            extra_context={"title": "password_reset"},
        ),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message.html", extra_context={"note": "reset_sent"}
        ),
        name="password-reset-sent",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/form.html",
            success_url=reverse_lazy("password-reset-complete"),
            extra_context={"title": "password_set"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message.html", extra_context={"note": "reset_complete"}
        ),
        name="password-reset-complete",
    ),
]
