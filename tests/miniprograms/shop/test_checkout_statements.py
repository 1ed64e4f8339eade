"""The statements of a checkout, from a cart to a paid order (docs/shop.md, "Flash sale"): the
path a brand's whole audience takes at once in a flash sale. Like the payment's
(tests/payments/test_ledger.py), a regression shows here first."""

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from miniprograms.shop import payment, services
from miniprograms.shop.models import Order
from payments import services as payments_services
from superapp.core import domain_events
from superapp.core.errors import InvalidInput, NotFound
from superapp.core.models import DomainEventDelivery
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.miniprograms.shop.factories import ADDRESS, fund_buyer, world
from tests.payments.factories import PIN

pytestmark = pytest.mark.django_db


def statements(action) -> list[str]:
    """The SQL ``action`` sends: one transaction, no savepoint in it (``one_transaction``)."""
    with one_transaction() as sent:
        action()
    return sent


def shop_marks_paid() -> list[str]:
    """The shop's listener of ``payments.payorder_paid`` runs (as the worker runs it): the
    drain's transaction, with the handler in a savepoint of its own (both left out)."""
    [delivery_id] = DomainEventDelivery.objects.filter(
        handler="miniprograms.shop.payment.on_payorder_paid", handled_at__isnull=True
    ).values_list("pk", flat=True)
    with CaptureQueriesContext(connection) as captured:
        assert domain_events.delivery_handle(delivery_id=delivery_id)
    return [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]


def cart_to_paid(shop, sku, buyer) -> dict[str, list[str]]:
    """Each step of the buyer's purchase of the cart, with the statements it sent."""
    services.cart_item_set(actor=buyer, shop_id=shop.pk, sku_id=sku.pk, quantity=1)
    sent = {
        "checkout": statements(
            lambda: services.order_checkout(actor=buyer, shop_id=shop.pk, shipping_address=ADDRESS)
        )
    }
    order = Order.objects.get(buyer=buyer)
    sent["pay_order"] = statements(
        lambda: payment.order_payorder_create(actor=buyer, order_id=order.pk)
    )
    order.refresh_from_db()
    sent["confirm"] = statements(
        lambda: payments_services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    )
    sent["marked_paid"] = shop_marks_paid()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return sent


def test_a_cart_to_paid_checkout_is_a_fixed_handful_of_statements(settings):
    """Checkout: the shop with the buyer's attribution (one read), the cart, the SKUs with
    their products and prices (one read), the order with its lines (one statement), the
    emptied cart, the event, the buyer's realtime event and the conditional stock decrement.
    The pay order: the locked order (with its app; the buyer is the caller), the merchant
    key, the buyer's app identity (read, then created: a first purchase in this shop), the
    sandbox flag, the pay order, the order's prepay id (the last four in payments and
    miniprograms). Confirming is the payment's two statements (tests/payments/test_ledger.py;
    the shop's app has no notify URL, so the journal's statement carries no merchant
    notification). The shop's listener: its delivery, the app's shop, the locked order, the
    status change, the order, the events, the lines with their products' collections for
    the paid event (one read), the delivery handled."""
    settings.PAYMENTS_HOT_ACCOUNT_SHARDS = 1  # every shard exists after the first payment
    w = world(price=2500, stock=5)
    first, buyer = UserFactory(), UserFactory()
    for someone in (first, buyer):
        fund_buyer(someone, 2500)
    cart_to_paid(w.shop, w.sku, first)  # the shop's first sale creates its merchant accounts

    sent = cart_to_paid(w.shop, w.sku, buyer)

    counts = {step: len(statements_) for step, statements_ in sent.items()}
    assert counts == {"checkout": 8, "pay_order": 7, "confirm": 2, "marked_paid": 10}, sent


def test_a_sold_out_checkout_is_refused_in_one_read_before_any_transaction():
    """The SKUs' stock by primary key, outside any transaction: no write, nothing to roll back
    (a flash sale's whole audience after the last unit)."""
    w = world(price=2500, stock=0)
    buyer = UserFactory()
    items = [{"sku_id": w.sku.pk, "quantity": 1}]

    def refused():
        with pytest.raises(services.OutOfStock):
            services.order_checkout(
                actor=buyer, shop_id=w.shop.pk, items=items, shipping_address=ADDRESS
            )

    depth = len(connection.savepoint_ids)
    with CaptureQueriesContext(connection) as queries:
        refused()
    sent = [q["sql"] for q in queries.captured_queries]
    assert len(sent) == 1, sent
    assert sent[0].startswith("SELECT") and "shop_sku" in sent[0], sent
    assert len(connection.savepoint_ids) == depth


def test_a_sold_out_refusal_keeps_the_order_of_errors():
    """An unknown SKU before a sold-out one is still 404, a quantity over the limit still 400:
    only a request the whole way would refuse for stock is refused early."""
    w = world(price=2500, stock=0)
    buyer = UserFactory()
    checkout = functools.partial(
        services.order_checkout, actor=buyer, shop_id=w.shop.pk, shipping_address=ADDRESS
    )
    with pytest.raises(NotFound):
        checkout(items=[{"sku_id": 999_999, "quantity": 1}, {"sku_id": w.sku.pk, "quantity": 1}])
    with pytest.raises(InvalidInput):
        checkout(items=[{"sku_id": w.sku.pk, "quantity": 10_000}])
    with pytest.raises(services.OutOfStock):
        checkout(items=[{"sku_id": w.sku.pk, "quantity": 1}])
