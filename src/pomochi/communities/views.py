"""Members and roles, households, and the bylaws: pages that follow the policy exactly."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pomochi.communities import imports, policy, services
from pomochi.communities.forms import (
    RULE_LABELS,
    BylawsForm,
    HouseholdForm,
    PlaceForm,
    RemoveForm,
)
from pomochi.communities.models import Membership
from pomochi.communities.presenters import household_view, member_name, membership_view
from pomochi.communities.selectors import (
    bylaws_current,
    bylaws_versions,
    households_of,
)
from pomochi.errors import DomainError
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error


@require_membership
def members(request, community):
    """The members and the households, as the presenters show them to this member: the page
    receives dicts, never the models."""
    actor = request.membership
    people = (
        Membership.objects.filter(community=community, is_active=True)
        .select_related("user", "household")
        .order_by("user__username")
    )
    may_place = policy.can(actor, "membership.set_household", community)
    rows = [
        {
            "m": membership_view(actor=actor, obj=m),
            "me": m.id == actor.id,
            "can_coordinator": policy.can(actor, "membership.grant_coordinator", m),
            "can_committee": policy.can(actor, "membership.grant_committee", m),
            "can_remove": policy.can(actor, "membership.remove", m),
        }
        for m in people
    ]
    households = list(households_of(community=community).select_related("merged_into"))
    listed = [
        {
            "h": household_view(actor=actor, obj=h),
            "can_edit": policy.can(actor, "household.update", h),
            "merged_into": h.merged_into.name if h.merged_into_id else None,
        }
        for h in households
    ]
    return render(
        request,
        "communities/members.html",
        {
            "community": community,
            "rows": rows,
            "can_invite": policy.can(actor, "membership.invite", community),
            "can_add_household": policy.can(actor, "household.create", community),
            "can_create_own": policy.can(actor, "household.create_own", community),
            "place_form": PlaceForm(community=community) if may_place else None,
            "households": [row for row in listed if not row["h"]["archived"]],
            "archived": [row for row in listed if row["h"]["archived"]],
            "can_see_private": policy.can(actor, "household.list_private", community),
        },
    )


@require_POST
@require_membership
def member_household(request, community, membership_id: int):
    """A coordinator places a member (the founder too) in a household, or in none."""
    target = get_object_or_404(Membership, community=community, pk=membership_id)
    policy.require(request.membership, "membership.set_household", target)
    form = PlaceForm(request.POST, community=community)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("members", slug=community.slug)
    try:
        services.membership_set_household(
            actor=request.membership, membership=target, household=form.cleaned_data["household"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Household of %(who)s changed.") % {"who": target.user})
    return redirect("members", slug=community.slug)


@require_membership
def member_leave(request, community):
    """Leave the community: asked to confirm first; afterwards nothing of it is theirs to read."""
    actor = request.membership
    policy.require(actor, "membership.leave", actor)
    if request.method == "POST":
        services.membership_leave(actor=actor, membership=actor)
        messages.success(request, _("You left %(name)s.") % {"name": community.name})
        return redirect("home")
    return render(request, "communities/leave.html", {"community": community})


@require_membership
def member_remove(request, community, membership_id: int):
    """The committee removes a member, saying why (kept private)."""
    target = get_object_or_404(
        Membership.objects.select_related("user"), community=community, pk=membership_id
    )
    policy.require(request.membership, "membership.remove", target)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_remove(
                actor=request.membership, membership=target, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("%(who)s was removed.") % {"who": target.user})
            return redirect("members", slug=community.slug)
    title = _("Remove %(who)s from the community") % {
        "who": member_name(actor=request.membership, obj=target)
    }
    return render(
        request,
        "communities/form.html",
        {"community": community, "form": form, "title": title},
        status=422 if form.errors else 200,
    )


@require_POST
@require_membership
def member_roles(request, community, membership_id: int):
    target = get_object_or_404(Membership, community=community, pk=membership_id)
    role, grant = request.POST.get("role"), request.POST.get("grant") == "1"
    if role not in ("coordinator", "committee"):
        messages.error(request, _("Unknown role."))
        return redirect("members", slug=community.slug)
    policy.require(request.membership, f"membership.grant_{role}", target)
    try:
        services.membership_set_roles(actor=request.membership, membership=target, **{role: grant})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Roles of %(who)s changed.") % {"who": target.user})
    return redirect("members", slug=community.slug)


@require_membership
def household_create(request, community):
    policy.require(request.membership, "household.create", community)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(
                actor=request.membership, community=community, **form.cleaned_data
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Household %(name)s added.") % {"name": household})
            return redirect("members", slug=community.slug)
    return render(
        request,
        "communities/form.html",
        {"community": community, "form": form, "title": _("Add a household")},
        status=422 if form.errors else 200,
    )


@require_membership
def bylaws(request, community, version: int | None = None):
    current = bylaws_current(community=community)
    shown = current if version is None else get_object_or_404(community.bylaws, version=version)
    rules = dict(shown.rules)
    privacy = rules.pop("privacy")
    if "standard_rations" in rules:  # read as the form writes them: "grain = 2"
        rations = rules["standard_rations"].items()
        rules["standard_rations"] = "; ".join(f"{k} = {v}" for k, v in rations) or "—"
    listed = [(RULE_LABELS.get(k, k), v) for k, v in (rules | privacy).items()]
    return render(
        request,
        "communities/bylaws.html",
        {
            "community": community,
            "shown": shown,
            "current": current,
            "rules": listed,
            "versions": bylaws_versions(community=community),
            "can_change": policy.can(request.membership, "bylaws.change", community),
        },
    )


@require_membership
def bylaws_change(request, community):
    policy.require(request.membership, "bylaws.change", community)
    current = bylaws_current(community=community)
    form = BylawsForm(request.POST or None, rules=current.rules)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.bylaws_change(
                actor=request.membership,
                community=community,
                rules=form.rules(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(
                request, _("Version %(v)d of the bylaws is in force.") % {"v": version.version}
            )
            return redirect("bylaws", slug=community.slug)
    return render(
        request,
        "communities/form.html",
        {"community": community, "form": form, "title": _("Change the bylaws")},
        status=422 if form.errors else 200,
    )


def _import_context(community) -> dict:
    return {
        "community": community,
        "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES // (1024 * 1024),
        "max_columns": imports.MAX_COLUMNS,
    }


@require_membership
def households_import(request, community):
    """Upload a CSV file of households: shows what would be created and every bad line."""
    policy.require(request.membership, "household.create", community)
    context = _import_context(community)
    if request.method != "POST":
        return render(request, "communities/import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["problems"] = [imports.Problem(None, _("Choose a CSV file to upload."))]
        return render(request, "communities/import.html", context, status=422)
    # Read a chunk at a time, and not at all if the upload is larger than allowed.
    preview = imports.households_preview(community=community, data=upload)
    context |= {
        # The page shows the first rows and counts the others; the token carries them all.
        "rows": preview.rows[: imports.PREVIEW_ROWS],
        "row_count": len(preview.rows),
        "rows_unshown": max(0, len(preview.rows) - imports.PREVIEW_ROWS),
        "problems": preview.problems,
        "problems_unlisted": preview.unlisted,
    }
    if preview.ok:
        context["payload"] = imports.rows_sign(
            rows=preview.rows, community=community, actor=request.membership
        )
    return render(request, "communities/import.html", context, status=200 if preview.ok else 422)


@require_POST
@require_membership
def households_import_confirm(request, community):
    """Create the households of a preview, carried here signed, so the file is not sent again."""
    policy.require(request.membership, "household.create", community)
    context = _import_context(community)
    try:
        rows = imports.rows_unsign(
            request.POST.get("payload", ""), community=community, actor=request.membership
        )
        created = imports.households_import(
            actor=request.membership, community=community, rows=rows
        )
    except imports.ImportRefused as exc:
        listed, context["problems_unlisted"] = imports.problems_listed(exc.problems)
        context["problems"] = [imports.Problem(None, exc.message), *listed]
        return render(request, "communities/import.html", context, status=422)
    except imports.PreviewInvalid as exc:
        context["problems"] = [imports.Problem(None, exc.message)]
        return render(request, "communities/import.html", context, status=400)
    except DomainError as exc:  # a name taken between the check and the insert, say
        context["problems"] = [imports.Problem(None, exc.message)]
        return render(request, "communities/import.html", context, status=422)
    messages.success(
        request,
        ngettext("%(n)d household imported.", "%(n)d households imported.", len(created))
        % {"n": len(created)},
    )
    return redirect("members", slug=community.slug)
