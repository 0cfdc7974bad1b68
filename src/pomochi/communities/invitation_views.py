"""Invitations and password codes: making them, printing their slips, redeeming them.

A code is shown once, on the page a form redirects to (kept in the session until then), so
reloading that page makes nothing more and shows the code no more; only digests are stored.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pomochi.communities import invitations as services
from pomochi.communities import policy
from pomochi.communities.forms import (
    InvitationCodeForm,
    InvitationForm,
    NewPasswordForm,
    SignupForm,
    SlipsForm,
)
from pomochi.communities.models import Invitation, Membership
from pomochi.communities.selectors import (
    households_for_slips,
    invitations_open,
    password_codes_open,
)
from pomochi.errors import DomainError
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error

ISSUED_KEY = "pomochi_invitation_issued"
SLIPS_KEY = "pomochi_invitation_slips"
PASSWORD_CODE_KEY = "pomochi_password_code_issued"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _hold(request, key: str, issued: list[services.Issued]) -> None:
    request.session[key] = [[i.invitation.id, i.code] for i in issued]


def _release(request, key: str, community) -> list[services.Issued]:
    """The codes held for this page, once: popped from the session as they are shown."""
    if request.method != "GET" or key not in request.session:
        return []
    held = dict(request.session.pop(key))
    found = Invitation.objects.filter(community=community, pk__in=held).select_related(
        "household", "for_membership__user"
    )
    by_id = {i.id: i for i in found}
    return [services.Issued(invitation=by_id[pk], code=held[pk]) for pk in held if pk in by_id]


def _slips_context(request, community, issued: list[services.Issued]) -> dict:
    return {
        "issued": issued,
        "site": request.build_absolute_uri(reverse("invite-code")),
        "community": community,
    }


def _accept_url(request) -> str:
    return request.build_absolute_uri(reverse("invite", args=["CODE"])).replace("CODE", "{code}")


def _grants(actor, community) -> tuple[str, ...]:
    """The roles this actor may grant through an invitation: membership_set_roles' rules."""
    prospect = Membership(community=community)
    return tuple(
        role
        for role in ("coordinator", "committee")
        if policy.can(actor, f"membership.grant_{role}", prospect)
    )


@require_membership
def invitations(request, community):
    """Invite people: by e-mail, or with a code to print or read out. Open invitations listed."""
    actor = request.membership
    policy.require(actor, "membership.invite", community)
    form = InvitationForm(
        request.POST or None, community=community, grants=_grants(actor, community)
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(
                actor=actor,
                community=community,
                accept_url=_accept_url(request),
                **form.cleaned_data,
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            _hold(request, ISSUED_KEY, [issued])
            return redirect("invitations", slug=community.slug)
    issued = _release(request, ISSUED_KEY, community)
    return render(
        request,
        "communities/invitations.html",
        _slips_context(request, community, issued)
        | {
            "form": form,
            "link": (
                request.build_absolute_uri(reverse("invite", args=[issued[0].code]))
                if issued
                else None
            ),
            "open": invitations_open(community=community),
        },
        status=422 if form.errors else 200,
    )


@require_membership
def invitation_slips(request, community):
    """A sheet of slips: one invitation per household ticked (or every household without a
    member), printed and cut out, for neighbours without e-mail."""
    actor = request.membership
    policy.require(actor, "membership.invite", community)
    households = households_for_slips(community=community)
    form = SlipsForm(request.POST if request.method == "POST" else None, households=households)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["households"])
        if form.cleaned_data["without_member"]:
            chosen += [h for h in households if not h.has_member and h.open_until is None]
        if not chosen:
            form.add_error(None, _("Every household has a member or an open invitation already."))
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitations_create_batch(
                actor=actor, community=community, households=sorted(chosen, key=lambda h: h.name)
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            _hold(request, SLIPS_KEY, issued)
            messages.success(
                request,
                ngettext(
                    "%(n)d invitation made: print this page now, the codes are shown only once.",
                    "%(n)d invitations made: print this page now, the codes are shown only once.",
                    len(issued),
                )
                % {"n": len(issued)},
            )
            return redirect("invitation-slips", slug=community.slug)
    return render(
        request,
        "communities/invitation_slips.html",
        _slips_context(request, community, _release(request, SLIPS_KEY, community))
        | {
            "form": form,
            "households": households,
            "ticked": {int(x) for x in request.POST.getlist("households") if x.isdigit()},
            "max_slips": services.MAX_SLIPS,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@require_membership
def invitation_revoke(request, community, invitation_id: int):
    invitation = get_object_or_404(Invitation, community=community, pk=invitation_id)
    policy.require(request.membership, "membership.invite", invitation)
    try:
        services.invitation_revoke(actor=request.membership, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("invitations", slug=community.slug)


@require_membership
def password_codes(request, community):
    """Members who forgot their password and have no e-mail to reset it by: a code on paper."""
    actor = request.membership
    policy.require(actor, "membership.reissue_password.form", community)
    people = (
        Membership.objects.filter(community=community, is_active=True)
        .select_related("user", "household")
        .order_by("user__username")
    )
    open_codes = password_codes_open(community=community)
    rows = [
        {"m": m, "open": open_codes.get(m.id)}
        for m in policy.allowed_among(actor, "membership.reissue_password", people)
    ]
    return render(
        request,
        "communities/password_codes.html",
        _slips_context(request, community, _release(request, PASSWORD_CODE_KEY, community))
        | {"rows": rows, "days": services.PASSWORD_CODE_DAYS},
    )


@require_POST
@require_membership
def member_password_code(request, community, membership_id: int):
    target = get_object_or_404(
        Membership.objects.select_related("user"), community=community, pk=membership_id
    )
    policy.require(request.membership, "membership.reissue_password", target)
    try:
        issued = services.invitation_reissue_password(actor=request.membership, membership=target)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        _hold(request, PASSWORD_CODE_KEY, [issued])
    return redirect("password-codes", slug=community.slug)


def invite(request, code: str):
    """Where a code leads: accept an invitation (logged in, or making one's own account), or
    set a new password with a password code."""
    invitation = services.invitation_find(code=code)
    if invitation is None:
        return render(request, "communities/invite_invalid.html", status=404)
    if invitation.for_membership_id is not None:
        return _new_password(request, invitation, code)
    signup = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(user=request.user, code=code)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                return _welcome(request, membership)
    else:
        signup = SignupForm(request.POST or None)
        if request.method == "POST" and signup.is_valid():
            data = signup.cleaned_data
            try:
                membership = services.account_create_and_accept(
                    code=code,
                    username=data["username"],
                    password=data["password"],
                    email=data["email"],
                    display_name=data["display_name"],
                )
            except DomainError as exc:
                show_domain_error(signup, exc)
            else:
                login(request, membership.user, backend=LOGIN_BACKEND)
                return _welcome(request, membership)
    return render(
        request,
        "communities/invite.html",
        {"invitation": invitation, "signup": signup, "code": code},
        status=422 if signup is not None and signup.errors else 200,
    )


def _new_password(request, invitation: Invitation, code: str):
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.password_code_redeem(
                code=code, password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            login(request, membership.user, backend=LOGIN_BACKEND)
            messages.success(request, _("Your new password is set. Welcome back."))
            return redirect("community", slug=membership.community.slug)
    return render(
        request,
        "communities/invite_password.html",
        {"invitation": invitation, "member": invitation.for_membership, "form": form},
        status=422 if form.errors else 200,
    )


def _welcome(request, membership):
    messages.success(
        request, _("Welcome to %(community)s.") % {"community": membership.community.name}
    )
    return redirect("community", slug=membership.community.slug)


def invite_code(request):
    """For a code on paper: type it in (any case, with or without the dashes)."""
    form = InvitationCodeForm(request.GET or None)
    if form.is_valid():
        code = services.code_normalise(form.cleaned_data["code"])
        return redirect("invite", code=code or "-")
    return render(request, "communities/invite_code.html", {"form": form})
