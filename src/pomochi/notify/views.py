"""A member's notifications: the text rendered in the reader's language; seen means read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pomochi.communities import policy
from pomochi.errors import DomainError
from pomochi.notify.forms import PreferencesForm
from pomochi.notify.presenters import notifications_view
from pomochi.notify.selectors import notifications_recent, preferences_current
from pomochi.notify.services import notifications_mark_read, preferences_set
from pomochi.web.decorators import require_membership
from pomochi.web.forms import show_domain_error


@require_membership
def notification_list(request, community):
    rows = notifications_view(
        actor=request.membership,
        notifications=notifications_recent(membership=request.membership),
    )
    unread = [n["id"] for n in rows if not n["read"]]
    if unread:
        notifications_mark_read(actor=request.membership, ids=sorted(unread))
    # `read` is as it was before this page was shown: what is new is marked new once.
    return render(request, "notify/list.html", {"community": community, "rows": rows})


@require_membership
def notification_settings(request, community):
    """How the member hears each kind of news, how often the digest comes, no e-mail at all:
    one's own, so the page shows nobody else's."""
    member = request.membership
    policy.require(member, "notification.settings", member)
    current = preferences_current(membership=member)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            preferences_set(actor=member, membership=member, **form.settings())
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notification-settings", community.slug)
    return render(
        request,
        "notify/settings.html",
        {"community": community, "form": form, "reachable": current["reachable"]},
        status=422 if form.errors else 200,
    )
