"""Pages of offers: visible to the whole community."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.aid import forms, selectors, services
from pomochi.aid.filters import OfferFilterForm
from pomochi.aid.models import (
    Offer,
)
from pomochi.aid.presenters import offer_view
from pomochi.aid.views.common import _amount_text, _form_page, _list_template, _page
from pomochi.communities import policy
from pomochi.errors import DomainError
from pomochi.web.decorators import require_membership


@require_membership
def offer_list(request, community):
    actor = request.membership
    filters = OfferFilterForm(request.GET, actor=actor, community=community)
    page = None
    if filters.is_valid():
        page = _page(
            request, selectors.offers_listed_by(community=community, criteria=filters.criteria)
        )
    return render(
        request,
        _list_template("aid/offers.html", request),
        {
            "community": community,
            "filters": filters,
            "query": filters.query(),
            "page": page,
            "rows": [
                (offer_view(actor=actor, obj=o), policy.can(actor, "offer.change", o))
                for o in page or []
            ],
            "can_post": forms.OfferForm(actor=actor).own_households.exists(),
        },
        status=filters.status,
    )


@require_membership
def offer_new(request, community):
    actor = request.membership
    form = forms.OfferForm(request.POST or None, actor=actor)
    if not any(policy.can(actor, "offer.post", h) for h in form.own_households[:1]):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            offer = services.offer_post(
                actor=actor,
                community=community,
                household=d["household"],
                resource=d["resource"],
                quantity=d["amount"],
                skill=d["skill"],
                available_from=d["available_from"],
                available_until=d["available_until"],
                note=d["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                _("Your offer of %(amount)s of %(resource)s is posted.")
                % {
                    "amount": offer.resource.format(offer.quantity),
                    "resource": offer.resource.name,
                },
            )
            return redirect("offers", slug=community.slug)
    return _form_page(
        request,
        community,
        form,
        title=_("Offer something"),
        back=(reverse("offers", args=[community.slug]), _("Offers")),
        intro=_("Offers are seen by the whole community."),
    )


def _offer(community, offer_id: int) -> Offer:
    return get_object_or_404(
        Offer.objects.select_related("household", "resource"), community=community, pk=offer_id
    )


@require_membership
def offer_edit(request, community, offer_id: int):
    actor = request.membership
    offer = _offer(community, offer_id)
    policy.require(actor, "offer.change", offer)
    form = forms.OfferEditForm(
        request.POST or None,
        actor=actor,
        resource=offer.resource,
        initial={
            "quantity": _amount_text(offer.quantity, offer.resource),
            "available_until": offer.available_until,
            "note": offer.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.offer_edit(
                actor=actor,
                offer=offer,
                quantity=d["amount"],
                available_until=d["available_until"],
                note=d["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The offer is changed."))
            return redirect("offers", slug=community.slug)
    return _form_page(
        request,
        community,
        form,
        title=_("Change the offer: %(what)s") % {"what": offer.resource.name},
        back=(reverse("offers", args=[community.slug]), _("Offers")),
    )


@require_POST
@require_membership
def offer_withdraw(request, community, offer_id: int):
    offer = _offer(community, offer_id)
    policy.require(request.membership, "offer.change", offer)
    services.offer_withdraw(actor=request.membership, offer=offer)
    messages.success(request, _("The offer is withdrawn."))
    return redirect("offers", slug=community.slug)
