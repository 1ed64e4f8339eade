"""Domain events between apps, through a transactional outbox.

An app announces a fact with :func:`emit` inside the transaction that made it true. Listeners
register with :func:`subscribe` in their ``AppConfig.ready``; each gets a delivery row written
in that same transaction, handled after commit by a Celery task, and retried by beat until it
succeeds. A handler runs inside the transaction that marks its delivery handled, so a crash or
a retry never applies one event twice, and nothing committed is ever lost.

Handlers are plain functions ``handler(*, event_id: int, payload: dict) -> None``.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from superapp.core.models import DomainEvent, DomainEventDelivery

logger = logging.getLogger(__name__)
_subscribers: dict[str, list[str]] = defaultdict(list)


def subscribe(event_type: str, handler: str) -> None:
    """Register ``handler`` (dotted path) for ``event_type``. Call from ``AppConfig.ready``."""
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def subscribers(event_type: str) -> list[str]:
    return list(_subscribers[event_type])


def emit(event_type: str, payload: dict) -> DomainEvent:
    """Record the event and one delivery per current subscriber; dispatch after commit."""
    event = DomainEvent.objects.create(type=event_type, payload=payload)
    deliveries = DomainEventDelivery.objects.bulk_create(
        [DomainEventDelivery(event=event, handler=h) for h in _subscribers[event_type]]
    )
    if deliveries:
        from superapp.core.tasks import handle_domain_event

        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: [handle_domain_event.delay(i) for i in ids], robust=True)
    return event


def delivery_handle(*, delivery_id: int) -> bool:
    """Run one delivery's handler exactly once. Returns True if it ran now."""
    try:
        with transaction.atomic():
            delivery = (
                DomainEventDelivery.objects.select_for_update(skip_locked=True)
                .select_related("event")
                .filter(pk=delivery_id, handled_at__isnull=True)
                .first()
            )
            if delivery is None:
                return False
            import_string(delivery.handler)(
                event_id=delivery.event_id, payload=delivery.event.payload
            )
            delivery.handled_at = timezone.now()
            delivery.attempts += 1
            delivery.save(update_fields=["handled_at", "attempts"])
            return True
    except Exception as exc:
        DomainEventDelivery.objects.filter(pk=delivery_id).update(
            attempts=F("attempts") + 1, last_error=repr(exc)[:500]
        )
        logger.exception("domain event handler failed", extra={"delivery_id": delivery_id})
        return False


def pending_delivery_ids(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Deliveries still unhandled after ``older_than`` (their first dispatch was lost or failed)."""
    return list(
        DomainEventDelivery.objects.filter(
            handled_at__isnull=True, event__created_at__lt=timezone.now() - older_than
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
