"""Domain events between apps, through a transactional outbox.

An app announces a fact with :func:`emit` inside the transaction that made it true. Listeners
register with :func:`subscribe` in their ``AppConfig.ready``; each gets a delivery row written
in that same transaction, handled after commit by a drain task that the commit wakes
(superapp/core/wakeup.py), and retried by beat until it succeeds. A handler runs inside the
transaction that marks its delivery handled, so a crash or a retry never applies one event
twice, and nothing committed is ever lost.

Each emitting app declares its events in its ``events.py`` as frozen dataclasses subclassing
:class:`Event` (fields typed; nested records subclass :class:`Record`). :func:`emit` takes only
such an instance, and its fields are checked against the declaration when it is made; handlers
are plain functions ``handler(*, event_id: int, event: TheEvent) -> None`` that receive the
event rebuilt from the stored payload (a stored payload that no longer matches its declaration
raises :class:`EventPayloadMismatch` and the delivery is retried, visibly, instead of a handler
guessing with ``payload.get``).
"""

import dataclasses
import functools
import logging
import types
import typing
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from superapp.core import locks, sql, wakeup
from superapp.core.models import DomainEvent, DomainEventDelivery
from superapp.core.pagination import keyset_page

logger = logging.getLogger(__name__)
_subscribers: dict[str, dict[str, Callable[[Any], bool] | None]] = defaultdict(dict)
_declared: dict[str, type["Event"]] = {}


class EventPayloadMismatch(TypeError):
    """A payload or a field value that does not match its event's declaration."""


def _conforms(value, hint) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, arg) for arg in args)
    if origin is tuple:
        return isinstance(value, tuple) and all(_conforms(v, args[0]) for v in value)
    if origin is dict or hint is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _from_json(value, hint):
    """A payload value back in its declared type (datetimes, tuples, nested records)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):
        (present,) = [arg for arg in args if arg is not type(None)]
        return _from_json(value, present)
    if origin is tuple and isinstance(value, list):
        return tuple(_from_json(v, args[0]) for v in value)
    if hint is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Record) and isinstance(value, dict):
        return hint.from_payload(value)
    return value


@functools.cache
def _field_types(cls) -> dict[str, Any]:
    """The declared type of each field (events modules do not postpone annotations)."""
    return {field.name: field.type for field in dataclasses.fields(cls)}


def _to_json(value):
    if isinstance(value, Record):
        return value.to_payload()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Record:
    """A typed, immutable value carried by an event (an event, or a part of one such as an
    order line). Field values are checked against their annotations when it is made."""

    def __post_init__(self) -> None:
        for name, hint in _field_types(type(self)).items():
            value = getattr(self, name)
            if not _conforms(value, hint):
                raise EventPayloadMismatch(
                    f"{type(self).__name__}.{name} is declared {hint}, got {value!r}"
                )

    def to_payload(self) -> dict:
        return {f.name: _to_json(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_payload(cls, payload: dict) -> Self:
        hints = _field_types(cls)
        if set(payload) != set(hints):
            raise EventPayloadMismatch(
                f"{cls.__name__} payload has {sorted(payload)}, declared {sorted(hints)}"
            )
        return cls(**{name: _from_json(payload[name], hint) for name, hint in hints.items()})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event(Record):
    """A domain event: subclasses are frozen dataclasses that set ``name`` (the stored
    ``DomainEvent.type``, ``"<app>.<fact>"``), declared in the emitting app's ``events.py``."""

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if _declared.setdefault(cls.name, cls) is not cls:
            raise TypeError(f"event {cls.name} is declared twice")


def declared_events() -> dict[str, type[Event]]:
    """Every declared event type by name."""
    return dict(_declared)


def subscribe(
    event_class: type[Event], handler: str, *, when: Callable[[Any], bool] | None = None
) -> None:
    """Register ``handler`` (dotted path) for events of ``event_class``. Call from
    ``AppConfig.ready``.

    ``when`` (a predicate of the event's own fields, such as ``OrderStatusChanged.cancelled``)
    limits the handler to the events it acts on: :func:`emit` writes no delivery for the
    others, so a listener of one status in five costs the emitter a row and the worker a
    handler run only when it matters (every shop order would otherwise carry four no-op
    deliveries). The handler keeps its own check: deliveries written before a predicate was
    added still reach it."""
    if not (isinstance(event_class, type) and issubclass(event_class, Event)):
        raise TypeError(f"subscribe takes an Event class, not {event_class!r}")
    _subscribers[event_class.name].setdefault(handler, when)


def subscribers(event_class: type[Event]) -> list[str]:
    return list(_subscribers[event_class.name])


def _handlers_for(event: Event) -> list[str]:
    """The subscribed handlers whose ``when`` accepts ``event``, in subscription order."""
    return [
        handler for handler, when in _subscribers[event.name].items() if when is None or when(event)
    ]


def emit(event: Event) -> DomainEvent:
    """Record the event and one delivery per current subscriber that wants it (``subscribe``'s
    ``when``); dispatch after commit.

    Hand-written INSERTs (``superapp.core.sql``): every payment emits an event."""
    rows = emit_write(event)
    return sql.loaded(DomainEvent, sql.insert_with_children(*rows), rows.row)


def emit_write(event: Event) -> sql.Family:
    """What :func:`emit` writes — the event and one delivery per current subscriber that
    wants it — not written yet, for a caller that sends it with a statement of its own in this
    transaction (``sql.writes_ctes``: a payment sends it inside its journal statement). The
    drain is woken after commit, as for ``emit``."""
    if not isinstance(event, Event):
        raise TypeError(f"emit takes a declared Event, not {event!r}")
    handlers = _handlers_for(event)
    if handlers:
        from superapp.core.tasks import drain_domain_events

        wakeup.ring_after_commit(drain_domain_events)
    return sql.Family(
        DomainEvent,
        {"type": event.name, "payload": event.to_payload(), "created_at": timezone.now()},
        DomainEventDelivery,
        "event_id",
        [{"handler": handler} for handler in handlers],  # attempts and error: the defaults
    )


def delivery_handle(*, delivery_id: int) -> bool:
    """Run one delivery's handler exactly once. Returns True if it ran now."""
    return deliveries_handle([delivery_id]) == 1


def deliveries_handle(delivery_ids: list[int]) -> int:
    """Run these deliveries' handlers, each exactly once, in one transaction that marks the
    ones that ran handled; returns how many ran now.

    One commit for the lot instead of one per delivery (a paid order alone has nine, and the
    lock-read, mark and commit around each handler cost the worker as much as the handlers).
    Each handler runs in a savepoint of its own: one that fails is rolled back alone and its
    attempt recorded, and the others still commit. Deliveries another drain holds are skipped."""
    with transaction.atomic():
        deliveries = (
            locks.domain_event_deliveries(skip_locked=True)
            .select_related("event")
            .filter(pk__in=delivery_ids, handled_at__isnull=True)
            .order_by("pk")
        )
        handled = [delivery.pk for delivery in deliveries if _handler_ran(delivery)]
        if handled:
            DomainEventDelivery.objects.filter(pk__in=handled).update(
                handled_at=timezone.now(), attempts=F("attempts") + 1
            )
        return len(handled)


def _handler_ran(delivery: DomainEventDelivery) -> bool:
    try:
        with transaction.atomic():
            declaration = _declared[delivery.event.type]
            import_string(delivery.handler)(
                event_id=delivery.event_id,
                event=declaration.from_payload(delivery.event.payload),
            )
        return True
    except Exception as exc:
        DomainEventDelivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1, last_error=repr(exc)[:500]
        )
        logger.exception("domain event handler failed", extra={"delivery_id": delivery.pk})
        return False


def deliveries_drain(*, batch: int = 200, per_transaction: int = 16) -> int:
    """Handle every delivery never tried yet, oldest first, ``per_transaction`` at a time;
    returns how many ran now. One that fails stays for beat's retries
    (``pending_delivery_ids``), so a broken listener does not hold up the others. Drains
    running side by side skip each other's rows."""
    untried = DomainEventDelivery.objects.filter(handled_at__isnull=True, attempts=0)
    handled, after = 0, None
    while True:
        page = keyset_page(untried.values_list("pk", flat=True), after=after, size=batch, key="pk")
        for start in range(0, len(page.rows), per_transaction):
            handled += deliveries_handle(page.rows[start : start + per_transaction])
        if page.next is None:
            return handled
        after = page.next


def pending_delivery_ids(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Deliveries still unhandled after ``older_than`` (their first dispatch was lost or failed)."""
    return list(
        DomainEventDelivery.objects.filter(
            handled_at__isnull=True, event__created_at__lt=timezone.now() - older_than
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
