"""No overselling: reservations expire back into stock, and concurrent buyers never take more
than there is (real threads on PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from miniprograms.shop import payment, services, tasks
from miniprograms.shop.models import Order, Shop, Sku
from payments.models import PayOrder
from tests.factories import UserFactory
from tests.helpers import consumer_client, run_together
from tests.miniprograms.shop.factories import (
    ADDRESS,
    after_commit,
    checkout,
    fund_buyer,
    merchant,
    pay,
    wallet,
    world,
)
from tests.payments.factories import PIN


def stock_of(sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


@pytest.mark.django_db
def test_checkout_reserves_stock_for_the_configured_window(api, settings):
    settings.SHOP_RESERVATION_MINUTES = 7
    w = world(stock=3)
    before = timezone.now()
    order = checkout(api.user, w.sku, quantity=2)
    assert stock_of(w.sku) == 1
    assert before + timedelta(minutes=7) <= order.reserved_until
    assert order.reserved_until <= timezone.now() + timedelta(minutes=7)


@pytest.mark.django_db
def test_unpaid_orders_expire_and_release_their_stock(api):
    w = world(stock=3)
    expired = checkout(api.user, w.sku, quantity=2)
    fresh = checkout(UserFactory(), w.sku, quantity=1)
    Order.objects.filter(pk=expired.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))
    assert stock_of(w.sku) == 0

    assert tasks.expire_orders.delay().get() == 1

    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert (expired.status, fresh.status) == ("cancelled", "created")
    assert stock_of(w.sku) == 2
    assert tasks.expire_orders.delay().get() == 0


@pytest.mark.django_db
def test_a_paid_order_is_never_expired(api):
    w = world(stock=1)
    order = checkout(api.user, w.sku)
    pay(order)
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(hours=1))
    assert services.order_expire(order_id=order.pk) is False
    order.refresh_from_db()
    assert order.status == "paid"
    assert stock_of(w.sku) == 0


def lapse(order) -> None:
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))


def confirm(order) -> tuple[int, dict]:
    client = consumer_client(order.buyer)
    with after_commit():
        response = client.post(f"/api/v1/pay/orders/{order.prepay_id}/confirm", {"pin": PIN})
    return response.status_code, response.json()


@pytest.mark.django_db
def test_expiry_closes_the_pay_order_so_a_late_confirmation_takes_no_money(api):
    w = world(stock=1, price=900)
    fund_buyer(api.user, 900)
    order, _ = payment.order_payorder_create(actor=api.user, order_id=checkout(api.user, w.sku).pk)
    lapse(order)

    with after_commit():
        assert tasks.expire_orders.delay().get() == 1

    assert PayOrder.objects.get(prepay_id=order.prepay_id).status == "closed"
    status, body = confirm(order)
    assert (status, body["code"]) == (409, "payorder_closed")
    assert (wallet(api.user), merchant(w.shop), stock_of(w.sku)) == (900, 0, 1)


@pytest.mark.django_db
def test_a_payment_racing_the_expiry_is_refunded_in_full_and_the_resold_unit_stays_sold(api):
    w = world(stock=1, price=900)
    fund_buyer(api.user, 900)
    late, _ = payment.order_payorder_create(actor=api.user, order_id=checkout(api.user, w.sku).pk)
    lapse(late)
    tasks.expire_orders.delay()  # committed; the pay order is not closed yet
    taker = checkout(UserFactory(), w.sku)

    assert confirm(late)[1]["status"] == "paid"

    late.refresh_from_db()
    assert late.status == "cancelled"
    [owed] = late.refund_requests.all()
    assert (owed.amount, owed.reason, owed.status) == (900, "unmatched_payment", "refunded")
    assert PayOrder.objects.get(prepay_id=late.prepay_id).status == "refunded"
    assert (wallet(api.user), merchant(w.shop)) == (900, 0)
    assert (taker.status, stock_of(w.sku)) == ("created", 0)


@pytest.mark.django_db
def test_buyer_cancelling_releases_stock(api):
    w = world(stock=2)
    order = checkout(api.user, w.sku, quantity=2)
    response = api.post(f"/api/v1/shop/orders/{order.pk}/cancel")
    assert response.json()["status"] == "cancelled"
    assert stock_of(w.sku) == 2


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_flash_sale_buyers_who_pay_never_oversell(capsys):
    units, buyers, price = 5, 24, 1500
    w = world(stock=units, price=price)
    clients = [consumer_client(UserFactory()) for _ in range(buyers)]
    for client in clients:
        fund_buyer(client.user, price)
    body = {"items": [{"sku_id": w.sku.pk, "quantity": 1}], "shipping_address": ADDRESS}

    def buy_and_pay(client):
        response = client.post(f"/api/v1/shops/{w.shop.pk}/checkout", body)
        if response.status_code == 201:
            order_id = response.json()["id"]
            prepay_id = client.post(f"/api/v1/shop/orders/{order_id}/pay").json()["prepay_id"]
            client.post(f"/api/v1/pay/orders/{prepay_id}/confirm", {"pin": PIN})
        return response.status_code, response.json().get("code")

    outcomes = run_together([lambda c=c: buy_and_pay(c) for c in clients])

    assert sorted(outcomes).count((201, None)) == units
    assert sorted(outcomes).count((409, "out_of_stock")) == buyers - units
    paid = Order.objects.filter(status="paid").prefetch_related("lines")
    assert len(paid) == Order.objects.count() == units
    assert all([line.quantity for line in order.lines.all()] == [1] for order in paid)
    assert stock_of(w.sku) == 0
    winners = {order.buyer_id for order in paid}
    balances = sorted(wallet(c.user) for c in clients)
    assert balances == [0] * units + [price] * (buyers - units)
    assert all(wallet(c.user) == 0 for c in clients if c.user.pk in winners)
    assert merchant(w.shop) == units * (price - 9)  # 0.6 % fee per payment
    call_command("ledger_verify")
    assert "ledger_verify=ok" in capsys.readouterr().out


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_changing_an_order_never_locks_the_shared_shop_or_sku_rows():
    w = world(stock=3)
    order = checkout(UserFactory(), w.sku)
    pay(order)
    locked = threading.Event()
    release = threading.Event()

    def ship_slowly():
        try:
            with transaction.atomic():
                services.order_ship(
                    actor=w.owner,
                    shop_id=w.shop.pk,
                    order_id=order.pk,
                    carrier="DHL",
                    tracking_number="1",
                )
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    shipper = threading.Thread(target=ship_slowly)
    shipper.start()
    try:
        assert locked.wait(10)
        with transaction.atomic():
            Shop.objects.select_for_update(nowait=True).get(pk=w.shop.pk)
            Sku.objects.select_for_update(nowait=True).get(pk=w.sku.pk)
        assert checkout(UserFactory(), w.sku).status == "created"
    finally:
        release.set()
        shipper.join()
