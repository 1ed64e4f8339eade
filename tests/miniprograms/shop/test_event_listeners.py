"""Who hears of an order's changes: the shop's events reach only the listeners that act on
them."""

import pytest
from django.db import transaction

from miniprograms.shop.events import OrderStatusChanged
from superapp.core import domain_events
from superapp.core.models import DomainEventDelivery

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_order_that_is_not_cancelled_has_no_delivery_for_the_cancellation_listeners():
    changed = {"order_id": 1, "brand_id": 1, "buyer_user_id": 1, "title": "t", "body": "b"}
    with transaction.atomic():
        placed = domain_events.emit(OrderStatusChanged(status="created", **changed))
        cancelled = domain_events.emit(OrderStatusChanged(status="cancelled", **changed))

    def handlers(event):
        return set(
            DomainEventDelivery.objects.filter(event=event).values_list("handler", flat=True)
        )

    release = {
        "miniprograms.live.handlers.on_order_status_changed",
        "miniprograms.shop.payment.on_order_status_changed",
    }
    assert handlers(placed) == {"superapp.messaging.handlers.on_order_status_changed"}
    assert handlers(cancelled) == release | handlers(placed)
