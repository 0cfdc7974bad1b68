from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pomochi.accounts.models import ApiToken
from pomochi.accounts.tokens import token_create, token_revoke
from pomochi.errors import DomainError


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What will use it?"), max_length=100)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = token_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
        },
    )


@require_POST
@login_required
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("tokens")
