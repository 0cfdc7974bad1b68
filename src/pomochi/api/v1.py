"""The API at /api/v1/: assembled from each app's `api.py`, same services and policy as the web."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pomochi.api.auth import TokenAuth
from pomochi.api.common import FieldError
from pomochi.errors import Conflict, DomainError, NotAllowed

api = NinjaAPI(
    title="pomochi",
    version="1",
    description="Community mutual aid: shared stores, the ledger and its audit chain.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


def error(request, status: int, message: str, fields: dict | None = None):
    return api.create_response(request, {"message": message, "fields": fields or {}}, status=status)


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
        fields.setdefault(".".join(location) or "body", []).append(problem.get("msg", ""))
    return error(request, 422, _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return error(request, 401, _("Give a valid token: Authorization: Bearer <token>."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return error(request, exc.status_code, str(exc))


from pomochi.aid.api import router as aid_router  # noqa: E402
from pomochi.audit.api import router as audit_router  # noqa: E402
from pomochi.communities.api import router as communities_router  # noqa: E402
from pomochi.drills.api import router as drills_router  # noqa: E402
from pomochi.ledger.api import router as ledger_router  # noqa: E402

api.add_router("/", communities_router)
api.add_router("/", ledger_router)
api.add_router("/", audit_router)
api.add_router("/", aid_router)
api.add_router("/", drills_router)
