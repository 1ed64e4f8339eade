import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from superapp.core import domain_events, idempotency, wakeup

logger = logging.getLogger(__name__)
HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task(name="core.heartbeat")
def heartbeat() -> str:
    """Beat schedules this; the worker runs it. /healthz shows when it last ran."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, stamp, timeout=None)
    return stamp


@shared_task(name="core.purge_idempotency_records")
def purge_idempotency_records() -> int:
    deleted = idempotency.purge_expired(settings.IDEMPOTENCY_KEY_TTL)
    logger.info("purged idempotency records", extra={"deleted": deleted})
    return deleted


@shared_task(name="core.handle_domain_event", ignore_result=True)
def handle_domain_event(delivery_id: int) -> None:
    domain_events.delivery_handle(delivery_id=delivery_id)


@shared_task(name="core.drain_domain_events", ignore_result=True)
def drain_domain_events() -> int:
    """Woken after a commit that emitted events (superapp/core/wakeup.py)."""
    wakeup.answer(drain_domain_events)
    return domain_events.deliveries_drain()


@shared_task(name="core.retry_domain_events", ignore_result=True)
def retry_domain_events() -> int:
    """Beat: re-dispatch deliveries whose first run was lost or failed."""
    ids = domain_events.pending_delivery_ids(older_than=timedelta(seconds=30))
    for delivery_id in ids:
        handle_domain_event.delay(delivery_id)
    return len(ids)


PERIODIC_TASKS = [
    (15.0, retry_domain_events),
    (settings.HEARTBEAT_INTERVAL_SECONDS, heartbeat),
    (3600.0, purge_idempotency_records),
]
