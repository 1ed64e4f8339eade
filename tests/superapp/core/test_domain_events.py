"""Domain events reach every listener exactly once, after commit, and survive failures."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from superapp.core import domain_events
from superapp.core.models import DomainEvent, DomainEventDelivery

pytestmark = pytest.mark.django_db(transaction=True)
received: list[tuple[int, "Happened"]] = []
failures_left = {"count": 0}


@dataclass(frozen=True, kw_only=True)
class Happened(domain_events.Event):
    name = "test.happened"
    n: int


def record(*, event_id: int, event: Happened) -> None:
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        DomainEvent.objects.filter(pk=event_id).update(payload={"undone": True})
        raise RuntimeError("listener is down")
    received.append((event_id, event))


@pytest.fixture(autouse=True)
def listener():
    received.clear()
    failures_left["count"] = 0
    domain_events.subscribe(Happened, f"{__name__}.record")
    yield
    domain_events._subscribers.pop("test.happened", None)


def test_listener_runs_once_after_commit():
    with transaction.atomic():
        event = domain_events.emit(Happened(n=1))
        assert received == []
    assert received == [(event.pk, Happened(n=1))]
    delivery = DomainEventDelivery.objects.get(event=event)
    assert delivery.handled_at is not None
    assert domain_events.delivery_handle(delivery_id=delivery.pk) is False
    assert len(received) == 1


def test_rolled_back_change_announces_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        domain_events.emit(Happened(n=2))
        raise RuntimeError("change failed")
    assert received == []
    assert not DomainEventDelivery.objects.exists()


def test_failed_listener_is_retried_until_it_succeeds():
    failures_left["count"] = 2
    with transaction.atomic():
        event = domain_events.emit(Happened(n=3))
    delivery = DomainEventDelivery.objects.get(event=event)
    assert delivery.handled_at is None
    assert delivery.attempts == 1
    assert "listener is down" in delivery.last_error
    assert domain_events.delivery_handle(delivery_id=delivery.pk) is False
    assert domain_events.delivery_handle(delivery_id=delivery.pk) is True
    assert received == [(event.pk, Happened(n=3))]
    assert domain_events.pending_delivery_ids(older_than=timedelta(0)) == []


def test_a_drain_handles_every_new_delivery_and_leaves_a_failing_one_to_the_retries():
    failures_left["count"] = 1
    with transaction.atomic():  # its listener fails once: left for beat's retries
        failing = domain_events.emit(Happened(n=4))
    with transaction.atomic():  # its listener succeeds
        domain_events.emit(Happened(n=5))
    assert received == [(failing.pk + 1, Happened(n=5))]
    DomainEventDelivery.objects.update(handled_at=None, attempts=0)  # as if never dispatched
    received.clear()
    failures_left["count"] = 1

    assert domain_events.deliveries_drain() == 1  # the first fails again, the second runs
    assert domain_events.deliveries_drain() == 0  # a failed one is not retried by drains
    assert [payload for _, payload in received] == [Happened(n=5)]
    assert domain_events.pending_delivery_ids(older_than=timedelta(0)) == [
        DomainEventDelivery.objects.get(event=failing).pk
    ]


def test_a_drain_runs_its_deliveries_in_one_transaction_and_a_failure_undoes_only_its_own():
    with transaction.atomic():
        first = domain_events.emit(Happened(n=7))
        domain_events.emit(Happened(n=8))
        domain_events.emit(Happened(n=9))
    DomainEventDelivery.objects.update(handled_at=None, attempts=0)  # as if never dispatched
    received.clear()
    failures_left["count"] = 1  # the first listener to run writes, then fails

    with CaptureQueriesContext(connection) as captured:
        assert domain_events.deliveries_drain() == 2
    sent = [query["sql"] for query in captured.captured_queries]

    assert len([sql for sql in sent if "SKIP LOCKED" in sql]) == 1  # one lock-read for the lot
    assert len([sql for sql in sent if sql.startswith("SAVEPOINT")]) == 3  # one per listener
    assert [event.n for _, event in received] == [8, 9]
    assert DomainEvent.objects.get(pk=first.pk).payload == {"n": 7}  # its write was undone
    failed = DomainEventDelivery.objects.get(event=first)
    assert (failed.handled_at, failed.attempts) == (None, 1)


def test_emit_and_subscribe_take_only_declared_events():
    with pytest.raises(TypeError, match="declared Event"):
        domain_events.emit({"type": "test.happened", "n": 1})
    with pytest.raises(TypeError, match="Event class"):
        domain_events.subscribe("test.happened", f"{__name__}.record")
    with pytest.raises(domain_events.EventPayloadMismatch, match=r"Happened\.n"):
        Happened(n="1")
    assert not DomainEvent.objects.exists()


def test_a_stored_payload_that_left_its_declaration_fails_its_delivery_visibly():
    failures_left["count"] = 1  # the first, after-commit run fails: the delivery stays pending
    with transaction.atomic():
        event = domain_events.emit(Happened(n=6))
    DomainEvent.objects.filter(pk=event.pk).update(payload={"n": 6, "extra": True})
    delivery = DomainEventDelivery.objects.get(event=event)
    assert domain_events.delivery_handle(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert (delivery.handled_at, received) == (None, [])
    assert "EventPayloadMismatch" in delivery.last_error and "extra" in delivery.last_error


def record_odd(*, event_id: int, event: Happened) -> None:
    received.append((-event_id, event))


def test_a_subscriber_with_a_condition_gets_a_delivery_only_for_the_events_it_accepts():
    domain_events.subscribe(Happened, f"{__name__}.record_odd", when=lambda event: event.n % 2)
    with transaction.atomic():
        even = domain_events.emit(Happened(n=10))
        odd = domain_events.emit(Happened(n=11))

    assert list(
        DomainEventDelivery.objects.filter(event=even).values_list("handler", flat=True)
    ) == [f"{__name__}.record"]
    assert DomainEventDelivery.objects.filter(event=odd).count() == 2
    assert sorted(received, key=lambda pair: pair[0]) == [
        (-odd.pk, Happened(n=11)),
        (even.pk, Happened(n=10)),
        (odd.pk, Happened(n=11)),
    ]
