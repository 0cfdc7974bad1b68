"""The API at /api/v1/: assembled from each app's `api.py`, same services and policy as the web."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pomochi.api.auth import TokenAuth
from pomochi.api.common import ExactParser, FieldError
from pomochi.errors import Conflict, DomainError, NotAllowed

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="pomochi",
    version="1",
    description="Community mutual aid: shared stores, the ledger and its audit chain.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    parser=ExactParser(),
)


def error(request, status: int, message: str, fields: dict | None = None):
    return api.create_response(request, {"message": message, "fields": fields or {}}, status=status)


def unknown_path(request, rest: str = ""):
    """A path under /api/ that no endpoint serves answers the API's 404, not Django's HTML page
    (a client parsing JSON would otherwise fail on a typo in its own URL)."""
    return error(request, 404, _("There is no such endpoint."))


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, Conflict) else 422
    fields = {exc.field: [exc.message]} if exc.field else {}
    return error(request, status, exc.message, fields)


@api.exception_handler(FieldError)
def field_error(request, exc: FieldError):
    return error(request, 422, exc.message, {exc.field: [exc.message]})


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for problem in exc.errors:
        location = [
            str(part) for part in problem.get("loc", ()) if part not in ("body", "payload", "query")
        ]
        fields.setdefault(".".join(location) or "body", []).append(_limit_message(problem))
    return error(request, 422, _("Some fields are not valid."), fields)


def _limit_message(problem: dict) -> str:
    """A schema's documented limit (maxItems, maximum, minimum) in the reader's language;
    pydantic's own words for anything else."""
    ctx = problem.get("ctx") or {}
    kind = problem.get("type")
    if kind == "too_long" and "max_length" in ctx:
        return ngettext(
            "Give at most %(max)d item (this has %(n)d).",
            "Give at most %(max)d items (this has %(n)d).",
            ctx["max_length"],
        ) % {"max": ctx["max_length"], "n": ctx.get("actual_length") or 0}
    if kind == "less_than_equal" and "le" in ctx:
        return _("Give at most %(max)s.") % {"max": ctx["le"]}
    if kind == "greater_than_equal" and "ge" in ctx:
        return _("Give at least %(min)s.") % {"min": ctx["ge"]}
    return problem.get("msg", "")


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return error(request, 401, _("Give a valid token: Authorization: Bearer <token>."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return error(request, exc.status_code, str(exc))


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return error(request, 403, _("You may not do this."))


@api.exception_handler(DjangoValidationError)
def django_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        fields = {
            (name if name != "__all__" else "body"): messages
            for name, messages in exc.message_dict.items()
        }
    else:
        fields = {"body": list(exc.messages)}
    return error(request, 422, _("Some fields are not valid."), fields)


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything else is a bug: logged with its traceback, answered in the API's own shape."""
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return error(
        request,
        500,
        _("Something went wrong on the server. It has been logged; please try again later."),
    )


from pomochi.aid.api import router as aid_router  # noqa: E402
from pomochi.audit.api import router as audit_router  # noqa: E402
from pomochi.communities.api import router as communities_router  # noqa: E402
from pomochi.drills.api import router as drills_router  # noqa: E402
from pomochi.ledger.api import router as ledger_router  # noqa: E402
from pomochi.notify.api import router as notify_router  # noqa: E402
from pomochi.onboarding.api import router as onboarding_router  # noqa: E402

api.add_router("/", communities_router)
api.add_router("/", ledger_router)
api.add_router("/", audit_router)
api.add_router("/", aid_router)
api.add_router("/", drills_router)
api.add_router("/", notify_router)
api.add_router("/", onboarding_router)  # and POST /communities, on the communities' path
