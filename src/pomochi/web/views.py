from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pomochi.accounts.services import signup_open
from pomochi.aid.attention import member_home_for
from pomochi.aid.views.common import STATES
from pomochi.audit.selectors import audit_head
from pomochi.communities import policy
from pomochi.communities.selectors import memberships_of_user
from pomochi.ledger.attention import own_records
from pomochi.ledger.cover_pages import cover_lines
from pomochi.ledger.selectors import movements_listed, movements_page, pools_with_stock
from pomochi.ledger.views import page_number, recordable_actions, seen_events
from pomochi.onboarding.presenters import checklist_view
from pomochi.web.attention import attention_for, today_in
from pomochi.web.decorators import require_membership


class LoginView(auth_views.LoginView):
    """Django's log-in; django-axes counts the failures (settings.AXES_*)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"signup_open": signup_open()}


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers, for our log-in and the admin's, once an account is locked out
    at this address: our log-in page, saying so, with a 429 (its owner elsewhere is not)."""
    return render(
        request,
        "web/login.html",
        {
            "form": AuthenticationForm(request),
            "lockout": _(
                "Too many failed attempts to log in. Please wait a quarter of an hour and "
                "try again."
            ),
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


@login_required
def home(request):
    """Where a person lands: straight into their community if they have only one."""
    memberships = list(memberships_of_user(user=request.user))
    if len(memberships) == 1:
        return redirect("community", slug=memberships[0].community.slug)
    return render(
        request,
        "web/home.html",
        {"memberships": memberships, "may_found": policy.may_found(request.user)},
    )


@require_membership
def community_home(request, community):
    """The founder's checklist first; then what waits for a coordinator or the committee, and
    what the member's own household has going; then the stores and the latest movements."""
    actor = request.membership
    policy.require(actor, "community.view", community)
    recent = movements_page(
        movements_listed(actor=actor, community=community), page_number(request), per_page=10
    )
    today = today_in(community)
    attention = (
        attention_for(actor=actor, community=community, today=today)
        if policy.can(actor, "attention.view", community)
        else None
    )
    own = member_home_for(actor=actor, community=community, today=today)
    if own is not None and own.empty and attention is not None:
        own = None  # a coordinator's home is short: "nothing" is said once, of the list above
    return render(
        request,
        "web/community.html",
        {
            "community": community,
            "membership": request.membership,
            "pools": pools_with_stock(community=community),
            "cover_lines": cover_lines(community=community),
            "sets_up_stores": policy.can(actor, "pool.update", community),
            "head": audit_head(community=community),
            "events": seen_events(request.membership, recent),
            "page": recent,
            "actions": recordable_actions(request.membership),
            "checklist": checklist_view(actor=request.membership, community=community),
            "attention": attention,
            "own": own,
            "own_needs": [(n, STATES[n["state"]]) for n in own.needs] if own else [],
            "own_promises": [(c, STATES[c["state"]]) for c in own.promises] if own else [],
            "own_records": own_records(actor=actor, community=community),
        },
    )
