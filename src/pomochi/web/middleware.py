from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
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


class UserLanguageMiddleware:
    """The language the pages speak: the one chosen on this device (the language switch's
    cookie, which the account settings page sets too), else the person's own (User.language),
    else the browser's (Accept-Language, as Django's LocaleMiddleware chose it), else on a
    community's pages the community's, else the site's. After AuthenticationMiddleware: it
    needs the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in dict(settings.LANGUAGES):
            return None
        user = getattr(request, "user", None)
        language = user.language if user is not None and user.is_authenticated else ""
        if language or _browser_asks(request):
            pass
        elif "slug" in kwargs and request.path.startswith("/c/"):
            from pomochi.communities.models import Community

            language = (
                Community.objects.filter(slug=kwargs["slug"])
                .values_list("language", flat=True)
                .first()
            ) or ""
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None


def _browser_asks(request) -> bool:
    """Whether the browser's Accept-Language names a language the site speaks."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    spoken = dict(settings.LANGUAGES)
    tags = (part.split(";")[0].strip().lower() for part in header.split(","))
    return any(tag.split("-")[0] in spoken for tag in tags if tag)
