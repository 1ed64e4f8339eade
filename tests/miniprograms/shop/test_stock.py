"""No overselling: reservations expire back into stock, and concurrent buyers never take more
than there is (real threads on PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from miniprograms.shop import services, tasks
from miniprograms.shop.models import Order, Shop, Sku
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.shop.factories import ADDRESS, checkout, pay, world


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


@pytest.mark.django_db
def test_payment_arriving_after_expiry_is_owed_back_not_oversold(api):
    w = world(stock=1, price=900)
    late = checkout(api.user, w.sku)
    Order.objects.filter(pk=late.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))
    tasks.expire_orders.delay()
    taker = checkout(UserFactory(), w.sku)
    pay(late)
    late.refresh_from_db()
    assert late.status == "cancelled"
    assert [(r.amount, r.reason) for r in late.refund_requests.all()] == [
        (900, "unmatched_payment")
    ]
    assert taker.status == "created"
    assert stock_of(w.sku) == 0


@pytest.mark.django_db
def test_buyer_cancelling_releases_stock(api):
    w = world(stock=2)
    order = checkout(api.user, w.sku, quantity=2)
    response = api.post(f"/api/v1/shop/orders/{order.pk}/cancel")
    assert response.json()["status"] == "cancelled"
    assert stock_of(w.sku) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_flash_sale_buyers_never_oversell():
    units, buyers = 5, 24
    w = world(stock=units)
    clients = [consumer_client(UserFactory()) for _ in range(buyers)]
    url = f"/api/v1/shops/{w.shop.pk}/checkout"
    body = {"items": [{"sku_id": w.sku.pk, "quantity": 1}], "shipping_address": ADDRESS}
    outcomes: list[tuple[int, str | None]] = []
    barrier = threading.Barrier(buyers)

    def buy(client):
        try:
            barrier.wait()
            response = client.post(url, body)
            outcomes.append((response.status_code, response.json().get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes).count((201, None)) == units
    assert sorted(outcomes).count((409, "out_of_stock")) == buyers - units
    assert Order.objects.count() == units
    assert stock_of(w.sku) == 0
    for order in Order.objects.all():
        pay(order)
    assert Order.objects.filter(status="paid").count() == units


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
