"""Buyer refund requests: staff decide, payments refund, the order closes or resumes."""

import pytest

from miniprograms.shop import selectors, services
from miniprograms.shop.models import RefundRequest, Sku
from superapp.core.models import DomainEvent
from tests.helpers import consumer_client
from tests.miniprograms.shop.factories import checkout, pay, refund_paid, world

pytestmark = pytest.mark.django_db


def paid_order(w, buyer, quantity=2):
    order = checkout(buyer, w.sku, quantity=quantity)
    pay(order)
    return order


def decide(w, refund_id, **body):
    staff = consumer_client(w.owner)
    url = f"/api/v1/shops/{w.shop.pk}/manage/refund-requests/{refund_id}/decision"
    return staff.post(url, body, format="json")


def test_full_refund_with_restock(api):
    w = world(price=1000, stock=5)
    order = paid_order(w, api.user)
    requested = api.post(f"/api/v1/shop/orders/{order.pk}/refund-requests", {"note": "Too big"})
    assert requested.status_code == 201
    assert requested.json()["amount"] == 2000
    line = order.lines.get()
    decided = decide(w, requested.json()["id"], approve=True, restock={str(line.pk): 2})
    assert decided.json()["status"] == "approved"
    assert [r.pk for r in selectors.refunds_awaiting_payment(order=order)] == [
        requested.json()["id"]
    ]
    assert Sku.objects.get(pk=w.sku.pk).stock == 3

    refund_paid(order, 2000, refund_id="rf-1")

    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("refunded", 2000)
    assert Sku.objects.get(pk=w.sku.pk).stock == 5
    [event] = DomainEvent.objects.filter(type="shop.order_refunded")
    assert event.payload == {
        "order_id": order.pk,
        "brand_id": w.shop.brand_id,
        "buyer_user_id": api.user.pk,
        "amount": 2000,
        "currency": "EUR",
        "order_amount": 2000,
    }
    refund_paid(order, 2000, refund_id="rf-1")
    assert DomainEvent.objects.filter(type="shop.order_refunded").count() == 1


def test_partial_refund_resumes_the_order(api):
    w = world(price=1000)
    order = paid_order(w, api.user)
    refund = services.refund_request_create(actor=api.user, order_id=order.pk, amount=700)
    decide(w, refund.pk, approve=True)
    refund_paid(order, 700, refund_id="rf-2")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("paid", 700)
    too_much = api.post(f"/api/v1/shop/orders/{order.pk}/refund-requests", {"amount": 1301})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "refund_too_large")


def test_rejected_request_returns_the_order_to_where_it_was(api):
    w = world()
    order = paid_order(w, api.user)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="9"
    )
    refund = services.refund_request_create(actor=api.user, order_id=order.pk, amount=None)
    assert decide(w, refund.pk, approve=False).json()["status"] == "rejected"
    order.refresh_from_db()
    assert order.status == "shipped"
    assert RefundRequest.objects.get(pk=refund.pk).status == "rejected"


def test_unpaid_orders_cannot_ask_for_refunds_and_restock_is_bounded(api):
    w = world()
    unpaid = checkout(api.user, w.sku)
    response = api.post(f"/api/v1/shop/orders/{unpaid.pk}/refund-requests", {})
    assert response.json()["code"] == "invalid_order_status"
    order = paid_order(w, api.user)
    refund = services.refund_request_create(actor=api.user, order_id=order.pk, amount=None)
    over = decide(w, refund.pk, approve=True, restock={str(order.lines.get().pk): 3})
    assert over.json()["code"] == "validation_error"
