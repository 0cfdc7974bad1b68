from django.core.exceptions import PermissionDenied

from pomochi.errors import NotAllowed


class NotAllowedMiddleware:
    """A policy refusal that reaches a page becomes a plain 403, never a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(str(exception)) from exception
        return None
