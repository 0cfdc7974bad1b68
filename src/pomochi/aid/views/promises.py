"""Pages of promises (commitments): who sees them, delivery, broken or excused."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.aid import forms, selectors, services
from pomochi.aid.models import (
    Commitment,
)
from pomochi.aid.presenters import commitment_view
from pomochi.aid.views.common import STATES, _add_error, _amount_text, _status
from pomochi.communities import policy
from pomochi.errors import DomainError
from pomochi.web.decorators import require_membership


def _promise_rows(actor, commitments, today):
    """Each promise as commitment_view shows it to this member, with its state in words."""
    views = [commitment_view(actor=actor, obj=c, today=today) for c in commitments]
    return [(v, STATES[v["state"]]) for v in views if v]


@require_membership
def promise_list(request, community):
    actor = request.membership
    today = timezone.localdate()
    own = []
    if actor.household_id:
        own = _promise_rows(
            actor, selectors.commitments_of_household(household=actor.household), today
        )
    overdue = None
    if policy.can(actor, "commitment.list_overdue", community):
        overdue = _promise_rows(
            actor, selectors.commitments_overdue(community=community, today=today), today
        )
    return render(
        request,
        "aid/promises.html",
        {"community": community, "own": own, "overdue": overdue, "membership": actor},
    )


def _commitment(request, community, commitment_id: int) -> Commitment:
    """The promise in the path; one this member may not see is not found, as in the API."""
    commitment = get_object_or_404(
        Commitment.objects.select_related(
            "giver_household", "giver_pool", "receiver_household", "resource", "need", "fate_by"
        ),
        community=community,
        pk=commitment_id,
    )
    policy.require_visible(request.membership, "commitment.view", commitment)
    return commitment


def _promise_page(request, community, commitment, *, fulfil=None, fail=None, decline=None):
    actor = request.membership
    today = timezone.localdate()
    waiting = commitment.state(today) == "proposed"
    answers = waiting and policy.can(actor, "commitment.answer", commitment)
    withdraws = waiting and not answers and policy.can(actor, "commitment.withdraw", commitment)
    if decline is None and (answers or withdraws):
        decline = forms.DeclineForm()
    open_ = commitment.is_owed
    if fulfil is None and open_ and policy.can(actor, "commitment.fulfil", commitment):
        fulfil = forms.FulfilForm(
            actor=actor,
            resource=commitment.resource,
            initial={"quantity": _amount_text(commitment.remaining, commitment.resource)},
        )
    if fail is None and open_ and policy.can(actor, "commitment.fail", commitment):
        fail = forms.FailForm()
    need = commitment.need
    return render(
        request,
        "aid/promise.html",
        {
            "community": community,
            "c": commitment_view(actor=actor, obj=commitment, today=today),
            "state": STATES[commitment.state(today)],
            "fulfil_form": fulfil,
            "fail_form": fail,
            "need_link": need is not None and policy.can(actor, "need.view", need),
            "answers": answers,
            "withdraws": withdraws,
            "decline_form": decline,
            "in_person": answers and actor.household_id != commitment.giver_household_id,
        },
        status=_status(fulfil, fail, decline),
    )


@require_membership
def promise_detail(request, community, commitment_id: int):
    commitment = _commitment(request, community, commitment_id)
    return _promise_page(request, community, commitment)


@require_POST
@require_membership
def promise_fulfil(request, community, commitment_id: int):
    actor = request.membership
    commitment = _commitment(request, community, commitment_id)
    policy.require(actor, "commitment.fulfil", commitment)
    form = forms.FulfilForm(request.POST, actor=actor, resource=commitment.resource)
    if form.is_valid():
        try:
            # A form sent twice (a double tap, a reload) records one delivery: the service
            # replays a known idempotency key.
            services.commitment_fulfil(
                actor=actor,
                commitment=commitment,
                quantity=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            amount = commitment.resource.format(form.cleaned_data["amount"])
            messages.success(request, _("Delivery of %(amount)s recorded.") % {"amount": amount})
            return redirect("promise", slug=community.slug, commitment_id=commitment.id)
    return _promise_page(request, community, commitment, fulfil=form)


@require_POST
@require_membership
def promise_fail(request, community, commitment_id: int):
    actor = request.membership
    commitment = _commitment(request, community, commitment_id)
    policy.require(actor, "commitment.fail", commitment)
    form = forms.FailForm(request.POST)
    if form.is_valid():
        try:
            commitment = services.commitment_fail(
                actor=actor,
                commitment=commitment,
                excused=form.cleaned_data["excused"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("The promise is closed as %(fate)s.") % {"fate": STATES[commitment.fate]},
            )
            return redirect("promise", slug=community.slug, commitment_id=commitment.id)
    return _promise_page(request, community, commitment, fail=form)


@require_POST
@require_membership
def promise_accept(request, community, commitment_id: int):
    """The giver household's yes: from now on the promise is owed."""
    actor = request.membership
    commitment = _commitment(request, community, commitment_id)
    policy.require(actor, "commitment.answer", commitment)
    try:
        services.commitment_accept(actor=actor, commitment=commitment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You accepted the promise; it is now owed."))
    return redirect("promise", slug=community.slug, commitment_id=commitment.id)


@require_POST
@require_membership
def promise_decline(request, community, commitment_id: int):
    """The giver household's no, or a coordinator taking back an unanswered proposal."""
    actor = request.membership
    commitment = _commitment(request, community, commitment_id)
    if not policy.can(actor, "commitment.withdraw", commitment):
        policy.require(actor, "commitment.answer", commitment)
    form = forms.DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.commitment_decline(
                actor=actor, commitment=commitment, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The proposal is closed: nothing is owed on it."))
            return redirect("promise", slug=community.slug, commitment_id=commitment.id)
    return _promise_page(request, community, commitment, decline=form)
