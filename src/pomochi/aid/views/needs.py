"""Pages of needs: the list (privacy applied), posting, editing, matches and promises."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.aid import forms, selectors, services
from pomochi.aid.filters import NeedFilterForm
from pomochi.aid.models import (
    Need,
    Offer,
)
from pomochi.aid.presenters import commitment_view, match_view, need_view
from pomochi.aid.services import Proposal
from pomochi.aid.views.common import (
    STATES,
    _amount_text,
    _form_page,
    _list_template,
    _page,
    _status,
)
from pomochi.communities import policy
from pomochi.errors import DomainError
from pomochi.ledger.models import Pool
from pomochi.web.decorators import require_membership


@require_membership
def need_list(request, community):
    actor = request.membership
    filters = NeedFilterForm(request.GET, actor=actor, community=community)
    page = None
    if filters.is_valid():
        needs = selectors.needs_listed(actor=actor, community=community, criteria=filters.criteria)
        page = _page(request, needs)
    today = timezone.localdate()
    return render(
        request,
        _list_template("aid/needs.html", request),
        {
            "community": community,
            "filters": filters,
            "query": filters.query(),
            "page": page,
            "rows": [(v, STATES[v["state"]]) for v in _needs_view(actor, page or [], today)],
            "sees_all": filters.offers_household,
            "can_post": forms.NeedForm(actor=actor).own_households.exists(),
        },
        status=filters.status,
    )


def _needs_view(actor, needs, today) -> list[dict]:
    return [v for n in needs if (v := need_view(actor=actor, obj=n, today=today))]


@require_membership
def need_new(request, community):
    actor = request.membership
    form = forms.NeedForm(request.POST or None, actor=actor)
    # Only for someone who may ask for a household: their own, or any for a coordinator.
    if not any(policy.can(actor, "need.post", h) for h in form.own_households[:1]):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            need = services.need_post(
                actor=actor,
                community=community,
                household=d["household"],
                resource=d["resource"],
                quantity=d["amount"],
                urgency=d["urgency"],
                needed_by=d["needed_by"],
                note=d["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            words = {
                "amount": need.resource.format(need.quantity),
                "resource": need.resource.name,
                "household": need.household.name,
            }
            if need.household_id == actor.household_id:
                posted = _("Your need of %(amount)s of %(resource)s is posted.") % words
            else:  # a coordinator asking for a household, often one with nobody online
                posted = _("The %(household)s' need for %(amount)s of %(resource)s is posted.") % (
                    words
                )
            messages.success(request, posted)
            return redirect("need", slug=community.slug, need_id=need.id)
    return _form_page(
        request,
        community,
        form,
        title=_("Ask for help"),
        back=(reverse("needs", args=[community.slug]), _("Needs")),
        intro=_(
            "Only your household, the coordinators and the committee see what you ask for, "
            "unless the bylaws say otherwise."
        ),
    )


def _need(request, community, need_id: int) -> Need:
    """The need in the path; one this member may not see is not found (policy.require_visible)."""
    need = get_object_or_404(
        Need.objects.select_related("household", "resource"), community=community, pk=need_id
    )
    policy.require_visible(request.membership, "need.view", need)
    return need


def _match_key(match) -> str:
    return f"offer-{match.offer.id}" if match.offer else f"pool-{match.holding.pool_id}"


def _promise_form(actor, need, match, unpromised: int) -> forms.PromiseForm:
    today = timezone.localdate()
    due = need.needed_by if need.needed_by and need.needed_by >= today else None
    return forms.PromiseForm(
        actor=actor,
        resource=need.resource,
        auto_id=f"id_{_match_key(match)}_%s",
        initial={
            "offer": match.offer.id if match.offer else None,
            "pool": None if match.offer else match.holding.pool_id,
            "quantity": _amount_text(min(match.covers, unpromised), need.resource),
            "due_on": due or today + timedelta(days=7),
        },
    )


def _proposal(need: Need, giver_household_id: int | None) -> Proposal:
    return Proposal(
        community_id=need.community_id,
        giver_household_id=giver_household_id,
        receiver_household_id=need.household_id,
    )


def _may_promise(actor, need: Need, giver_household_id: int | None, pool: Pool | None) -> bool:
    """commitment.make, and for a pool's stock also the right to hand it out: the bylaws'
    households_commit_directly lets two households agree between themselves, never promise
    themselves the granary (which the receiving household would then confirm alone)."""
    if pool is not None and not policy.can(actor, "ledger.distribute", pool):
        return False
    return policy.can(actor, "commitment.make", _proposal(need, giver_household_id))


def _need_page(request, community, need, *, bound=None, bound_key=None, error=""):
    actor = request.membership
    today = timezone.localdate()
    state = need.state(today)
    promises = list(
        need.commitments.select_related(
            "giver_household", "giver_pool", "receiver_household", "resource"
        ).order_by("due_on", "id")
    )
    # Promises are offered only for what the need may still receive: not what is met, promised
    # but not yet delivered, or allotted in a round still open.
    unpromised = selectors.need_receivable(need=need)
    matches = []
    if state in ("open", "partly_met") and unpromised > 0:
        for match in selectors.matches_for_need(need=need, today=today):
            giver = match.offer.household_id if match.offer else None
            form = None
            if _may_promise(actor, need, giver, None if match.offer else match.holding.pool):
                key = _match_key(match)
                form = bound if key == bound_key else _promise_form(actor, need, match, unpromised)
            matches.append((match_view(actor=actor, need=need, obj=match), form))
    can_change = policy.can(actor, "need.change", need) and state != "withdrawn"
    # Only the promises this member may see: a promise says who gives to whom.
    shown = [v for c in promises if (v := commitment_view(actor=actor, obj=c, today=today))]
    return render(
        request,
        "aid/need.html",
        {
            "community": community,
            "need": need_view(actor=actor, obj=need, today=today),
            "state": STATES[state],
            "is_open": state in ("open", "partly_met"),
            "promised_in_full": unpromised <= 0,
            "matches": matches,
            "can_change": can_change,
            "promises": [(v, STATES[v["state"]]) for v in shown],
            "error": error,
        },
        status=422 if error else _status(bound),
    )


@require_membership
def need_detail(request, community, need_id: int):
    need = _need(request, community, need_id)
    return _need_page(request, community, need)


@require_membership
def need_edit(request, community, need_id: int):
    actor = request.membership
    need = _need(request, community, need_id)
    policy.require(actor, "need.change", need)
    form = forms.NeedEditForm(
        request.POST or None,
        actor=actor,
        resource=need.resource,
        initial={
            "quantity": _amount_text(need.quantity, need.resource),
            "urgency": need.urgency,
            "needed_by": need.needed_by,
            "note": need.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.need_edit(
                actor=actor,
                need=need,
                quantity=d["amount"],
                urgency=d["urgency"],
                needed_by=d["needed_by"],
                note=d["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The need is changed."))
            return redirect("need", slug=community.slug, need_id=need.id)
    return _form_page(
        request,
        community,
        form,
        title=_("Change the need: %(what)s")
        % {"what": f"{need.resource.name}, {need.household.name}"},
        back=(reverse("need", args=[community.slug, need.id]), _("The need")),
    )


@require_POST
@require_membership
def need_withdraw(request, community, need_id: int):
    need = _need(request, community, need_id)
    policy.require(request.membership, "need.change", need)
    services.need_withdraw(actor=request.membership, need=need)
    messages.success(request, _("The need is withdrawn."))
    return redirect("needs", slug=community.slug)


@require_POST
@require_membership
def need_promise(request, community, need_id: int):
    """Turn one of the need's matches (an offer, or a pool's stock) into a promise."""
    actor = request.membership
    need = _need(request, community, need_id)
    offer = pool = None
    if offer_id := request.POST.get("offer"):
        offer = get_object_or_404(Offer, community=community, pk=_int_or_404(offer_id))
    elif pool_id := request.POST.get("pool"):
        pool = get_object_or_404(Pool, community=community, pk=_int_or_404(pool_id))
    elif policy.can(actor, "commitment.make", _proposal(need, None)):
        return _need_page(
            request, community, need, error=_("Choose who gives: an offer or a store.")
        )
    else:
        raise PermissionDenied
    if not _may_promise(actor, need, offer.household_id if offer else None, pool):
        raise PermissionDenied
    key = f"offer-{offer.id}" if offer else f"pool-{pool.id}"
    form = forms.PromiseForm(
        request.POST, actor=actor, resource=need.resource, auto_id=f"id_{key}_%s"
    )
    if form.is_valid():
        try:
            commitment = services.commitment_make(
                actor=actor,
                community=community,
                receiver=need.household,
                resource=need.resource,
                quantity=form.cleaned_data["amount"],
                due_on=form.cleaned_data["due_on"],
                giver_household=offer.household if offer else None,
                giver_pool=pool,
                need=need,
                offer=offer,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                _("Promised: %(amount)s of %(resource)s by %(date)s.")
                % {
                    "amount": need.resource.format(commitment.quantity),
                    "resource": need.resource.name,
                    "date": date_format(commitment.due_on, "DATE_FORMAT"),
                },
            )
            return redirect("promise", slug=community.slug, commitment_id=commitment.id)
    return _need_page(request, community, need, bound=form, bound_key=key)


def _int_or_404(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PermissionDenied from None
