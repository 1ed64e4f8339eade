import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from superapp.core import idempotency

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


PERIODIC_TASKS = [
    (settings.HEARTBEAT_INTERVAL_SECONDS, heartbeat),
    (3600.0, purge_idempotency_records),
]
