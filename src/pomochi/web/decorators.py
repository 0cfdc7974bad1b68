"""Resolve the community in the URL and the caller's membership of it, once, for every page."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from pomochi.communities.models import Community
from pomochi.communities.selectors import membership_in


def require_membership(view):
    """Pages of a community are for its members; to anyone else the community is not there."""

    @login_required
    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        community = get_object_or_404(Community, slug=slug)
        membership = membership_in(user=request.user, community=community)
        if membership is None:
            raise Http404("not a member")
        request.membership = membership
        return view(request, community, *args, **kwargs)

    return wrapped
