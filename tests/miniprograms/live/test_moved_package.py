"""The app moved from superapp/live to miniprograms/live: cancellations announced before the
upgrade, whose deliveries name the old handler path, still reach the handler."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from miniprograms.shop.events import OrderStatusChanged
from superapp.core import domain_events
from superapp.core.models import DomainEvent, DomainEventDelivery

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "miniprograms.live.migrations.0006_deliveries_to_the_moved_handler"
)


def cancellation(order_id: int) -> DomainEvent:
    event = OrderStatusChanged(
        status="cancelled", order_id=order_id, brand_id=1, buyer_user_id=1, title="t", body="b"
    )
    return DomainEvent.objects.create(type=event.name, payload=event.to_payload())


def test_the_handler_is_subscribed_under_its_new_path():
    assert migration.NEW in domain_events.subscribers(OrderStatusChanged)
    assert migration.OLD not in domain_events.subscribers(OrderStatusChanged)


def test_pending_deliveries_under_the_old_path_are_pointed_at_the_new_one():
    pending = DomainEventDelivery.objects.create(event=cancellation(1), handler=migration.OLD)
    handled = DomainEventDelivery.objects.create(
        event=cancellation(2), handler=migration.OLD, handled_at=timezone.now(), attempts=1
    )

    migration.forwards(apps, None)

    pending.refresh_from_db()
    handled.refresh_from_db()
    assert pending.handler == migration.NEW
    assert handled.handler == migration.OLD  # the path it ran under
    assert domain_events.delivery_handle(delivery_id=pending.pk)


def test_migrating_back_points_pending_deliveries_at_the_old_path():
    pending = DomainEventDelivery.objects.create(event=cancellation(3), handler=migration.NEW)
    migration.backwards(apps, None)
    pending.refresh_from_db()
    assert pending.handler == migration.OLD
