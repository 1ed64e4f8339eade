"""Buyer refund requests: staff decide, payments pay the money back (right after approval, or
by beat), then the order closes or resumes and the units come back."""

import pytest
from django.core.management import call_command

from miniprograms.shop import payment, services, tasks
from miniprograms.shop.models import RefundRequest, Sku
from payments.models import Refund
from superapp.core.models import DomainEvent
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import (
    after_commit,
    checkout,
    merchant,
    pay,
    wallet,
    world,
)

pytestmark = pytest.mark.django_db


def paid_order(w, buyer, quantity=2):
    order = checkout(buyer, w.sku, quantity=quantity)
    pay(order)
    return order


def decide(w, refund_id, **body):
    staff = consumer_client(w.owner)
    url = f"/api/v1/shops/{w.shop.pk}/manage/refund-requests/{refund_id}/decision"
    with after_commit():
        return staff.post(url, body, format="json")


def test_approving_a_full_refund_pays_the_buyer_back_and_restocks(api, capsys):
    w = world(price=1000, stock=5)
    order = paid_order(w, api.user)
    assert (wallet(api.user), merchant(w.shop)) == (0, 2000 - 12)
    requested = api.post(f"/api/v1/shop/orders/{order.pk}/refund-requests", {"note": "Too big"})
    assert requested.status_code == 201
    assert requested.json()["amount"] == 2000
    assert Sku.objects.get(pk=w.sku.pk).stock == 3
    line = order.lines.get()

    decided = decide(w, requested.json()["id"], approve=True, restock={str(line.pk): 2})

    assert decided.json()["status"] == "approved"
    request = RefundRequest.objects.get(pk=requested.json()["id"])
    assert request.status == "refunded"
    assert Refund.objects.get(refund_id=request.refund_id).out_refund_no == (
        f"shop-refund-{request.pk}"
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("refunded", 2000)
    assert (wallet(api.user), merchant(w.shop)) == (2000, 0)
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
    call_command("ledger_verify")
    assert "ledger_verify=ok" in capsys.readouterr().out


def test_a_partial_refund_returns_that_amount_restocks_and_resumes_the_order(api):
    w = world(price=1000, stock=5)
    order = paid_order(w, api.user)
    refund = services.refund_request_create(actor=api.user, order_id=order.pk, amount=700)
    decide(w, refund.pk, approve=True, restock={str(order.lines.get().pk): 1})
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("paid", 700)
    assert wallet(api.user) == 700
    assert Sku.objects.get(pk=w.sku.pk).stock == 4
    too_much = api.post(f"/api/v1/shop/orders/{order.pk}/refund-requests", {"amount": 1301})
    assert_refused(too_much, 422, "refund_too_large")


def test_beat_executes_approved_refunds_once_even_when_asked_twice(api):
    w = world(price=1000)
    order = paid_order(w, api.user, quantity=1)
    refund = services.refund_request_create(actor=api.user, order_id=order.pk, amount=None)
    services.refund_request_decide(  # its on-commit execution is lost (not captured)
        actor=w.owner, shop_id=w.shop.pk, request_id=refund.pk, approve=True
    )
    assert wallet(api.user) == 0

    with after_commit():
        assert tasks.execute_refunds.delay().get() == 1
    with after_commit():
        assert tasks.execute_refunds.delay().get() == 0
        assert payment.refund_execute(request_id=refund.pk) is None

    assert wallet(api.user) == 1000
    assert Refund.objects.count() == 1
    assert RefundRequest.objects.get(pk=refund.pk).status == "refunded"


def test_a_refund_event_the_shop_did_not_ask_for_changes_nothing(api):
    w = world(price=1000)
    order = paid_order(w, api.user, quantity=1)
    services.refund_record_executed(
        shop=w.shop,
        prepay_id=order.prepay_id,
        refund_id="rf_other",
        amount=1000,
        refunded_total=1000,
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("paid", 0)


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
    assert wallet(api.user) == 0


def test_an_order_under_a_refund_request_cannot_be_shipped_or_delivered_meanwhile(api):
    w = world()
    order = paid_order(w, api.user)
    services.refund_request_create(actor=api.user, order_id=order.pk, amount=None)
    for move in (
        lambda: services.order_deliver(actor=w.owner, shop_id=w.shop.pk, order_id=order.pk),
        lambda: services.order_ship(
            actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="1"
        ),
    ):
        with pytest.raises(services.InvalidTransition):
            move()
    order.refresh_from_db()
    assert order.status == "refund_requested"


def test_unpaid_orders_cannot_ask_for_refunds_and_restock_is_bounded(api):
    w = world()
    unpaid = checkout(api.user, w.sku)
    response = api.post(f"/api/v1/shop/orders/{unpaid.pk}/refund-requests", {})
    assert response.json()["code"] == "invalid_order_status"
    order = paid_order(w, api.user)
    refund = services.refund_request_create(actor=api.user, order_id=order.pk, amount=None)
    over = decide(w, refund.pk, approve=True, restock={str(order.lines.get().pk): 3})
    assert over.json()["code"] == "validation_error"


def test_a_refund_request_is_decided_once_and_only_by_its_own_shop(api):
    w = world(price=1000)
    order = paid_order(w, api.user, quantity=1)
    requested = api.post(f"/api/v1/shop/orders/{order.pk}/refund-requests", {"note": "Broken"})
    request_id = requested.json()["id"]
    other = world()
    foreign = consumer_client(other.owner).post(
        f"/api/v1/shops/{other.shop.pk}/manage/refund-requests/{request_id}/decision",
        {"approve": True},
        format="json",
    )
    assert_refused(foreign, 404, "refund_request_not_found")
    assert RefundRequest.objects.get(pk=request_id).status == "requested"

    assert decide(w, request_id, approve=True).status_code == 200
    again = decide(w, request_id, approve=False)

    assert_refused(again, 404, "refund_request_not_found")
    assert RefundRequest.objects.get(pk=request_id).status == "refunded"
    assert wallet(api.user) == 1000
    assert Refund.objects.count() == 1
