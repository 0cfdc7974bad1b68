"""Stores and what they keep: the pages listing them, creating and editing them, archiving a
store. Each page asks the policy before it shows a form; the services are the guarantee."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pomochi.communities import policy
from pomochi.communities.models import ResourceType
from pomochi.communities.services import resource_create, resource_recorded, resource_update
from pomochi.errors import DomainError
from pomochi.ledger.models import Pool
from pomochi.ledger.selectors import pools_listed, resources_listed
from pomochi.ledger.services import pool_archive, pool_create, pool_update, resource_keep
from pomochi.ledger.store_forms import PoolForm, ResourceForm
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error


def _form_page(request, community, form, title: str, template: str, **context):
    return render(
        request,
        template,
        {"community": community, "form": form, "title": title, **context},
        status=422 if form.errors else 200,
    )


@require_membership
def pools(request, community):
    """Every store with its stock and what it keeps; the archived ones apart."""
    actor = request.membership
    listed = pools_listed(community=community)
    return render(
        request,
        "ledger/pools.html",
        {
            "community": community,
            "pools": [row for row in listed if row.pool.archived_at is None],
            "archived": [row for row in listed if row.pool.archived_at is not None],
            "can_create": policy.can(actor, "pool.create", community),
            "can_update": policy.can(actor, "pool.update", community),
            "can_archive": policy.can(actor, "pool.archive", community),
        },
    )


@require_membership
def pool_add(request, community):
    actor = request.membership
    policy.require(actor, "pool.create", community)
    form = PoolForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            pool = pool_create(actor=actor, community=community, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Store %(name)s added.") % {"name": pool.name})
            return redirect("pools", slug=community.slug)
    return _form_page(request, community, form, _("Add a store"), "ledger/pool_form.html")


@require_membership
def pool_edit(request, community, pool_id: int):
    pool = get_object_or_404(Pool, community=community, pk=pool_id, archived_at__isnull=True)
    actor = request.membership
    policy.require(actor, "pool.update", pool)
    initial = {
        "name": pool.name,
        "kind": pool.kind,
        "description": pool.description,
        "resources": list(pool.resources.all()),
    }
    form = PoolForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            pool_update(actor=actor, pool=pool, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Store %(name)s saved.") % {"name": pool.name})
            return redirect("pools", slug=community.slug)
    return _form_page(
        request,
        community,
        form,
        _("Store %(name)s") % {"name": pool.name},
        "ledger/pool_form.html",
        pool=pool,
        can_archive=policy.can(actor, "pool.archive", pool),
    )


@require_POST
@require_membership
def pool_archive_view(request, community, pool_id: int):
    pool = get_object_or_404(Pool, community=community, pk=pool_id)
    policy.require(request.membership, "pool.archive", pool)
    try:
        pool_archive(actor=request.membership, pool=pool)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s is archived; its history stays.") % {"name": pool.name}
        )
    return redirect("pools", slug=community.slug)


@require_membership
def resources(request, community):
    """What the community keeps track of, with each one's unit and the stores that keep it."""
    actor = request.membership
    return render(
        request,
        "ledger/resources.html",
        {
            "community": community,
            "resources": resources_listed(community=community),
            "can_create": policy.can(actor, "resource.create", community),
            "can_update": policy.can(actor, "resource.update", community),
        },
    )


@require_membership
def resource_add(request, community):
    actor = request.membership
    policy.require(actor, "resource.create", community)
    form = ResourceForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("pools")
        try:
            with transaction.atomic():  # the resource and its stores, or neither
                resource = resource_create(actor=actor, community=community, **data)
                resource_keep(actor=actor, resource=resource, pools=chosen)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": resource.name})
            return redirect("resources", slug=community.slug)
    return _form_page(request, community, form, _("Add what you keep"), "ledger/resource_form.html")


@require_membership
def resource_edit(request, community, resource_id: int):
    resource = get_object_or_404(ResourceType, community=community, pk=resource_id)
    actor = request.membership
    policy.require(actor, "resource.update", resource)
    initial = {
        "name": resource.name,
        "unit": resource.unit,
        "kind": resource.kind,
        "decimal_places": resource.decimal_places,
        "pools": list(resource.pools.filter(archived_at__isnull=True)),
    }
    form = ResourceForm(
        request.POST or None,
        initial=initial,
        community=community,
        fixed=resource_recorded(resource),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("pools")
        try:
            with transaction.atomic():  # the resource and its stores, or neither
                resource_update(actor=actor, resource=resource, **data)
                resource_keep(actor=actor, resource=resource, pools=chosen)
        except DomainError as exc:
            resource.refresh_from_db()
            show_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": resource.name})
            return redirect("resources", slug=community.slug)
    return _form_page(
        request,
        community,
        form,
        resource.name,
        "ledger/resource_form.html",
    )
