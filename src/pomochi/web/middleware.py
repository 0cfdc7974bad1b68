from django.core.exceptions import PermissionDenied
from django.utils.cache import patch_cache_control

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


class PrivateResponsesMiddleware:
    """Nothing shown to someone logged in is kept by a shared cache or on the device's disk.

    Asked after the view, so an API request authenticated by its token counts too. Static
    files never get here: WhiteNoise answers them first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
        return response
