"""The whole purchase through the API: cart → checkout → pay order → PIN confirmation (real
payments: money moves, payments' event marks the order paid) → ship → deliver → confirm →
review, with every transition announced."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from miniprograms import services as mp_services
from miniprograms.models import ConsentGrant
from miniprograms.shop import payment, services
from miniprograms.shop.models import Order, OrderStatusChange, Sku
from payments.models import PayOrder
from superapp.core.models import DomainEvent
from superapp.realtime.models import UserEvent
from superapp.webhooks.models import WebhookDelivery
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.miniprograms.shop.factories import (
    ADDRESS,
    after_commit,
    checkout,
    emit_after_commit,
    fund_buyer,
    merchant,
    pay,
    wallet,
    world,
)
from tests.payments.factories import PIN, fund, sandbox_set

pytestmark = pytest.mark.django_db


def events(event_type):
    return [e.payload for e in DomainEvent.objects.filter(type=event_type).order_by("id")]


def test_buyer_goes_from_cart_to_review_paying_from_the_wallet(api, capsys):
    w = world(price=2500, stock=5)
    staff = consumer_client(w.owner)
    shop = f"/api/v1/shops/{w.shop.pk}"
    assert api.post("/api/v1/wallet/pin", {"pin": PIN}).status_code == 200
    fund(api.user, 8000)

    put = api.put(f"{shop}/cart/items", {"sku_id": w.sku.pk, "quantity": 2})
    assert put.status_code == 200
    assert put.json()["items"][0]["quantity"] == 2

    created = api.post(f"{shop}/checkout", {"shipping_address": ADDRESS})
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["status"] == "created"
    assert order["total"] == {"amount": 5000, "currency": "EUR"}
    assert order["lines"][0]["unit_price"] == {"amount": 2500, "currency": "EUR"}
    assert order["shipping_address"]["city"] == "Paris"
    assert api.get(f"{shop}/cart").json()["items"] == []
    assert Sku.objects.get(pk=w.sku.pk).stock == 3

    pay_order = api.post(f"/api/v1/shop/orders/{order['id']}/pay")
    assert pay_order.status_code == 201, pay_order.content
    prepay_id = pay_order.json()["prepay_id"]
    assert pay_order.json() == {"prepay_id": prepay_id, "amount": 5000, "currency": "EUR"}
    again = api.post(f"/api/v1/shop/orders/{order['id']}/pay")
    assert (again.status_code, again.json()["prepay_id"]) == (200, prepay_id)
    with after_commit():
        confirmed = api.post(f"/api/v1/pay/orders/{prepay_id}/confirm", {"pin": PIN})
    assert confirmed.json()["status"] == "paid", confirmed.content
    paid = api.get(f"/api/v1/shop/orders/{order['id']}").json()
    assert (paid["status"], paid["prepay_id"]) == ("paid", prepay_id)
    assert (wallet(api.user), merchant(w.shop)) == (3000, 5000 - 30)  # 0.6 % platform fee
    refused = api.post(f"/api/v1/shop/orders/{order['id']}/pay")
    assert_refused(refused, 422, "invalid_order_status")

    shipped = staff.post(
        f"{shop}/manage/orders/{order['id']}/ship",
        {"carrier": "La Poste", "tracking_number": "LP123FR"},
    )
    assert shipped.status_code == 200
    assert shipped.json()["tracking_number"] == "LP123FR"
    assert staff.post(f"{shop}/manage/orders/{order['id']}/deliver").status_code == 200
    confirmed = api.post(f"/api/v1/shop/orders/{order['id']}/confirm-receipt")
    assert confirmed.json()["status"] == "completed"

    review = api.post(
        "/api/v1/shop/reviews",
        {
            "line_id": order["lines"][0]["id"],
            "rating": 5,
            "text": "Beautiful silk.",
            "photos": ["https://img.example/1.jpg"],
        },
    )
    assert review.status_code == 201, review.content
    product = api.get(f"{shop}/products/{w.product.pk}").json()
    assert (product["rating_average"], product["rating_count"]) == (5.0, 1)
    reviews = api.get(f"{shop}/products/{w.product.pk}/reviews").json()["results"]
    assert [r["text"] for r in reviews] == ["Beautiful silk."]

    history = OrderStatusChange.objects.filter(order_id=order["id"]).order_by("id")
    assert [h.to_status for h in history] == ["paid", "shipped", "delivered", "completed"]
    statuses = [e["status"] for e in events("shop.order_status_changed")]
    assert statuses == ["created", "paid", "shipped", "delivered", "completed"]
    shipped_event = events("shop.order_status_changed")[2]
    assert "LP123FR" in shipped_event["body"]
    assert shipped_event["buyer_user_id"] == api.user.pk
    pushed = UserEvent.objects.filter(user=api.user, type="shop.order_updated").count()
    assert pushed == 5
    assert not WebhookDelivery.objects.exists()  # the in-process shop needs no webhook
    call_command("ledger_verify")
    assert "ledger_verify=ok" in capsys.readouterr().out


def test_paying_is_refused_once_the_reservation_has_lapsed(api):
    w = world()
    order = checkout(api.user, w.sku)
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now())
    response = api.post(f"/api/v1/shop/orders/{order.pk}/pay")
    assert_refused(response, 422, "reservation_expired")
    assert api.post(f"/api/v1/shop/orders/{order.pk}/pay").json()["code"] == ("reservation_expired")
    other = consumer_client(UserFactory()).post(f"/api/v1/shop/orders/{order.pk}/pay")
    assert other.status_code == 404


def test_order_paid_event_carries_the_contract_payload(api):
    w = world(price=1200)
    order = checkout(api.user, w.sku, quantity=3)
    prepay_id = pay(order)
    [paid] = events("shop.order_paid")
    assert paid == {
        "order_id": order.pk,
        "shop_id": w.shop.pk,
        "brand_id": w.shop.brand_id,
        "buyer_user_id": api.user.pk,
        "amount": 3600,
        "currency": "EUR",
        "prepay_id": prepay_id,
        "paid_at": paid["paid_at"],
        "lines": [
            {
                "product_id": w.product.pk,
                "sku_id": w.sku.pk,
                "collection_ids": [],
                "quantity": 3,
                "amount": 3600,
            }
        ],
        "associate_user_id": None,
        "live_show_id": None,
    }


def test_payment_events_of_other_apps_and_repeats_change_nothing(api):
    w = world()
    order = checkout(api.user, w.sku)
    third_party = {
        "prepay_id": "x",
        "app_id": "mp-third-party",
        "organisation_id": 1,
        "payer_user_id": api.user.pk,
        "amount": order.total,
        "currency": order.currency,
        "out_trade_no": order.out_trade_no,
        "paid_at": timezone.now().isoformat(),
    }
    emit_after_commit("payments.payorder_paid", third_party)
    order.refresh_from_db()
    assert order.status == "created"
    prepay_id = pay(order)
    repeat = dict(
        DomainEvent.objects.filter(type="payments.payorder_paid").last().payload,
    )
    emit_after_commit("payments.payorder_paid", repeat)
    order.refresh_from_db()
    assert (order.status, order.prepay_id) == ("paid", prepay_id)
    assert len(events("shop.order_paid")) == 1
    assert not order.refund_requests.exists()


def test_a_pay_order_of_the_shop_for_an_order_it_does_not_have_is_logged_and_changes_nothing(
    api, caplog
):
    w = world()
    order = checkout(api.user, w.sku)
    stray = {
        "prepay_id": "wx-stray",
        "app_id": w.shop.miniprogram.app_id,
        "organisation_id": w.shop.miniprogram.organisation_id,
        "payer_user_id": api.user.pk,
        "amount": order.total,
        "currency": order.currency,
        "out_trade_no": "not-an-order-of-this-shop",
        "paid_at": timezone.now().isoformat(),
    }
    with caplog.at_level("ERROR", logger="miniprograms.shop.payment"):
        emit_after_commit("payments.payorder_paid", stray)
    assert "pay order for an unknown shop order" in caplog.messages
    order.refresh_from_db()
    assert (order.status, order.prepay_id) == ("created", "")
    assert events("shop.order_paid") == []


def test_orders_are_private_to_their_buyer(api):
    w = world()
    order = checkout(UserFactory(), w.sku)
    assert api.get(f"/api/v1/shop/orders/{order.pk}").status_code == 404
    assert api.post(f"/api/v1/shop/orders/{order.pk}/cancel").status_code == 404
    assert api.get("/api/v1/shop/orders").json()["results"] == []


def test_state_machine_refuses_skipping_steps(api):
    w = world()
    order = checkout(api.user, w.sku)
    staff = consumer_client(w.owner)
    ship = staff.post(
        f"/api/v1/shops/{w.shop.pk}/manage/orders/{order.pk}/ship",
        {"carrier": "DHL", "tracking_number": "1"},
    )
    assert_refused(ship, 422, "invalid_order_status")
    early = api.post(f"/api/v1/shop/orders/{order.pk}/confirm-receipt")
    assert early.json()["code"] == "invalid_order_status"


def test_checkout_honours_idempotency_key(api):
    w = world(stock=5)
    body = {"items": [{"sku_id": w.sku.pk, "quantity": 1}], "shipping_address": ADDRESS}
    url = f"/api/v1/shops/{w.shop.pk}/checkout"
    first = api.post(url, body, HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post(url, body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json()["id"] == again.json()["id"]
    assert Order.objects.count() == 1
    assert Sku.objects.get(pk=w.sku.pk).stock == 4


@pytest.mark.parametrize("coupon", [False, True])
def test_a_checkout_answers_the_order_as_stored_without_reading_it_back(api, coupon):
    w = world(price=2500, stock=5)
    body = {"items": [{"sku_id": w.sku.pk, "quantity": 2}], "shipping_address": ADDRESS}
    if coupon:
        body["coupon_code"] = services.coupon_create(
            actor=w.owner, shop_id=w.shop.pk, code="TENOFF", kind="percent", value=10
        ).code
    with CaptureQueriesContext(connection) as captured:
        created = api.post(f"/api/v1/shops/{w.shop.pk}/checkout", body)

    assert created.status_code == 201
    last = captured.captured_queries[-1]["sql"]
    assert last.startswith(("COMMIT", "RELEASE SAVEPOINT"))  # nothing read after the checkout
    assert created.json() == api.get(f"/api/v1/shop/orders/{created.json()['id']}").json()


@pytest.mark.parametrize(
    ("items", "status", "code"),
    [
        ([{"sku_id": 999999, "quantity": 1}], 404, "sku_not_found"),
        ([{"sku_id": "SKU", "quantity": 1}], 400, "validation_error"),
        ([{"sku_id": "SELF", "quantity": 1000}], 400, "quantity_limit"),
        ([{"sku_id": "SELF", "quantity": 11}], 409, "out_of_stock"),
        ([], 422, "cart_empty"),
    ],
)
def test_bad_checkouts_are_refused_and_write_nothing(api, items, status, code):
    w = world(stock=10)
    for item in items:
        if item["sku_id"] == "SELF":
            item["sku_id"] = w.sku.pk
    response = api.post(
        f"/api/v1/shops/{w.shop.pk}/checkout", {"items": items, "shipping_address": ADDRESS}
    )
    assert_refused(response, status, code)
    assert Order.objects.count() == 0
    assert Sku.objects.get(pk=w.sku.pk).stock == 10


def test_checkout_ships_to_a_saved_address_and_records_the_address_grant(api, other_user):
    w = world(stock=5)
    saved = mp_services.address_add(
        user=api.user,
        recipient="Mei Chen",
        phone="+86 138 0000 0000",
        line1="1 Nanjing Road",
        city="Shanghai",
        postal_code="200001",
        country="CN",
    )
    url = f"/api/v1/shops/{w.shop.pk}/checkout"
    item = [{"sku_id": w.sku.pk, "quantity": 1}]
    created = api.post(url, {"items": item, "address_id": saved.pk})
    assert created.status_code == 201, created.json()
    order = Order.objects.get(pk=created.json()["id"])
    assert (order.shipping_address["name"], order.shipping_address["city"]) == (
        "Mei Chen",
        "Shanghai",
    )
    assert ConsentGrant.objects.filter(
        user=api.user, miniprogram=w.shop.miniprogram, scope="address", revoked_at=None
    ).exists()

    strangers = mp_services.address_add(user=other_user, **ADDRESS_BOOK_ENTRY)
    refused = api.post(url, {"items": item, "address_id": strangers.pk})
    assert_refused(refused, 404, "address_not_found")
    both = api.post(url, {"items": item, "address_id": saved.pk, "shipping_address": ADDRESS})
    assert both.status_code == 400
    assert Order.objects.count() == 1
    neither = api.post(url, {"items": item})  # the default address: the first one saved
    assert neither.status_code == 201, neither.json()
    assert Order.objects.get(pk=neither.json()["id"]).shipping_address["city"] == "Shanghai"
    assert Sku.objects.get(pk=w.sku.pk).stock == 3  # two orders reserved one each


ADDRESS_BOOK_ENTRY = {
    "recipient": "Someone Else",
    "phone": "+44 20 0000 0000",
    "line1": "2 Baker Street",
    "city": "London",
    "postal_code": "NW1",
    "country": "GB",
}


def test_checkout_in_a_currency_without_price_is_refused(api):
    w = world()
    response = api.post(
        f"/api/v1/shops/{w.shop.pk}/checkout",
        {
            "items": [{"sku_id": w.sku.pk, "quantity": 1}],
            "currency": "USD",
            "shipping_address": ADDRESS,
        },
    )
    assert_refused(response, 422, "price_unavailable")


def test_order_lists_do_not_grow_queries_with_orders(api):
    w = world(stock=100)
    staff = consumer_client(w.owner)

    def place(n):
        for _ in range(n):
            pay(checkout(api.user, w.sku))

    assert_queries_constant(place, lambda: api.get("/api/v1/shop/orders"))
    assert_queries_constant(
        place, lambda: staff.get(f"/api/v1/shops/{w.shop.pk}/manage/orders?status=paid")
    )


def test_a_shop_in_sandbox_mode_refuses_to_take_payment_and_stores_no_pay_order(api):
    """Test money emits no ``payments.payorder_paid``, so it could never mark a shop order paid
    (and the shop must never ship for it): the shop refuses the pay order instead."""
    w = world(price=2500)
    sandbox_set(w.shop.miniprogram)
    fund_buyer(api.user, 0)
    order = checkout(api.user, w.sku)
    refused = api.post(f"/api/v1/shop/orders/{order.pk}/pay")
    assert_refused(refused, 409, "shop_sandbox")
    order.refresh_from_db()
    assert (order.status, order.prepay_id) == ("created", "")
    assert not PayOrder.objects.exists()

    sandbox_set(w.shop.miniprogram, False)  # live again: the same order can be paid for real
    assert pay(order)
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_shop_order_whose_pay_order_predates_sandbox_mode_is_paid_for_real(api):
    w = world(price=2500)
    order = checkout(api.user, w.sku)
    fund_buyer(api.user, 2500)
    order, _ = payment.order_payorder_create(actor=api.user, order_id=order.pk)
    sandbox_set(w.shop.miniprogram)
    with after_commit():
        confirmed = api.post(f"/api/v1/pay/orders/{order.prepay_id}/confirm", {"pin": PIN})
    assert confirmed.json()["status"] == "paid", confirmed.content
    order.refresh_from_db()
    assert order.status == "paid"
    assert (wallet(api.user), merchant(w.shop)) == (0, 2500 - 15)
