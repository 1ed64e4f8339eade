"""The webhook outbox: enqueue inside a transaction, deliver after commit, retry with backoff."""

import json
import logging
import time
import uuid
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from superapp.core import signing, sql, wakeup
from superapp.webhooks import destinations, locks
from superapp.webhooks.models import WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status


def webhook_enqueue(
    *, owner: str, url: str, secret: str, event_type: str, data: dict
) -> WebhookDelivery:
    """Write the outbox row in the caller's transaction; delivery starts once it commits.
    (A hand-written INSERT, ``superapp.core.sql``: every payment notifies its merchant.)"""
    row = _delivery_row(owner=owner, url=url, secret=secret, event_type=event_type, data=data)
    [delivery_id] = sql.insert(WebhookDelivery, [row])
    _schedule()
    return sql.loaded(WebhookDelivery, delivery_id, row)


def webhook_enqueue_write(
    *, owner: str, url: str, secret: str, event_type: str, data: dict
) -> tuple[str, list]:
    """The outbox row of :func:`webhook_enqueue`, not written yet: its INSERT and parameters,
    for a caller that sends it with a statement of its own in this transaction
    (``sql.writes_ctes``: a payment sends it inside its journal statement). Delivery starts
    once the transaction commits, as for ``webhook_enqueue``."""
    row = _delivery_row(owner=owner, url=url, secret=secret, event_type=event_type, data=data)
    _schedule()
    return sql.insert_statement(WebhookDelivery, [row])


def _delivery_row(*, owner: str, url: str, secret: str, event_type: str, data: dict) -> dict:
    """A new outbox row, due now; its body is the exact JSON that is signed and sent."""
    now = timezone.now()
    event_id = uuid.uuid4()
    body = {"id": str(event_id), "type": event_type, "created_at": now.isoformat(), "data": data}
    return {
        "owner": owner,
        "url": url,
        "secret": secret,
        "event_id": event_id,
        "event_type": event_type,
        "body": json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":")),
        "status": Status.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "expires_at": now + settings.WEBHOOK_MAX_AGE,
        "created_at": now,
    }


def _schedule() -> None:
    """Wake the dispatch of due deliveries once this transaction commits."""
    from superapp.webhooks.tasks import dispatch_due

    wakeup.ring_after_commit(dispatch_due)


def backoff_delay(attempts: int) -> float:
    """10 s, 20 s, 40 s … capped at one hour (settings ``WEBHOOK_BACKOFF_*``)."""
    return min(
        settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.WEBHOOK_BACKOFF_MAX_SECONDS,
    )


RETRYABLE_CLIENT_ERRORS = {408, 429}  # request timeout, too many requests


def is_refusal(status_code: int | None) -> bool:
    """A 4xx other than 408/429: the receiver understood and refused this delivery, so trying
    again cannot help (as Saleor does); the owner may still re-send it by hand."""
    return (
        status_code is not None
        and 400 <= status_code < 500
        and (status_code not in RETRYABLE_CLIENT_ERRORS)
    )


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 30)


def _claim(delivery_id: int, lease: datetime | None) -> WebhookDelivery | None:
    """Lease the delivery to this worker so two workers never POST it at the same moment: a
    due one, or one whose ``lease`` a dispatch handed to this job (``deliveries_lease``) and
    nobody has taken over since."""
    due = {"next_attempt_at": lease} if lease else {"next_attempt_at__lte": timezone.now()}
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING, **due).update(
        next_attempt_at=_lease_end()
    )
    return WebhookDelivery.objects.get(pk=delivery_id) if claimed else None


def webhook_attempt(*, delivery_id: int, lease: datetime | None = None) -> WebhookDelivery | None:
    """POST one due (or ``lease``d) delivery once and record the attempt. Returns None if it
    was not due."""
    delivery = _claim(delivery_id, lease)
    if delivery is None:
        return None
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Plaza-Webhooks/1",
        signing.SIGNATURE_HEADER: signing.sign(delivery.secret, body),
        "Plaza-Event": delivery.event_type,
        "Plaza-Delivery": str(delivery.event_id),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        response = destinations.post(
            delivery.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
        status_code = response.status_code
    except destinations.ForbiddenDestination as exc:
        error = f"refused destination: {exc}"[:500]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration_ms = int((time.monotonic() - started) * 1000)
    _record_attempt(delivery, status_code, error, duration_ms)
    return delivery


@transaction.atomic
def _record_attempt(delivery: WebhookDelivery, status_code, error: str, duration_ms: int) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery, status_code=status_code, error=error, duration_ms=duration_ms
    )
    now = timezone.now()
    delivery.attempts += 1
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at = Status.DELIVERED, now
    elif now >= delivery.expires_at or is_refusal(status_code):
        delivery.status = Status.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff_delay(delivery.attempts))
    delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    logger.info(
        "webhook attempt",
        extra={
            "delivery_id": delivery.pk,
            "event_type": delivery.event_type,
            "status_code": status_code,
            "outcome": delivery.status,
            "attempt": delivery.attempts,
        },
    )


@transaction.atomic(savepoint=False)
def webhook_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Deliver again now (the owner's manual re-send), whatever happened before."""
    now = timezone.now()
    delivery.status, delivery.next_attempt_at = Status.PENDING, now
    delivery.expires_at = max(delivery.expires_at, now + settings.WEBHOOK_MAX_AGE)
    delivery.save(update_fields=["status", "next_attempt_at", "expires_at"])
    _schedule()
    return delivery


@transaction.atomic
def deliveries_lease(limit: int = 500) -> list[tuple[int, datetime]]:
    """Lease up to ``limit`` due deliveries to one dispatch, oldest first: each goes to exactly
    one ``deliver`` job, which claims it with its lease. Dispatches running side by side skip
    each other's rows; a lease that runs out (the job was lost) makes the row due again."""
    rows = locks.webhook_deliveries(skip_locked=True).filter(
        status=Status.PENDING, next_attempt_at__lte=timezone.now()
    )
    ids = list(rows.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    lease = _lease_end()
    WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=lease)
    return [(delivery_id, lease) for delivery_id in ids]
