from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from pomochi.audit.selectors import audit_head
from pomochi.communities import policy
from pomochi.communities.selectors import memberships_of_user
from pomochi.ledger.selectors import events_filtered, pools_with_stock
from pomochi.ledger.views import page_number, recordable_actions, seen_events
from pomochi.web.decorators import require_membership
from pomochi.web.forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """Where a person lands: straight into their community if they have only one."""
    memberships = list(memberships_of_user(user=request.user))
    if len(memberships) == 1:
        return redirect("community", slug=memberships[0].community.slug)
    return render(request, "web/home.html", {"memberships": memberships})


@require_membership
def community_home(request, community):
    policy.require(request.membership, "community.view", community)
    recent = events_filtered(community=community, per_page=10, page=page_number(request))
    return render(
        request,
        "web/community.html",
        {
            "community": community,
            "membership": request.membership,
            "pools": pools_with_stock(community=community),
            "head": audit_head(community=community),
            "events": seen_events(request.membership, recent),
            "page": recent,
            "actions": recordable_actions(request.membership),
        },
    )
