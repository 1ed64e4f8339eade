"""The ends of an order's life: a cancelled order is never paid, a shipped one is no longer
the buyer's to cancel, and once the buyer confirms receipt the order is completed for good —
no second confirmation, no refund request, no refund by the brand. Each refusal is
``invalid_order_status`` and leaves the order and the money where they were."""

import pytest

from miniprograms.shop import services
from miniprograms.shop.models import Order, OrderStatusChange
from payments.models import PayOrder
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import checkout, merchant, pay, wallet, world

pytestmark = pytest.mark.django_db


def shipped(w, buyer) -> Order:
    order = checkout(buyer, w.sku)
    pay(order)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="1"
    )
    return Order.objects.get(pk=order.pk)


def manage(w, order, action: str):
    return f"/api/v1/shops/{w.shop.pk}/manage/orders/{order.pk}/{action}"


def test_a_cancelled_order_is_never_paid(api):
    w = world(stock=5)
    order = checkout(api.user, w.sku)
    assert api.post(f"/api/v1/shop/orders/{order.pk}/cancel").status_code == 200
    paying = api.post(f"/api/v1/shop/orders/{order.pk}/pay")
    assert_refused(paying, 422, "invalid_order_status")
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert not PayOrder.objects.exists()


def test_a_shipped_order_is_no_longer_the_buyers_to_cancel(api):
    w = world(price=1000, stock=5)
    order = shipped(w, api.user)
    cancel = api.post(f"/api/v1/shop/orders/{order.pk}/cancel")
    assert_refused(cancel, 422, "invalid_order_status")
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert wallet(api.user) == 0


def test_a_completed_order_is_final(api):
    w = world(price=1000, stock=5)
    order = shipped(w, api.user)
    services.order_deliver(actor=w.owner, shop_id=w.shop.pk, order_id=order.pk)
    confirmed = api.post(f"/api/v1/shop/orders/{order.pk}/confirm-receipt")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "completed"
    history = OrderStatusChange.objects.filter(order=order).count()

    again = api.post(f"/api/v1/shop/orders/{order.pk}/confirm-receipt")
    assert_refused(again, 422, "invalid_order_status")
    asked = api.post(f"/api/v1/shop/orders/{order.pk}/refund-requests", {"note": "Changed mind"})
    assert_refused(asked, 422, "invalid_order_status")
    refunded = consumer_client(w.owner).post(manage(w, order, "refund"), {"amount": 1000})
    assert_refused(refunded, 422, "invalid_order_status")

    assert Order.objects.get(pk=order.pk).status == "completed"
    assert OrderStatusChange.objects.filter(order=order).count() == history
    assert not order.refund_requests.exists()
    assert (wallet(api.user), merchant(w.shop)) == (0, 1000 - 6)
