"""Pages behind the links in e-mail (placeholder until the action links land)."""

from django.http import Http404


def unsubscribe(request, token):
    raise Http404


def action(request, token):
    raise Http404
