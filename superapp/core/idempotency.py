"""``Idempotency-Key`` handling for POSTs that move money or create orders (DESIGN.md).

Same key and same body: the first response again. Same key, another body: 409
``idempotency_key_reused``. Concurrent duplicates serialise on the unique index: the second
insert waits for the first transaction and then replays its committed answer.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from superapp.core.errors import (
    IDEMPOTENCY_KEY_REUSED,
    INVALID_IDEMPOTENCY_KEY,
    Conflict,
    InvalidInput,
)
from superapp.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
IDEMPOTENCY_HEADER = OpenApiParameter(  # for the OpenAPI schema of views that honour it
    "Idempotency-Key", str, OpenApiParameter.HEADER, description="Replays the first answer."
)


def caller_identity(request) -> str:
    if request.user is not None and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"app:{request.auth.application.client_id}"


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def run_idempotent(request, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` at most once per (caller, Idempotency-Key).

    ``handler`` calls one service, the entry point whose transaction is the change
    (docs/architecture.md, "Transactions"), and shapes the answer. Without a key it runs as it
    is: the service's transaction is the outermost, with no savepoint around it. With a key,
    the stored answer commits in one transaction with the change."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return handler()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            "Idempotency-Key must be 1-255 characters.", code=INVALID_IDEMPOTENCY_KEY
        )
    owner, fingerprint = caller_identity(request), _fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=key, request_fingerprint=fingerprint
                )
        except IntegrityError:
            return _replay(IdempotencyRecord.objects.get(owner=owner, key=key), fingerprint)
        response = handler()
        record.response_status = response.status_code
        record.response_body = response.data
        record.save(update_fields=["response_status", "response_body"])
        return response


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise Conflict(
            "This Idempotency-Key was used with a different request.",
            code=IDEMPOTENCY_KEY_REUSED,
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired(ttl) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - ttl).delete()
    return deleted
