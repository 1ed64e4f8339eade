import logging
import re
import time
import uuid

from superapp.core.logging import request_id_var

logger = logging.getLogger("plaza.request")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tags the request with an id (the caller's ``X-Request-ID`` if sane, else a new one),
    echoes it in the response and writes one structured access-log line per request.
    Query strings are not logged: they may hold tokens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": getattr(user, "pk", None),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class OptionalTrailingSlashMiddleware:
    """API paths accept a trailing slash or not (API.md); routes are declared without one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/") and request.path_info.endswith("/"):
            request.path_info = request.path_info.rstrip("/")
        return self.get_response(request)
