"""Pages of the ledger: a pool, a household's history, an event, and the forms that record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pomochi.communities import policy
from pomochi.communities.models import Household
from pomochi.communities.presenters import household_view
from pomochi.communities.quantities import format_quantity
from pomochi.errors import DomainError
from pomochi.filters import list_template
from pomochi.ledger import forms
from pomochi.ledger.cover import store_cover
from pomochi.ledger.cover_pages import cover_shown
from pomochi.ledger.filters import MovementFilterForm
from pomochi.ledger.inputs import MOVEMENTS, REVERSAL, contribution_record, movement_record
from pomochi.ledger.models import Event, PendingContribution, Pool
from pomochi.ledger.presenters import event_phrase, event_view, events_view
from pomochi.ledger.selectors import (
    holdings_for_pool,
    household_totals,
    movements_listed,
    movements_page,
)
from pomochi.web.decorators import require_membership

PER_PAGE = 30  # movements a page


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def seen_events(membership, page) -> list[dict]:
    """A page's events as this member may see them (ledger.presenters.event_view)."""
    return events_view(actor=membership, events=page.object_list)


def _movements_page(request, community, template: str, context: dict, fixed=None):
    """A page with a filtered, paginated list of movements (ledger.filters): the same form,
    the same selector and the same statuses (422 for a bad filter) as the API's events list."""
    actor = request.membership
    filters = MovementFilterForm(request.GET, actor=actor, community=community, fixed=fixed)
    page = None
    if filters.is_valid():
        events = movements_listed(actor=actor, community=community, criteria=filters.criteria)
        page = movements_page(events, request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request,
        list_template(template, request),
        context
        | {
            "community": community,
            "filters": filters,
            "query": filters.query(),
            "page": page,
            "events": seen_events(actor, page) if page else [],
            "list_id": "movements-list",
        },
        status=filters.status,
    )


@require_membership
def movements(request, community):
    """Every movement of the community, filtered; every member sees them as event_view shows."""
    return _movements_page(request, community, "ledger/movements.html", {})


@require_membership
def pool_detail(request, community, pool_id: int):
    """A store: what it holds, its cover and stock month by month (ledger.cover), its
    movements (for htmx only the list, without the cover's reads)."""
    pool = get_object_or_404(
        Pool.objects.select_related("community"), community=community, pk=pool_id
    )
    covers = [] if request.htmx and not request.htmx.boosted else store_cover(pool=pool)
    return _movements_page(
        request,
        community,
        "ledger/pool.html",
        {
            "pool": pool,
            "holdings": holdings_for_pool(pool=pool),
            "covers": [cover_shown(c, index=i) for i, c in enumerate(covers, start=1)],
        },
        fixed={"pool": pool},
    )


@require_membership
def household_detail(request, community, household_id: int):
    household = get_object_or_404(Household, community=community, pk=household_id)
    # A household's history shows what it received: private to it, coordinators, committee.
    if not policy.can(request.membership, "household.view_private", household):
        raise PermissionDenied
    return _movements_page(
        request,
        community,
        "ledger/household.html",
        {
            "household": household_view(actor=request.membership, obj=household),
            "totals": household_totals(household=household),
        },
        fixed={"household": household},
    )


@require_membership
def event_detail(request, community, event_id: int):
    event = get_object_or_404(
        Event.objects.select_related(
            "resource",
            "provider_household",
            "provider_pool",
            "receiver_household",
            "receiver_pool",
            "recorded_by__user",
            "reverses",
            "reversed_by",
        ),
        community=community,
        pk=event_id,
    )
    return render(
        request,
        "ledger/event.html",
        {
            "community": community,
            "event": event_view(actor=request.membership, obj=event),
            "can_reverse": policy.can(request.membership, "ledger.reverse", event),
        },
    )


def recordable_actions(membership) -> list[tuple[str, str]]:
    return [
        (action, movement.title)
        for action, movement in MOVEMENTS.items()
        if policy.can(membership, f"ledger.{action}.form", membership.community)
    ]


@require_membership
def record(request, community, action: str):
    if action not in MOVEMENTS:
        raise PermissionDenied
    policy.require(request.membership, f"ledger.{action}.form", community)
    movement = MOVEMENTS[action]
    # ?pool=…&resource=… choose them before the form is sent (the stock shown; htmx asks so)
    chosen = {name: request.GET[name] for name in ("pool", "resource") if name in request.GET}
    form = forms.FORMS[action](request.POST or None, actor=request.membership, initial=chosen)
    if request.method == "POST" and form.is_valid() and not form.awaiting_confirmation:
        key = form.cleaned_data["idempotency_key"]
        try:
            if action == "contribute":  # perhaps waiting for a coordinator (mutual checks)
                event = contribution_record(
                    actor=request.membership, values=form.values(), idempotency_key=key
                )
            else:
                event = movement_record(
                    movement, actor=request.membership, values=form.values(), idempotency_key=key
                )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if isinstance(event, PendingContribution):
                messages.success(
                    request,
                    _(
                        "Sent: %(amount)s of %(resource)s. A coordinator will confirm it "
                        "when it arrives."
                    )
                    % {
                        "amount": format_quantity(event.quantity, resource=event.resource),
                        "resource": event.resource.name,
                    },
                )
                return redirect("community", slug=community.slug)
            messages.success(
                request,
                _("Recorded: %(what)s %(amount)s.")
                % {
                    "what": event.get_action_display(),
                    # an adjustment keeps its sign: "−2 kg" taken out
                    "amount": format_quantity(
                        form.cleaned_data["amount"], resource=event.resource, signed=form.signed
                    ),
                },
            )
            return redirect("community", slug=community.slug)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "ledger/record.html",
        {
            "community": community,
            "form": form,
            "title": movement.title,
            "action": action,
            "confirm": form.is_bound and not form.errors and form.awaiting_confirmation,
            "stock": form.stock_shown(),
            "waits": action == "contribute"
            and policy.can(request.membership, "ledger.contribute.waits", community),
        },
        status=status,
    )


@require_membership
def reverse_event(request, community, event_id: int):
    event = get_object_or_404(
        Event.objects.select_related(
            "resource",
            "provider_household",
            "provider_pool",
            "receiver_household",
            "receiver_pool",
            "recorded_by__user",
            "reversed_by",
        ),
        community=community,
        pk=event_id,
    )
    policy.require(request.membership, "ledger.reverse", event)
    form = forms.ReverseForm(request.POST or None, actor=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            movement_record(
                REVERSAL,
                actor=request.membership,
                values=form.values(event=event),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The entry was reversed."))
            return redirect("event", slug=community.slug, event_id=event.id)
    status = 422 if form.is_bound and form.errors else 200
    seen = event_view(actor=request.membership, obj=event)
    return render(
        request,
        "ledger/record.html",
        {
            "community": community,
            "form": form,
            "title": REVERSAL.title,
            "event": seen,
            "original": event_phrase(seen, zone=community.zone),
        },
        status=status,
    )
