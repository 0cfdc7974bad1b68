"""Founding a community, and skipping a step of the founder's checklist: thin pages over the
services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.communities import policy
from pomochi.errors import DomainError, NotAllowed
from pomochi.onboarding import services, starters
from pomochi.onboarding.forms import FoundForm, SkipForm, starter_choices
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error


@login_required
def found(request):
    """Found a community. "Show the sets in this language" sends the form back unfounded, with
    the starter sets listed in the language chosen (no script needed)."""
    try:
        policy.require_may_found(request.user)
    except NotAllowed as exc:
        return render(request, "onboarding/found_refused.html", {"reason": exc}, status=403)
    language = (get_language() or "en").split("-")[0]
    previewing = request.method == "POST" and "preview" in request.POST
    if previewing:
        form = FoundForm(initial=request.POST.dict(), language=language)
    else:
        form = FoundForm(request.POST or None, language=language)
    if request.method == "POST" and not previewing and form.is_valid():
        try:
            community = services.community_found(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(
                request, _("%(community)s is founded. Welcome!") % {"community": community.name}
            )
            return redirect("community", slug=community.slug)
    shown_in = form.contents_language()
    sets = [
        (name, label, starters.starter_lines(name, shown_in)) for name, label in starter_choices()
    ]
    return render(
        request,
        "onboarding/found.html",
        {"form": form, "sets": sets},
        status=422 if form.is_bound and form.errors else 200,
    )


@require_POST
@require_membership
def setup_skip(request, community):
    policy.require(request.membership, "community.setup", community)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect("community", slug=community.slug)
    try:
        services.community_setup_skip(
            actor=request.membership, community=community, step=form.cleaned_data["step"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("community", slug=community.slug)
