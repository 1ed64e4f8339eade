"""Domain errors and the one JSON error shape of the API.

Every 4xx body is ``{"code": <stable snake_case>, "detail": <text>}``; validation errors add
``fields``. Services raise :class:`DomainError` subclasses; views never build error bodies.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Error codes (the stable `code` of a 4xx body), each spelled once in the tree.
ACCOUNT_NOT_FOUND = "account_not_found"
ALREADY_CLAIMED = "already_claimed"
ALREADY_MEMBER = "already_member"
BLOCKED = "blocked"
CONFLICT = "conflict"
CONVERSATION_NOT_FOUND = "conversation_not_found"
DELIVERY_NOT_FOUND = "delivery_not_found"
FORBIDDEN = "forbidden"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
INSUFFICIENT_ROLE = "insufficient_role"
INVALID_CARD = "invalid_card"
INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
MEMBER_NOT_FOUND = "member_not_found"
NOT_A_CONTACT = "not_a_contact"
NOT_FOUND = "not_found"
PRICE_UNAVAILABLE = "price_unavailable"
RATE_LIMITED = "rate_limited"
REQUEST_TOO_LARGE = "request_too_large"
RULE_VIOLATION = "rule_violation"
TEAM_NOT_FOUND = "team_not_found"
USER_NOT_FOUND = "user_not_found"
VALIDATION_ERROR = "validation_error"


class DomainError(Exception):
    """A business rule refused the request. Subclasses fix the HTTP status and default code."""

    status = 422
    code = RULE_VIOLATION
    default_detail = "The request breaks a business rule."

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.detail)


class InvalidInput(DomainError):
    status = 400
    code = VALIDATION_ERROR
    default_detail = "Invalid input."


class NotFound(DomainError):
    status = 404
    code = NOT_FOUND
    default_detail = "Not found."


class Forbidden(DomainError):
    status = 403
    code = FORBIDDEN
    default_detail = "You are not allowed to do this."


class Conflict(DomainError):
    status = 409
    code = CONFLICT
    default_detail = "The request conflicts with the current state."


class RateLimited(DomainError):
    status = 429
    code = RATE_LIMITED
    default_detail = "Too many requests; try again later."


_DRF_CODES = {
    drf.NotAuthenticated: "not_authenticated",
    drf.AuthenticationFailed: "authentication_failed",
    drf.PermissionDenied: "permission_denied",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "rate_limited",
    drf.ParseError: "parse_error",
}


def error_body(code: str, detail: str, **extra) -> dict:
    return {"code": code, "detail": detail, **extra}


def api_exception_handler(exc, context):
    """DRF exception handler producing the API's error shape for every failure."""
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, str(exc.detail), **exc.extra), status=exc.status)
        if isinstance(exc, RateLimited) and "retry_after" in exc.extra:
            response["Retry-After"] = str(exc.extra["retry_after"])
        return response
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("validation_error", "Invalid input.", fields=fields)
    else:
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
        response.data = error_body(code, str(exc.detail))
    return response


def json_not_found(request, exception=None):
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_server_error(request):
    return JsonResponse(error_body("server_error", "Internal server error."), status=500)


def json_bad_request(request, exception=None):
    return JsonResponse(error_body("bad_request", "Bad request."), status=400)


def json_forbidden(request, exception=None):
    return JsonResponse(error_body("permission_denied", "Forbidden."), status=403)
