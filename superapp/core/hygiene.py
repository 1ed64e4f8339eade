"""Input no endpoint can take, refused before any view, and database refusals answered as
what they are (a 4xx, never a 500).

- A NUL character cannot be stored in PostgreSQL text: in a path, a query value, a form
  field or HTTP Basic credentials it would reach a query and fail there (a ``DataError``).
  Refused with 400 ``invalid_characters``.
- A path integer past the 64-bit range names nothing: 404 ``not_found`` (PostgreSQL would
  raise ``DataError``, SQLite ``OverflowError``).
- Any other value a column cannot hold (an integer past a 32-bit column, say) that reaches
  the database raises ``DataError``: 400 ``value_out_of_range``.
"""

import base64
import binascii
import logging

from django.db import DataError
from django.http import JsonResponse

from superapp.core.errors import error_body

logger = logging.getLogger(__name__)
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
NUL = "\x00"


def _basic_credentials(request) -> str:
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(encoded.strip(), validate=False).decode("latin-1")
    except (binascii.Error, ValueError):
        return ""


def _has_nul(request) -> bool:
    if NUL in request.path or NUL in _basic_credentials(request):
        return True
    forms = [request.GET]
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        forms.append(request.POST)
    return any(
        NUL in key or any(NUL in value for value in values)
        for form in forms
        for key, values in form.lists()
    )


class InputHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            body = error_body("invalid_characters", "NUL characters are not accepted.")
            return JsonResponse(body, status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in [*view_args, *view_kwargs.values()]:
            if isinstance(value, int) and not BIGINT_MIN <= value <= BIGINT_MAX:
                return JsonResponse(error_body("not_found", "Not found."), status=404)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, DataError | OverflowError):
            logger.info("value refused by the database: %s", type(exception).__name__)
            body = error_body("value_out_of_range", "A value is out of range for its field.")
            return JsonResponse(body, status=400)
        return None
