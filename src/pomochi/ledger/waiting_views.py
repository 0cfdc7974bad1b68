"""Pages of mutual checks: the records waiting for confirmation, confirmed or declined by a
coordinator (ledger.waiting)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.communities import policy
from pomochi.errors import DomainError
from pomochi.ledger.forms import reason_field
from pomochi.ledger.models import PendingContribution
from pomochi.ledger.presenters import waiting_record_view
from pomochi.ledger.selectors import records_decided, records_waiting
from pomochi.ledger.waiting import contribution_confirm, contribution_decline
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error


class DeclineForm(forms.Form):
    reason = reason_field(_("Why is it declined?"))


def _page(request, community, *, declining=None, decline_form=None, status=200):
    records = [
        waiting_record_view(actor=request.membership, obj=r)
        for r in records_waiting(community=community)
    ]
    decided = [
        waiting_record_view(actor=request.membership, obj=r)
        for r in records_decided(community=community)
    ]
    return render(
        request,
        "ledger/waiting.html",
        {
            "community": community,
            "records": records,
            "decided": decided,
            "decline_form": DeclineForm(),
            "declining": declining,
            "declining_form": decline_form,
        },
        status=status,
    )


@require_membership
def waiting_records(request, community):
    policy.require(request.membership, "contribution.list_waiting", community)
    return _page(request, community)


def _record(request, community, record_id: int) -> PendingContribution:
    record = get_object_or_404(PendingContribution, community=community, pk=record_id)
    policy.require(request.membership, "contribution.decide", record)
    return record


@require_POST
@require_membership
def waiting_confirm(request, community, record_id: int):
    record = _record(request, community, record_id)
    try:
        # A second press is refused as already confirmed: nothing is recorded twice.
        contribution_confirm(actor=request.membership, record=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Confirmed: %(amount)s of %(resource)s is in the ledger.")
            % {"amount": record.resource.format(record.quantity), "resource": record.resource.name},
        )
    return redirect("waiting-records", slug=community.slug)


@require_POST
@require_membership
def waiting_decline(request, community, record_id: int):
    record = _record(request, community, record_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            contribution_decline(
                actor=request.membership, record=record, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("The record was declined; its member is told why."))
            return redirect("waiting-records", slug=community.slug)
    return _page(request, community, declining=record.id, decline_form=form, status=422)
