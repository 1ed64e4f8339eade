"""Domain events between apps, through a transactional outbox.

An app announces a fact with :func:`emit` inside the transaction that made it true. Listeners
register with :func:`subscribe` in their ``AppConfig.ready``; each gets a delivery row written
in that same transaction, handled after commit by a drain task that the commit wakes
(superapp/core/wakeup.py), and retried by beat until it succeeds. A handler runs inside the
transaction that marks its delivery handled, so a crash or a retry never applies one event
twice, and nothing committed is ever lost.

Handlers are plain functions ``handler(*, event_id: int, payload: dict) -> None``.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from superapp.core import sql, wakeup
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
    """Record the event and one delivery per current subscriber; dispatch after commit.

    Hand-written INSERTs (``superapp.core.sql``): every payment emits an event."""
    event = {"type": event_type, "payload": payload, "created_at": timezone.now()}
    handlers = _subscribers[event_type]
    event_id = sql.insert_with_children(
        DomainEvent,
        event,
        DomainEventDelivery,
        "event_id",
        [{"handler": handler, "attempts": 0, "last_error": ""} for handler in handlers],
    )
    if handlers:
        from superapp.core.tasks import drain_domain_events

        wakeup.ring_after_commit(drain_domain_events)
    return sql.loaded(DomainEvent, event_id, event)


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


def deliveries_drain(*, batch: int = 200) -> int:
    """Handle every delivery never tried yet, oldest first; returns how many ran now. One that
    fails stays for beat's retries (``pending_delivery_ids``), so a broken listener does not
    hold up the others. Drains running side by side skip each other's rows."""
    handled, after = 0, 0
    while True:
        ids = list(
            DomainEventDelivery.objects.filter(handled_at__isnull=True, attempts=0, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        handled += sum(delivery_handle(delivery_id=delivery_id) for delivery_id in ids)
        if len(ids) < batch:
            return handled
        after = ids[-1]


def pending_delivery_ids(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Deliveries still unhandled after ``older_than`` (their first dispatch was lost or failed)."""
    return list(
        DomainEventDelivery.objects.filter(
            handled_at__isnull=True, event__created_at__lt=timezone.now() - older_than
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
