"""Households: correcting one, starting one's own, merging two that are one, archiving one that
left. Each page asks the policy before it shows its form; the service is the guarantee."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.communities import policy, services
from pomochi.communities.forms import HouseholdForm, HouseholdMergeForm
from pomochi.communities.models import Household
from pomochi.errors import DomainError
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error

FIELDS = ("name", "size", "has_children", "has_elderly", "has_ill_or_disabled")


def _form_page(request, community, form, title: str, **context):
    return render(
        request,
        "communities/form.html",
        {"community": community, "form": form, "title": title, **context},
        status=422 if form.errors else 200,
    )


@require_membership
def household_edit(request, community, household_id: int):
    """Name, size and the (private) vulnerability flags: the household's own members or a
    coordinator. Coordinators find merging and archiving here too."""
    household = get_object_or_404(Household, community=community, pk=household_id)
    actor = request.membership
    policy.require(actor, "household.update", household)
    initial = {field: getattr(household, field) for field in FIELDS}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=actor, household=household, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Household %(name)s saved.") % {"name": household.name})
            return redirect("members", slug=community.slug)
    return _form_page(
        request,
        community,
        form,
        _("Household %(name)s") % {"name": household.name},
        household_actions={
            "id": household.id,
            "merge": policy.can(actor, "household.merge", household),
            "archive": policy.can(actor, "household.archive", household),
        },
    )


@require_membership
def household_own(request, community):
    """A member in no household starts their own, and lives in it from now on."""
    actor = request.membership
    policy.require(actor, "household.create_own", community)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create_own(
                actor=actor, community=community, **form.cleaned_data
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(
                request, _("You now live in the household %(name)s.") % {"name": household.name}
            )
            return redirect("members", slug=community.slug)
    return _form_page(request, community, form, _("Start your household"))


@require_membership
def household_merge(request, community, household_id: int):
    """Two households that are one: this one's members move into the chosen one, which stays;
    this one is archived, its history kept."""
    household = get_object_or_404(Household, community=community, pk=household_id)
    policy.require(request.membership, "household.merge", household)
    form = HouseholdMergeForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["into"]
        try:
            services.household_merge(actor=request.membership, household=household, into=into)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was merged into %(into)s.") % {"name": household.name, "into": into},
            )
            return redirect("members", slug=community.slug)
    return _form_page(
        request, community, form, _("Merge %(name)s into another household") % {"name": household}
    )


@require_POST
@require_membership
def household_archive(request, community, household_id: int):
    household = get_object_or_404(Household, community=community, pk=household_id)
    policy.require(request.membership, "household.archive", household)
    try:
        services.household_archive(actor=request.membership, household=household)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s is archived; its history stays.") % {"name": household}
        )
    return redirect("members", slug=community.slug)
