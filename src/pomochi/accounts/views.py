from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pomochi.accounts.forms import AccountForm, AccountSettingsForm, EmailChangeForm
from pomochi.accounts.models import TOKEN_DAYS, ApiToken, TokenScope
from pomochi.accounts.services import (
    account_email_change,
    account_settings_update,
    account_sign_up,
    signup_closed_message,
    signup_open,
)
from pomochi.accounts.tokens import token_create, token_revoke
from pomochi.errors import DomainError
from pomochi.web.forms import show_domain_error

TOKEN_LIFETIMES = [
    (7, gettext_lazy("a week")),
    (30, gettext_lazy("a month")),
    (TOKEN_DAYS, gettext_lazy("three months")),
    (365, gettext_lazy("a year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What will use it?"), max_length=100)
    days = forms.TypedChoiceField(
        label=gettext_lazy("Works for"), choices=TOKEN_LIFETIMES, coerce=int, initial=TOKEN_DAYS
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("It may"),
        choices=[
            (TokenScope.READ, gettext_lazy("only read")),
            (TokenScope.WRITE, gettext_lazy("read and record changes")),
        ],
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = token_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "name", exc.message)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("tokens")


def signup(request):
    """Make one's own account, when the site lets anyone (POMOCHI_SIGNUP=open); then logged in
    and on to the home page, to found a community or enter an invitation's code."""
    if request.user.is_authenticated:
        return redirect("home")
    if not signup_open():
        return render(
            request, "accounts/signup_closed.html", {"reason": signup_closed_message()}, status=403
        )
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_sign_up(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                display_name=data["display_name"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s.") % {"name": user})
            return redirect("home")
    return render(
        request, "accounts/signup.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def account_settings(request):
    """One's own display name and language. The language is this device's at once (its cookie,
    which the language switch sets too) and every other device's from the next request on."""
    user = request.user
    form = AccountSettingsForm(
        request.POST or None, initial={"display_name": user.display_name, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_settings_update(user=user, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Your settings are saved."))
            response = redirect("account-settings")
            if user.language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    return render(
        request,
        "accounts/settings.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
def account_email(request):
    """One's own e-mail address: where news and password links go."""
    form = EmailChangeForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            account_email_change(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Your e-mail address is saved."))
            return redirect("account-settings")
    return render(
        request,
        "accounts/email.html",
        {"form": form},
        status=422 if form.errors else 200,
    )
